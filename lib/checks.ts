import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { HdsChecks } from '../policies/hds-checks';

/**
 * The rule packs run on every synth (DESIGN.md, "Checks, in layers"). The built-in CloudFormation
 * validation is switched on by the `@aws-cdk/core:validateAgainstDefaultRules` flag in cdk.json.
 */
export function createPacks(scope?: IConstruct): NagPack[] {
  return [new HdsChecks(scope), new AwsSolutionsChecks(scope), new HIPAASecurityChecks(scope)];
}

/** Registers every pack on the app: any finding that is not acknowledged fails the synth. */
export function registerChecks(app: IConstruct): NagPack[] {
  const packs = createPacks(app);
  Validations.of(app).addPlugins(...packs);
  return packs;
}
