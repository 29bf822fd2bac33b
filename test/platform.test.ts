import * as fs from 'node:fs';
import * as path from 'node:path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildEvidence, readCloudAssembly } from '../lib/report';
import { CONTROL_IDS } from '../policies/catalogue';
import { buildTestPlatform } from './support/platform';

interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations?: unknown[] }[];
}

describe('the default platform, with every check', () => {
  // One synth with all packs and the built-in CloudFormation validation (several seconds), shared.
  const built = buildTestPlatform({ checks: true });
  // Under jest (NODE_ENV=test) synth throws when any plugin reports an unacknowledged finding.
  const assembly = built.app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(built.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;

  test('synthesizes five stacks pinned to the default account and region (RES-01)', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([
      'hds-audit',
      'hds-backup',
      'hds-data',
      'hds-foundation',
      'hds-network',
    ]);
    for (const stack of assembly.stacks) {
      expect(stack.environment).toEqual(expect.objectContaining({ account: '111111111111', region: 'eu-west-3' }));
    }
  });

  test('every check ran and reports zero unacknowledged findings', () => {
    const plugins = report.pluginReports.map((r) => r.pluginName).sort();
    expect(plugins).toEqual(expect.arrayContaining(['HdsChecks', 'AwsSolutions', 'HIPAA.Security']));
    for (const plugin of report.pluginReports) {
      expect({ plugin: plugin.pluginName, violations: plugin.violations }).toEqual({ plugin: plugin.pluginName, violations: [] });
    }
    // Acknowledged findings are kept in the report with their reasons (EVD-04).
    const suppressed = report.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
    expect(suppressed.length).toBeGreaterThan(0);
  });

  test('the evidence report reads the assembly: verdict pass, every control listed, data in eu-west-3', () => {
    const evidence = buildEvidence(readCloudAssembly(built.outdir));
    expect(evidence.summary.verdict).toBe('pass');
    expect(evidence.summary.regions).toEqual(['eu-west-3']);
    expect(evidence.controls.map((c) => c.id)).toEqual(CONTROL_IDS);
    expect(evidence.dataLocations.length).toBeGreaterThan(0);
    expect(new Set(evidence.dataLocations.map((d) => d.region))).toEqual(new Set(['eu-west-3']));
    for (const id of ['ENC-01', 'NET-01', 'NET-03', 'LOG-01', 'LOG-02', 'BAK-01', 'BAK-03', 'BAK-04']) {
      expect({ id, status: evidence.controls.find((c) => c.id === id)?.status }).toEqual({ id, status: 'provisioned' });
    }
    // Deterministic: the same input gives the same evidence.
    expect(JSON.stringify(buildEvidence(readCloudAssembly(built.outdir)))).toBe(JSON.stringify(evidence));
  });
});

test('an unacknowledged finding fails the synth (the whole-platform test can fail)', () => {
  const { app, platform } = buildTestPlatform({ checks: true });
  // A bucket with none of the platform's hardening: no KMS, no logging, no TLS policy, no versioning.
  new s3.Bucket(platform.data, 'CarelessBucket');
  let message = '';
  try {
    app.synth();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('hds-data/CarelessBucket');
  expect(message).toMatch(/AwsSolutions-S1\b/);
  expect(message).toMatch(/HIPAA\.Security-S3DefaultEncryptionKMS/);
  // The HDS pack's own rule: the bucket is in no backup selection (BAK-02).
  expect(message).toMatch(/HDS-BAK02-BackupCoverage/);
});
