import { Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { recordControls } from '../controls';
import { SecureBucket } from './secure-bucket';

export interface BackupAuditProps {
  readonly namePrefix: string;
  /** Encrypts the evidence bucket. */
  readonly key: kms.IKey;
  readonly accessLogs: s3.IBucket;
  /** Object Lock of the evidence: compliance in production. */
  readonly lockMode: 'COMPLIANCE' | 'GOVERNANCE';
  /** Evidence is kept and locked as long as traces. */
  readonly retentionDays: number;
  /** Shortest retention any recovery point must have (the vault lock minimum). */
  readonly minimumRetentionDays: number;
  /** Longest acceptable restore time, in hours. */
  readonly maxRestoreTimeHours: number;
}

/** Backup Audit Manager control, in the PascalCase shape CloudFormation expects (the L1 leaves it untyped). */
interface FrameworkControl {
  readonly name: string;
  readonly parameters?: Record<string, string>;
  readonly resourceTypes?: readonly string[];
}

/** Resource types the platform protects, as AWS Config names them. */
const PROTECTED_CONFIG_TYPES = ['AWS::S3::Bucket', 'AWS::RDS::DBCluster'];

/**
 * Backup compliance evidence (BAK-04): an AWS Backup Audit Manager framework whose controls prove
 * the backup controls continuously (vault lock, minimum retention, daily frequency, encryption,
 * resources protected by a plan and by a locked vault, restore time), and a report plan writing the
 * compliance report daily into a locked, encrypted evidence bucket.
 */
export class BackupAudit extends Construct {
  public readonly framework: backup.CfnFramework;
  public readonly reportPlan: backup.CfnReportPlan;
  public readonly evidenceBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: BackupAuditProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const days = String(props.minimumRetentionDays);
    const controls: FrameworkControl[] = [
      { name: 'BACKUP_RECOVERY_POINT_ENCRYPTED' },
      { name: 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED' },
      { name: 'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', parameters: { requiredRetentionDays: days } },
      {
        name: 'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
        parameters: { requiredFrequencyUnit: 'days', requiredFrequencyValue: '1', requiredRetentionDays: days },
      },
      { name: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN', resourceTypes: PROTECTED_CONFIG_TYPES },
      { name: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK', resourceTypes: PROTECTED_CONFIG_TYPES },
      { name: 'BACKUP_LAST_RECOVERY_POINT_CREATED', parameters: { recoveryPointAgeUnit: 'days', recoveryPointAgeValue: '1' } },
      {
        name: 'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
        parameters: { maxRestoreTime: String(props.maxRestoreTimeHours * 60) },
        resourceTypes: PROTECTED_CONFIG_TYPES,
      },
    ];
    this.framework = new backup.CfnFramework(this, 'Framework', {
      frameworkName: `${props.namePrefix.replace(/-/g, '_')}_hds_backup`,
      frameworkDescription: 'hds-blueprint: backup controls BAK-01 to BAK-04',
      frameworkControls: controls.map((c) => ({
        controlName: c.name,
        controlInputParameters: c.parameters
          ? Object.entries(c.parameters).map(([parameterName, parameterValue]) => ({ parameterName, parameterValue }))
          : undefined,
        controlScope: c.resourceTypes ? { ComplianceResourceTypes: c.resourceTypes } : undefined,
      })),
    });
    recordControls(this.framework, 'BAK-04');

    this.evidenceBucket = new SecureBucket(this, 'Evidence', {
      encryption: { key: props.key },
      serverAccessLogs: { bucket: props.accessLogs, prefix: 'backup-evidence/' },
      objectLock: { mode: props.lockMode, days: props.retentionDays },
    }).bucket;
    // Backup Audit Manager writes with its service-linked role. Named by condition, not as a principal,
    // so the policy deploys before the role exists (S3 rejects principals that do not exist yet).
    const reportsRole = `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports`;
    this.evidenceBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BackupAuditManagerWritesReports',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.evidenceBucket.arnForObjects('backup-reports/*')],
        conditions: {
          StringEquals: { 'aws:PrincipalAccount': stack.account },
          ArnEquals: { 'aws:PrincipalArn': reportsRole },
        },
      }),
    );
    recordControls(this.evidenceBucket, 'BAK-04', 'ENC-02', 'LOG-03');

    this.reportPlan = new backup.CfnReportPlan(this, 'ReportPlan', {
      reportPlanName: `${props.namePrefix.replace(/-/g, '_')}_hds_backup_compliance`,
      reportPlanDescription: 'hds-blueprint: daily backup compliance report (BAK-04)',
      reportDeliveryChannel: {
        S3BucketName: this.evidenceBucket.bucketName,
        S3KeyPrefix: 'backup-reports',
        Formats: ['CSV', 'JSON'],
      },
      reportSetting: {
        ReportTemplate: 'CONTROL_COMPLIANCE_REPORT',
        FrameworkArns: [this.framework.attrFrameworkArn],
      },
    });
    recordControls(this.reportPlan, 'BAK-04');
  }
}
