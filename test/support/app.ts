import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { parseConfig, type HdsConfig, type HdsConfigInput } from '../../lib/config';

const ROOT = path.resolve(__dirname, '..', '..');

/** The context of cdk.json: feature flags reach an in-process app only this way. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

export interface TestAppOptions {
  /**
   * Run CDK's built-in CloudFormation validation on synth. Off for construct assertions (it costs
   * seconds per synth and is exercised by the whole-platform test).
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
  /** Extra context (e.g. `hds` or `config`). */
  readonly context?: Record<string, unknown>;
  readonly outdir?: string;
}

/** An app with the same feature flags as `cdk synth`, and no validation plugins. */
export function testApp(options: TestAppOptions = {}): App {
  const validation = options.cloudFormationValidation ?? false;
  return new App({
    outdir: options.outdir,
    // Otherwise CDK runs its CloudFormation validation on every synth, as warnings.
    builtinCloudFormationValidation: validation,
    context: {
      ...cdkJsonContext(),
      '@aws-cdk/core:validateAgainstDefaultRules': validation,
      ...options.context,
    },
  });
}

/** A validated config: the defaults, with `input` on top. */
export function testConfig(input: HdsConfigInput = {}): HdsConfig {
  return parseConfig(input);
}

/** A stack pinned to the default account and region, for construct tests. */
export function testStack(app: App = testApp(), id = 'TestStack'): Stack {
  return new Stack(app, id, { env: { account: '111111111111', region: 'eu-west-3' } });
}

/**
 * A VPC for construct tests, as the platform's network has them: two zones, no NAT gateway, isolated subnet
 * groups named `isolated` (and public ones named `publicGroups`, for an internet-facing entry).
 */
export function testVpc(stack: Stack, options: { isolatedGroups?: string[]; publicGroups?: string[] } = {}): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [
      ...(options.isolatedGroups ?? ['isolated']).map((name) => ({ name, subnetType: ec2.SubnetType.PRIVATE_ISOLATED })),
      ...(options.publicGroups ?? []).map((name) => ({ name, subnetType: ec2.SubnetType.PUBLIC })),
    ],
  });
}
