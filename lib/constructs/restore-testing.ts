import * as path from 'node:path';
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IAM_ACTIONS } from '../../lambdas/restore-validator/permissions';
import { recordControls } from '../controls';
import { createPrivateFunction } from './private-function';

/** Namespace of the validator's metrics. */
export const RESTORE_METRIC_NAMESPACE = 'HdsBlueprint/RestoreTests';
/** Resource types restore tests cover, as AWS Backup names them. */
export const RESTORE_TESTED_TYPES = ['S3', 'Aurora'] as const;
/** Where the validator's source lives. */
export const RESTORE_VALIDATOR_ENTRY = path.join(__dirname, '..', '..', 'lambdas', 'restore-validator', 'index.ts');
/** Runbook the alerts link to. */
export const RESTORE_RUNBOOK = 'docs/runbooks/restore.md';

export type RestoreTestFrequency = 'weekly' | 'daily';

export interface RestoreTestingProps {
  readonly namePrefix: string;
  /** Vault whose recovery points are restored. */
  readonly vault: backup.IBackupVault;
  /** How often a restore test runs: at least weekly (BAK-03). */
  readonly frequency: RestoreTestFrequency;
  /** Local hour (Europe/Paris) at which restore tests start. */
  readonly startHour: number;
  /** Hours a restored copy is kept for validation before AWS Backup deletes it. */
  readonly validationWindowHours: number;
  /** Resources carrying this tag are restore-tested. */
  readonly selectionTag: { readonly key: string; readonly value: string };
  /** Network where restored databases and the validator run (isolated subnets). */
  readonly vpc: ec2.IVpc;
  readonly computeSubnets: ec2.SubnetSelection;
  /** Literal VPC CIDR: the validator reaches AWS APIs through interface endpoints inside it. */
  readonly vpcCidr: string;
  /** DB subnet group (isolated data subnets) restored clusters are placed in. */
  readonly dbSubnetGroupName: string;
  readonly databasePort: number;
  /** Key restored copies must be encrypted with (the health-data key). */
  readonly dataKey: kms.IKey;
  /** Encrypts the validator's logs and dead-letter queue. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Regions keys may live in (RES-01). */
  readonly allowedRegions: readonly string[];
  /** Where failures are reported (DET-03). */
  readonly alertTopic: sns.ITopic;
}

/**
 * Automated restore tests with evidence (BAK-03): an AWS Backup restore testing plan that restores
 * the latest recovery point of every protected S3 bucket and Aurora cluster on a schedule, into
 * private, encrypted copies in the isolated subnets; a validator Lambda that checks each restored copy
 * for real and reports the result to AWS Backup; and alarms when a test fails or none succeeded for
 * longer than the schedule.
 */
export class RestoreTesting extends Construct {
  public readonly plan: backup.CfnRestoreTestingPlan;
  public readonly selections: Record<(typeof RESTORE_TESTED_TYPES)[number], backup.CfnRestoreTestingSelection>;
  public readonly validator: nodejs.NodejsFunction;
  public readonly validatorRole: iam.Role;
  public readonly validatorPolicy: iam.ManagedPolicy;
  public readonly restoreRole: iam.Role;
  /** Security group of restored databases: reachable from the validator only. */
  public readonly restoredDatabaseSecurityGroup: ec2.SecurityGroup;
  public readonly validatorSecurityGroup: ec2.SecurityGroup;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    validateRestoreTestingProps(this, props);
    const stack = Stack.of(this);
    const planName = `${props.namePrefix.replace(/-/g, '_')}_restore_tests`;
    const scheduleHours = props.frequency === 'weekly' ? 7 * 24 : 24;

