import { buildEvidence, renderMarkdown, type CloudAssemblyInput, type PluginReport } from '../../lib/report';
import { CONTROL_IDS } from '../../policies/catalogue';

/** A hand-made assembly: one stack, a few resources, a validation report. */
function assembly(overrides: { resources?: Record<string, unknown>; reports?: PluginReport[] | undefined } = {}): CloudAssemblyInput {
  return {
    directory: '/nowhere',
    stacks: [
      {
        name: 'app-data',
        account: '111111111111',
        region: 'eu-west-3',
        template: {
          Resources: (overrides.resources ?? {
            Docs: { Type: 'AWS::S3::Bucket', Metadata: { 'hds:controls': ['ENC-02'], 'aws:cdk:path': 'app-data/Docs/Resource' } },
          }) as never,
        },
      },
    ],
    pluginReports: 'reports' in overrides ? overrides.reports : [{ pluginName: 'HdsChecks', conclusion: 'success', violations: [] }],
  };
}

const copyPlan = {
  Plan: {
    Type: 'AWS::Backup::BackupPlan',
    Properties: {
      BackupPlan: {
        BackupPlanRule: [
          { RuleName: 'daily', CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-west-1:111111111111:backup-vault:copy' }] },
          { RuleName: 'monthly' },
        ],
      },
    },
  },
};

describe('buildEvidence', () => {
  test('lists every control of the catalogue, in catalogue order', () => {
    expect(buildEvidence(assembly()).controls.map((c) => c.id)).toEqual(CONTROL_IDS);
  });

  test('a control is provisioned when a resource records it, not evaluated otherwise', () => {
    const evidence = buildEvidence(assembly());
    const byId = (id: string) => evidence.controls.find((c) => c.id === id)!;
    expect(byId('ENC-02')).toMatchObject({ status: 'provisioned', resources: [{ stack: 'app-data', logicalId: 'Docs', path: 'app-data/Docs/Resource' }] });
    expect(byId('DET-01').status).toBe('not-evaluated');
  });

  test('an acknowledged HDS finding marks the control of the rule, not the compensating control of its reason', () => {
    const evidence = buildEvidence(
      assembly({
        reports: [
          {
            pluginName: 'HdsChecks',
            conclusion: 'success',
            violations: [],
            suppressedViolations: [
              { ruleName: 'HDS-BAK02-BackupCoverage', description: 'd', reason: '[LOG-03] locked traces', violatingConstructs: [{ constructPath: 'a/B' }] },
              { ruleName: 'HDS-BAK02-BackupCoverage', description: 'd', reason: '[LOG-03] locked traces', violatingConstructs: [{ constructPath: 'a/A' }] },
            ],
          },
        ],
      }),
    );
    const bak02 = evidence.controls.find((c) => c.id === 'BAK-02')!;
    expect(bak02.status).toBe('acknowledged');
    // Grouped: one acknowledgement listing both constructs, sorted.
    expect(bak02.acknowledgements).toEqual([
      expect.objectContaining({ control: 'BAK-02', compensatingControl: 'LOG-03', constructPaths: ['a/A', 'a/B'] }),
    ]);
    expect(evidence.controls.find((c) => c.id === 'LOG-03')!.status).toBe('not-evaluated');
  });

  test('the verdict fails on an unacknowledged finding, and says when no check ran', () => {
    const failing = assembly({ reports: [{ pluginName: 'AwsSolutions', conclusion: 'failure', violations: [{ ruleName: 'AwsSolutions-S1', description: 'd' }] }] });
    expect(buildEvidence(failing).summary.verdict).toBe('fail');
    expect(buildEvidence(assembly({ reports: undefined })).summary.verdict).toBe('checks-not-run');
    expect(buildEvidence(assembly()).summary.verdict).toBe('pass');
  });

  test('no transfer by default; a backup copy action is a transfer with its destination region (RES-04, EXI 31)', () => {
    expect(buildEvidence(assembly()).transfers).toEqual([]);
    expect(buildEvidence(assembly({ resources: copyPlan })).transfers).toEqual([
      expect.objectContaining({
        kind: 'backup-copy',
        logicalId: 'Plan',
        destination: 'arn:aws:backup:eu-west-1:111111111111:backup-vault:copy',
        destinationRegion: 'eu-west-1',
      }),
    ]);
  });

  test('S3 replication is a transfer too, even when its destination is an intrinsic', () => {
    const evidence = buildEvidence(
      assembly({
        resources: {
          Src: { Type: 'AWS::S3::Bucket', Properties: { ReplicationConfiguration: { Rules: [{ Destination: { Bucket: { 'Fn::GetAtt': ['Dst', 'Arn'] } } }] } } },
        },
      }),
    );
    expect(evidence.transfers).toEqual([
      expect.objectContaining({ kind: 's3-replication', logicalId: 'Src', destination: '{"Fn::GetAtt":["Dst","Arn"]}' }),
    ]);
  });
});

describe('renderMarkdown', () => {
  test('says there is no transfer, in each language', () => {
    expect(renderMarkdown(buildEvidence(assembly()), 'fr')).toContain('Aucune copie ni réplication de données vers un autre emplacement.');
    expect(renderMarkdown(buildEvidence(assembly()), 'en')).toContain('No copy or replication of data to another place.');
  });

  test('lists a backup copy with its destination region', () => {
    const fr = renderMarkdown(buildEvidence(assembly({ resources: copyPlan })), 'fr');
    expect(fr).toContain('| app-data | Plan | copie de sauvegarde | `arn:aws:backup:eu-west-1:111111111111:backup-vault:copy` | eu-west-1 |');
    expect(fr).not.toContain('Aucune copie');
  });

  test('uses French titles and typography in French and English ones in English', () => {
    const evidence = buildEvidence(assembly());
    const fr = renderMarkdown(evidence, 'fr');
    const en = renderMarkdown(evidence, 'en');
    expect(fr).toMatch(/^# Rapport de preuves HDS/);
    expect(fr).toContain('- Régions : eu-west-3');
    expect(en).toMatch(/^# HDS evidence report/);
    expect(en).toContain('- Regions: eu-west-3');
    expect(fr).not.toContain('Summary');
    expect(en).not.toContain('Synthèse');
  });
});
