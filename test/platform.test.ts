import * as fs from 'node:fs';
import * as path from 'node:path';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgementsOf } from '../lib/acknowledgements';
import { ContainerService } from '../lib/constructs/container-service';
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

  test('synthesizes nine stacks pinned to the default account and region (RES-01)', () => {
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([
      'hds-access',
      'hds-app',
      'hds-audit',
      'hds-backup',
      'hds-data',
      'hds-detection',
      'hds-foundation',
      'hds-network',
      'hds-privacy',
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

  describe('the evidence report of the assembly', () => {
    const evidence = buildEvidence(readCloudAssembly(built.outdir));
    const statusOf = (id: string) => evidence.controls.find((c) => c.id === id)!.status;

    test('every control has the status the default platform earns, and nothing is not met', () => {
      const expected: Record<string, string[]> = {
        'not-evaluated': [],
        acknowledged: ['ENC-02', 'BAK-02', 'LOG-05', 'IAM-02'],
        'not-applicable': [],
        'not-met': [],
      };
      for (const [status, ids] of Object.entries(expected)) {
        expect({ status, ids: evidence.controls.filter((c) => c.status === status).map((c) => c.id) }).toEqual({ status, ids });
      }
      expect(evidence.controls.filter((c) => c.status === 'met').length).toBe(CONTROL_IDS.length - 4);
      // Pseudonymisation and reversibility: deployed (resources listed), behaviour verified by the function tests.
      for (const id of ['DATA-02', 'DATA-03']) {
        const control = evidence.controls.find((c) => c.id === id)!;
        expect(control).toMatchObject({ status: 'met', basis: 'outside-templates' });
        expect(control.resources.some((r) => r.stack === 'hds-privacy')).toBe(true);
      }
      expect(evidence.summary.verdict).toBe('pass');
      expect(evidence.summary.regions).toEqual(['eu-west-3']);
      expect(evidence.controls.map((c) => c.id)).toEqual(CONTROL_IDS);
    });

    test('the pack run on the templates agrees with the pack run at synth: same acknowledged HDS findings', () => {
      const atSynth = report.pluginReports.find((r) => r.pluginName === 'HdsChecks')!.suppressedViolations ?? [];
      const inReport = evidence.controls.flatMap((c) => c.findings).filter((f) => f.outcome === 'acknowledged');
      expect(inReport.length).toBeGreaterThan(0);
      expect(new Set(inReport.map((f) => f.rule))).toEqual(new Set((atSynth as { ruleName: string }[]).map((v) => v.ruleName)));
      for (const f of inReport) expect(f.reason).toMatch(/^\[[A-Z]+-\d{2}\] /);
      // Cross-stack references are followed: the documents bucket's key is in the foundation stack.
      expect(statusOf('ENC-01')).toBe('met');
      expect(evidence.controls.find((c) => c.id === 'ENC-02')!.rules.find((r) => r.rule === 'HDS-ENC02-RdsEncryptedWithCmk')).toMatchObject({ notMet: 0, notEvaluated: 0 });
    });

    test('the rules judged with the config the templates state; the data stays in eu-west-3 with no transfer', () => {
      expect(evidence.input.checkOptions).toEqual({ allowedRegions: ['eu-west-3'], minTraceRetentionDays: 365, from: 'templates' });
      expect(new Set(evidence.dataLocations.map((d) => d.region))).toEqual(new Set(['eu-west-3']));
      expect(evidence.transfers).toEqual([]);
      expect(evidence.actors.map((a) => a.name)).toEqual(['Amazon Web Services EMEA SARL']);
    });

    test('deterministic: the same assembly gives the same evidence', () => {
      expect(JSON.stringify(buildEvidence(readCloudAssembly(built.outdir)))).toBe(JSON.stringify(evidence));
    });
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

test('a platform that reuses the organization\'s detection services, without user pool, with a backup copy, passes every check', () => {
  const { app, platform, outdir } = buildTestPlatform({
    checks: true,
    config: {
      allowedRegions: ['eu-west-3', 'eu-west-1'],
      backup: { copy: { region: 'eu-west-1' } },
      detection: { guardDuty: 'existing', securityHub: 'existing', configRecorder: 'existing' },
      userPool: { enabled: false },
      access: { operators: ['arn:aws:iam::123456789012:role/Ops'] },
    },
  });
  // Under jest, synth throws on any unacknowledged finding.
  app.synth();
  // Stacks without roles carry no residency boundary (an unattached Allow * would bound nothing).
  expect(platform.detection.node.tryFindChild('ResidencyBoundary')).toBeUndefined();
  expect(platform.backupCopy?.node.tryFindChild('ResidencyBoundary')).toBeUndefined();
  expect(platform.access.userPool).toBeUndefined();
  const evidence = buildEvidence(readCloudAssembly(outdir));
  const statusOf = (id: string) => evidence.controls.find((c) => c.id === id)!.status;
  // Provided by the organization: the report says so instead of claiming them.
  expect([statusOf('DET-01'), statusOf('DET-02'), statusOf('IAM-03')]).toEqual(['not-evaluated', 'not-evaluated', 'not-applicable']);
  expect(evidence.transfers.map((t) => [t.kind, t.destinationRegion])).toContainEqual(['backup-copy', 'eu-west-1']);
});

test('a service added in code as the README shows passes every check, and its findings are acknowledged by the constructs', () => {
  const { app, platform } = buildTestPlatform({ checks: true });
  const api = new ContainerService(platform.app!, 'Api', {
    name: 'api',
    vpc: platform.network.network.vpc,
    subnets: platform.network.network.computeSubnets,
    imageTag: '2026.11.3',
    containerPort: 3000,
    repositoryKey: platform.foundation.keys.data,
    logsKey: platform.foundation.keys.logs,
    logRetention: logs.RetentionDays.ONE_YEAR,
  });
  platform.app!.entryPoint.addService(api, { priority: 5, pathPatterns: ['/api/*'] });
  platform.data.store.grantReadWrite(api, 'api');
  // Under jest, synth throws on any unacknowledged finding.
  app.synth();
  const ids = acknowledgementsOf(api).map((a) => a.id);
  expect(ids).toEqual(
    expect.arrayContaining([
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^AwsSolutions::AwsSolutions-IAM5\[Resource::\{"Fn::GetStackOutput":\{"StackName":"hds-data".*Documents.*\}\}\/\*\]$/),
    ]),
  );
});