    this.plan = new backup.CfnRestoreTestingPlan(this, 'Resource', {
      restoreTestingPlanName: planName,
      scheduleExpression:
        props.frequency === 'weekly' ? `cron(0 ${props.startHour} ? * SUN *)` : `cron(0 ${props.startHour} * * ? *)`,
      scheduleExpressionTimezone: TimeZone.EUROPE_PARIS.timezoneName,
      startWindowHours: 4,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [props.vault.backupVaultArn],
        recoveryPointTypes: ['SNAPSHOT', 'CONTINUOUS'],
        selectionWindowDays: props.frequency === 'weekly' ? 7 : 1,
      },
    });
    recordControls(this.plan, 'BAK-03');

    this.restoreRole = new iam.Role(this, 'RestoreRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'AWS Backup restore testing: restore recovery points into private copies',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Restore'),
      ],
    });

    this.validatorSecurityGroup = new ec2.SecurityGroup(this, 'ValidatorSecurityGroup', {
      vpc: props.vpc,
      description: 'Restore validator: AWS APIs through VPC endpoints, restored databases',
      allowAllOutbound: false,
    });
    this.restoredDatabaseSecurityGroup = new ec2.SecurityGroup(this, 'RestoredDatabaseSecurityGroup', {
      vpc: props.vpc,
      description: 'Databases restored by restore tests: reachable from the restore validator only',
      allowAllOutbound: false,
    });
    this.restoredDatabaseSecurityGroup.addIngressRule(
      this.validatorSecurityGroup,
      ec2.Port.tcp(props.databasePort),
      'Restore validator checks that the endpoint answers',
    );
    this.validatorSecurityGroup.addEgressRule(
      this.restoredDatabaseSecurityGroup,
      ec2.Port.tcp(props.databasePort),
      'Restored databases',
    );
    recordControls(this.restoredDatabaseSecurityGroup, 'NET-04');

    const tagCondition = { key: `aws:ResourceTag/${props.selectionTag.key}`, value: props.selectionTag.value };
    const common = {
      restoreTestingPlanName: planName,
      iamRoleArn: this.restoreRole.roleArn,
      protectedResourceArns: ['*'],
      protectedResourceConditions: { stringEquals: [tagCondition] },
      validationWindowHours: props.validationWindowHours,
    };
    const s3Selection = new backup.CfnRestoreTestingSelection(this, 'S3Selection', {
      ...common,
      restoreTestingSelectionName: 's3_documents',
      protectedResourceType: 'S3',
      // Restored into a new private bucket, encrypted with the health-data key.
      restoreMetadataOverrides: { encryptionType: 'SSE-KMS', kmsKey: props.dataKey.keyArn },
    });
    const auroraSelection = new backup.CfnRestoreTestingSelection(this, 'AuroraSelection', {
      ...common,
      restoreTestingSelectionName: 'aurora_database',
      protectedResourceType: 'Aurora',
      // Without these, AWS Backup restores into the default VPC (which the platform does not use).
      restoreMetadataOverrides: {
        dbSubnetGroupName: props.dbSubnetGroupName,
        vpcSecurityGroupIds: Stack.of(this).toJsonString([this.restoredDatabaseSecurityGroup.securityGroupId]),
        kmsKeyId: props.dataKey.keyArn,
        enableIAMDatabaseAuthentication: 'true',
        port: String(props.databasePort),
      },
    });
    for (const selection of [s3Selection, auroraSelection]) {
      selection.node.addDependency(this.plan);
      recordControls(selection, 'BAK-03');
    }
    this.selections = { S3: s3Selection, Aurora: auroraSelection };

    const validator = createPrivateFunction(this, 'Validator', {
      entry: RESTORE_VALIDATOR_ENTRY,
      description: 'hds-blueprint: validates restored copies and reports to AWS Backup (BAK-03)',
      roleDescription: 'Restore validator (BAK-03): reads restored copies, reports the result',
      policyDescription: 'Restore validator (BAK-03): read-only checks plus the validation result and metrics',
      securityGroup: this.validatorSecurityGroup,
      vpc: props.vpc,
      subnets: props.computeSubnets,
      vpcCidr: props.vpcCidr,
      logsKey: props.logsKey,
      logRetention: props.logRetention,
      statements: this.validatorStatements(props),
      requiredActions: IAM_ACTIONS,
      memorySize: 256,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 2,
      environment: {
        EXPECTED_KEY_ARN: props.dataKey.keyArn,
        ALLOWED_REGIONS: props.allowedRegions.join(','),
        METRIC_NAMESPACE: RESTORE_METRIC_NAMESPACE,
        RESTORE_TESTING_PLAN_ARN: this.plan.attrRestoreTestingPlanArn,
        FRESHNESS_LOOKBACK_DAYS: '30',
        DB_CONNECT_TIMEOUT_MS: '5000',
      },
    });
    this.validator = validator.function;
    this.validatorRole = validator.role;
    this.validatorPolicy = validator.policy;
    const deadLetters = validator.deadLetters!;
    recordControls(this.validator, 'BAK-03');

    // A restore job of this account completed: validate it (the function skips jobs that are not restore tests).
    new events.Rule(this, 'OnRestoreCompleted', {
      description: 'Restore job completed: validate the restored copy (BAK-03)',
      eventPattern: { source: ['aws.backup'], detailType: ['Restore Job State Change'], detail: { status: ['COMPLETED'] } },
      targets: [new targets.LambdaFunction(this.validator, { deadLetterQueue: deadLetters, retryAttempts: 4 })],
    });
    // Once a day, publish how long ago a restore test last succeeded.
    new events.Rule(this, 'Watchdog', {
      description: 'Publishes the hours since the last successful restore test (BAK-03)',
      schedule: events.Schedule.cron({ minute: '30', hour: '6' }),
      targets: [new targets.LambdaFunction(this.validator, { deadLetterQueue: deadLetters, retryAttempts: 4 })],
    });
    new events.Rule(this, 'OnRestoreFailed', {
      description: 'Restore job failed: alert (BAK-03, DET-03)',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { status: ['FAILED', 'ABORTED'] },
      },
      targets: [
        new targets.SnsTopic(props.alertTopic, {
          message: events.RuleTargetInput.fromText(
            `[BAK-03] AWS Backup restore job ${events.EventField.fromPath('$.detail.restoreJobId')} ended ${events.EventField.fromPath(
              '$.detail.status',
            )} for ${events.EventField.fromPath('$.detail.resourceType')} in ${events.EventField.fromPath('$.region')}. ` +
              `What to do: ${RESTORE_RUNBOOK}`,
          ),
        }),
      ],
    });

    const alarmAction = new cwActions.SnsAction(props.alertTopic);
    for (const type of RESTORE_TESTED_TYPES) {
      const alarm = new cloudwatch.Alarm(this, `${type}ValidationFailedAlarm`, {
        alarmDescription: `[BAK-03] A restore test of ${type} failed validation. What to do: ${RESTORE_RUNBOOK}`,
        metric: new cloudwatch.Metric({
          namespace: RESTORE_METRIC_NAMESPACE,
          metricName: 'RestoreValidationFailed',
          dimensionsMap: { ResourceType: type },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.hours(1),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      this.alarms.push(alarm);
    }
    const staleAfterHours = scheduleHours + 24;
    const stale = new cloudwatch.Alarm(this, 'NoRecentSuccessAlarm', {
      alarmDescription: `[BAK-03] No restore test has succeeded for more than ${staleAfterHours} hours (schedule: ${props.frequency}, plus one day). What to do: ${RESTORE_RUNBOOK}`,
      metric: new cloudwatch.Metric({
        namespace: RESTORE_METRIC_NAMESPACE,
        metricName: 'HoursSinceLastSuccessfulRestoreTest',
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.days(1),
      }),
      threshold: staleAfterHours,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No data means the watchdog did not run: that is a failure to prove restores, not a pass.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    stale.addAlarmAction(alarmAction);
    this.alarms.push(stale);
    for (const alarm of this.alarms) recordControls(alarm, 'BAK-03', 'DET-03');
  }

  /** The validator's own permissions; `createPrivateFunction` adds logs, dead letters and network interfaces. */
  private validatorStatements(props: RestoreTestingProps): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const statement = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      new iam.PolicyStatement({ sid, actions, resources, conditions });
    return [
      // AWS Backup has no resource-level permissions for these restore-job APIs.
      statement('ReadAndReportRestoreJobs', ['backup:DescribeRestoreJob', 'backup:ListRestoreJobs', 'backup:PutRestoreValidationResult'], ['*']),
      statement('CheckTheExpectedKey', ['kms:DescribeKey', 'kms:GetKeyRotationStatus'], [props.dataKey.keyArn]),
      // Restored buckets get names chosen by AWS Backup at restore time; read-only, this account only.
      statement('ReadRestoredBuckets', ['s3:ListBucket', 's3:GetEncryptionConfiguration'], [`arn:${stack.partition}:s3:::*`], {
        StringEquals: { 's3:ResourceAccount': stack.account },
      }),
      statement('ReadRestoredClusters', ['rds:DescribeDBClusters'], [`arn:${stack.partition}:rds:${stack.region}:${stack.account}:cluster:*`]),
      statement('PublishRestoreMetrics', ['cloudwatch:PutMetricData'], ['*'], {
        StringEquals: { 'cloudwatch:namespace': RESTORE_METRIC_NAMESPACE },
      }),
    ];
  }
}

export function validateRestoreTestingProps(scope: Construct, props: RestoreTestingProps): void {
  const problems: string[] = [];
  if (!Number.isInteger(props.startHour) || props.startHour < 0 || props.startHour > 23) {
    problems.push(`startHour is ${props.startHour}; allowed: a whole hour from 0 to 23`);
  }
  if (!Number.isInteger(props.validationWindowHours) || props.validationWindowHours < 1 || props.validationWindowHours > 168) {
    problems.push(`validationWindowHours is ${props.validationWindowHours}; allowed: 1 to 168 hours (AWS Backup limit)`);
  }
  if (problems.length > 0) {
    throw new Error(`${scope.node.path}: invalid restore testing settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
