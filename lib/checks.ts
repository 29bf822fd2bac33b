import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { HdsChecks } from '../policies/hds-checks';
import type { HdsCheckOptions } from '../policies/rules';
import type { HdsConfig } from './config';

/**
 * The rule packs run on every synth (DESIGN.md, "Checks, in layers"). The built-in CloudFormation
 * validation is switched on by the `@aws-cdk/core:validateAgainstDefaultRules` flag in cdk.json.
 */
export function createPacks(scope?: IConstruct, options?: Partial<HdsCheckOptions>): NagPack[] {
  return [new HdsChecks(scope, { options }), new AwsSolutionsChecks(scope), new HIPAASecurityChecks(scope)];
}

/** What the HDS rules know of a platform: its allowed regions and trace retention. */
export function checkOptionsFor(config: HdsConfig): HdsCheckOptions {
  return { allowedRegions: config.allowedRegions, minTraceRetentionDays: config.traceRetentionDays };
}

/**
 * Registers every pack on the app: any finding that is not acknowledged fails the synth. With the
 * platform's config, the HDS rules judge against its allowed regions and trace retention.
 */
export function registerChecks(app: IConstruct, config?: HdsConfig): NagPack[] {
  const packs = createPacks(app, config && checkOptionsFor(config));
  Validations.of(app).addPlugins(...packs);
  return packs;
}
