import { acknowledgementsOf } from '../lib/acknowledgements';
import { isControlId } from '../policies/catalogue';
import { buildTestPlatform } from './support/platform';

/**
 * EVD-04: every finding the platform accepts, pinned. Adding, moving or dropping an acknowledgement
 * changes this list, so it is a reviewed diff. Reasons are checked for shape below, not pinned word
 * for word.
 */
const EXPECTED = [
  ['hds-foundation/LogArchive/AccessLogs/Resource', 'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled', 'RES-02'],
  ['hds-foundation/LogArchive/AccessLogs/Resource', 'HIPAA.Security::HIPAA.Security-S3DefaultEncryptionKMS', 'ENC-02'],
  ['hds-foundation/LogArchive/AccessLogs/Resource', 'HdsChecks::HDS-ENC02-S3EncryptedWithCmk', 'ENC-02'],
  ['hds-foundation/LogArchive/AccessLogs/Resource', 'HdsChecks::HDS-LOG05-BucketAccessLogs', 'LOG-02'],
  // RES-03: the residency boundary of every stack that has roles is a ceiling, not a grant.
  ...['hds-network', 'hds-data', 'hds-audit', 'hds-backup'].flatMap((stack) =>
    ['Action::*', 'Resource::*'].map((f) => [`${stack}/ResidencyBoundary`, `AwsSolutions::AwsSolutions-IAM5[${f}]`, 'RES-03']),
  ),
  ['hds-foundation/LogArchive/Archive/Resource', 'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled', 'RES-02'],
  ['hds-network', 'CloudFormation-Validate::W3010', 'RES-01'],
  ['hds-network/Network/Vpc/FlowLog/IAMRole', 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', 'IAM-02'],
  ['hds-data/HealthData/Documents/Resource', 'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled', 'RES-02'],
  ['hds-data/HealthData/Database', 'HIPAA.Security::HIPAA.Security-RDSInBackupPlan', 'BAK-02'],
  [
    'hds-data/HealthData/Database/MonitoringRole',
    'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    'IAM-02',
  ],
  ['hds-audit/AuditTrail/Trail/LogsRole', 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', 'IAM-02'],
  // Backups (BAK-*): traces and evidence are Object-Locked instead of backed up.
  ['hds-foundation/LogArchive/AccessLogs/Resource', 'HdsChecks::HDS-BAK02-BackupCoverage', 'LOG-02'],
  ['hds-foundation/LogArchive/Archive/Resource', 'HdsChecks::HDS-BAK02-BackupCoverage', 'LOG-03'],
  ['hds-backup/Audit/Evidence/Resource', 'HdsChecks::HDS-BAK02-BackupCoverage', 'LOG-03'],
  ['hds-backup/Audit/Evidence/Resource', 'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled', 'RES-02'],
  ...[
    'service-role/AWSBackupServiceRolePolicyForBackup',
    'service-role/AWSBackupServiceRolePolicyForRestores',
    'AWSBackupServiceRolePolicyForS3Backup',
    'AWSBackupServiceRolePolicyForS3Restore',
  ].map((p) => ['hds-backup/Backup/ServiceRole', `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${p}]`, 'BAK-02']),
  ...['service-role/AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Restore'].map((p) => [
    'hds-backup/RestoreTesting/RestoreRole',
    `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${p}]`,
    'BAK-02',
  ]),
  ['hds-backup/RestoreTesting/ValidatorPolicy', 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', 'IAM-02'],
  ['hds-backup/RestoreTesting/ValidatorPolicy', 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::*]', 'IAM-02'],
  [
    'hds-backup/RestoreTesting/ValidatorPolicy',
    'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:rds:eu-west-3:111111111111:cluster:*]',
    'IAM-02',
  ],
];

/**
 * Acknowledgements aws-cdk-lib records itself on constructs it creates (a spec quirk, not a finding
 * of ours). Pinned too, so that a CDK upgrade that adds one is noticed.
 */
const MADE_BY_CDK = [
  ['hds-network/Network/Vpc/FlowLog', 'CloudFormation-Validate::F3002'],
  ['hds-network/Network/Vpc/FlowLog', 'CloudFormation-Validate::F3003'],
];

describe('acknowledged findings of the default platform', () => {
  const { app } = buildTestPlatform();
  const all = acknowledgementsOf(app);
  const isCdks = (a: { path: string; id: string }) => MADE_BY_CDK.some(([path, id]) => a.path === path && a.id === id);
  const recorded = all.filter((a) => !isCdks(a));

  test('those made by aws-cdk-lib itself are the known ones', () => {
    expect(all.filter(isCdks).map((a) => [a.path, a.id])).toEqual(MADE_BY_CDK);
  });

  test('are exactly the reviewed list', () => {
    const actual = recorded.map((a) => [a.path, a.id, /^\[([A-Z]+-\d{2})\]/.exec(a.reason)?.[1]]);
    expect(actual.sort()).toEqual([...EXPECTED].sort());
  });

  test('each names an existing control and explains what compensates', () => {
    for (const a of recorded) {
      const control = /^\[([A-Z]+-\d{2})\] (.+)$/.exec(a.reason);
      expect({ id: a.id, control: control?.[1] }).toEqual({ id: a.id, control: expect.any(String) });
      expect(isControlId(control![1])).toBe(true);
      expect(control![2].length).toBeGreaterThanOrEqual(60);
    }
  });
});
