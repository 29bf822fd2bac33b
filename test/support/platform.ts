import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { HdsConfigInput } from '../../lib/config';
import { registerChecks } from '../../lib/checks';
import { buildPlatform, type Platform } from '../../lib/platform';
import { testApp, testConfig } from './app';

export interface BuiltPlatform {
  readonly app: App;
  readonly platform: Platform;
  readonly outdir: string;
}

/**
 * The platform as `npm run synth` builds it, in-process: same feature flags, and with `checks` the
 * same validation plugins and the built-in CloudFormation validation.
 */
export function buildTestPlatform(options: { config?: HdsConfigInput; checks?: boolean } = {}): BuiltPlatform {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-platform-'));
  const app = testApp({ outdir, cloudFormationValidation: options.checks ?? false });
  const config = testConfig(options.config);
  const platform = buildPlatform(app, config);
  if (options.checks) registerChecks(app, config);
  return { app, platform, outdir };
}
