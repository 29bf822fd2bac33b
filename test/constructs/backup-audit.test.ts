import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BackupAudit, type BackupAuditProps } from '../../lib/constructs/backup-audit';
import { testStack } from '../support/app';

const REPORTS_ROLE =
  'arn:aws:iam::111111111111:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports';
const PROTECTED_TYPES = ['AWS::S3::Bucket', 'AWS::RDS::DBCluster'];

interface Control {
  ControlName: string;
  ControlInputParameters?: { ParameterName: string; ParameterValue: string }[];
  ControlScope?: unknown;
}

function build(props: Partial<BackupAuditProps> = {}) {
  const stack = testStack();
  const key = new kms.Key(stack, 'LogsKey');
  const accessLogs = new s3.Bucket(stack, 'AccessLogs');
  const audit = new BackupAudit(stack, 'Audit', {
    namePrefix: 'hds-test',
    key,
    accessLogs,
    lockMode: 'GOVERNANCE',
    retentionDays: 400,
    minimumRetentionDays: 42,
    maxRestoreTimeHours: 6,
    ...props,
  });
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string }>;
  return {
    template,
    resources,
    ids: {
      key: id(key),
      accessLogs: id(accessLogs),
      bucket: id(audit.evidenceBucket),
      framework: stack.getLogicalId(audit.framework),
      reportPlan: stack.getLogicalId(audit.reportPlan),
    },
  };
}

describe('BackupAudit (BAK-04)', () => {
  const { template, resources, ids } = build();
  const controls = resources[ids.framework].Properties.FrameworkControls as Control[];
  const control = (name: string) => {
    const found = controls.filter((c) => c.ControlName === name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const parameters = (name: string) =>
    Object.fromEntries((control(name).ControlInputParameters ?? []).map((p) => [p.ParameterName, p.ParameterValue]));

  describe('framework', () => {
    test('has exactly the controls that prove BAK-01..04', () => {
      template.resourceCountIs('AWS::Backup::Framework', 1);
      expect(controls.map((c) => c.ControlName).sort()).toEqual(
        [
          'BACKUP_RECOVERY_POINT_ENCRYPTED',
          'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
          'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
          'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
          'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
          'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
          'BACKUP_LAST_RECOVERY_POINT_CREATED',
          'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
        ].sort(),
      );
    });

    test('minimum retention is the vault lock minimum', () => {
      expect(parameters('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK')).toEqual({ requiredRetentionDays: '42' });
    });

    test('plans back up at least daily and keep at least the vault lock minimum', () => {
      expect(parameters('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK')).toEqual({
        requiredFrequencyUnit: 'days',
        requiredFrequencyValue: '1',
        requiredRetentionDays: '42',
      });
    });

    test('a recovery point is at most one day old', () => {
      expect(parameters('BACKUP_LAST_RECOVERY_POINT_CREATED')).toEqual({ recoveryPointAgeUnit: 'days', recoveryPointAgeValue: '1' });
    });

    test('restore time target is maxRestoreTimeHours in minutes', () => {
      expect(parameters('RESTORE_TIME_FOR_RESOURCES_MEET_TARGET')).toEqual({ maxRestoreTime: '360' });
    });

    test('controls on protected resources are scoped to S3 buckets and Aurora clusters; the others are unscoped', () => {
      const scoped = [
        'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
        'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
        'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
      ];
      for (const c of controls) {
        if (scoped.includes(c.ControlName)) expect(c.ControlScope).toEqual({ ComplianceResourceTypes: PROTECTED_TYPES });
        else expect(c.ControlScope).toBeUndefined();
      }
    });

    test('controls without parameters have none', () => {
      for (const name of ['BACKUP_RECOVERY_POINT_ENCRYPTED', 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED']) {
        expect(control(name).ControlInputParameters).toBeUndefined();
      }
    });
  });

  test('the report plan delivers the compliance report of this framework to the evidence bucket', () => {
    const plan = resources[ids.reportPlan];
    expect(plan.Type).toBe('AWS::Backup::ReportPlan');
    expect(plan.Properties.ReportDeliveryChannel).toEqual({
      S3BucketName: { Ref: ids.bucket },
      S3KeyPrefix: 'backup-reports',
      Formats: ['CSV', 'JSON'],
    });
    expect(plan.Properties.ReportSetting).toEqual({
      ReportTemplate: 'CONTROL_COMPLIANCE_REPORT',
      FrameworkArns: [{ 'Fn::GetAtt': [ids.framework, 'FrameworkArn'] }],
    });
  });

  describe('evidence bucket', () => {
    const bucket = resources[ids.bucket];

    test('is locked (Object Lock, mode and days from the props) and retained', () => {
      expect(bucket.Properties.ObjectLockEnabled).toBe(true);
      expect(bucket.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } },
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
    });

    test('is encrypted with the given key', () => {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [ids.key, 'Arn'] } },
          },
        ],
      });
    });

    test('logs its access to the access-log bucket', () => {
      expect(bucket.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: ids.accessLogs },
        LogFilePrefix: 'backup-evidence/',
      });
    });

    test('only the Backup Audit Manager service-linked role of this account may put objects, under backup-reports/', () => {
      const policies = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: ids.bucket } } }));
      expect(policies).toHaveLength(1);
      const statements = policies[0].Properties.PolicyDocument.Statement as Record<string, unknown>[];
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([
        {
          Sid: 'BackupAuditManagerWritesReports',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/backup-reports/*']] },
          Condition: {
            StringEquals: { 'aws:PrincipalAccount': '111111111111' },
            ArnEquals: { 'aws:PrincipalArn': REPORTS_ROLE },
          },
        },
      ]);
    });
  });
});

test('BackupAudit: compliance-mode evidence lock with the configured days', () => {
  const { resources, ids } = build({ lockMode: 'COMPLIANCE', retentionDays: 3653 });
  expect(resources[ids.bucket].Properties.ObjectLockConfiguration).toEqual({
    ObjectLockEnabled: 'Enabled',
    Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } },
  });
});
