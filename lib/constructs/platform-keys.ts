import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { recordControls } from '../controls';
import { guardDutyServicePrincipal } from './threat-detection';

export interface PlatformKeysProps {
  /** Prefix of the key aliases, e.g. `hds` gives `alias/hds/health-data`. */
  readonly aliasPrefix: string;
}

/** Key-management actions: what an administrator may do, none of which touches data (ENC-01). */
export const KEY_ADMIN_ACTIONS: readonly string[] = [
  'kms:CreateAlias', // not kms:Create*: that includes CreateGrant, a way to use the key
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** Cryptographic use of a key: only ever granted through an AWS service or to a scoped service principal. */
const USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

/**
 * Customer-managed KMS keys, one per purpose (ENC-01): health data, logs and traces, backups.
 *
 * Each key rotates yearly, has a 30-day deletion window and is retained when its stack is deleted.
 * Its policy separates administration (the account, through IAM, with no cryptographic action)
 * from use, which is allowed only through the AWS services that store that kind of data
 * (`kms:ViaService`) or to a service principal bound to this account's resources by an encryption
 * context. No statement has an unconditioned `*` principal.
 */
export class PlatformKeys extends Construct {
  /** Encrypts health data at rest: documents bucket, database, its secrets and Performance Insights. */
  public readonly data: kms.Key;
  /** Encrypts traces: CloudTrail, every log group, the log archive bucket, exported GuardDuty findings. */
  public readonly logs: kms.Key;
  /** Encrypts recovery points in the backup vaults. */
  public readonly backup: kms.Key;

  constructor(scope: Construct, id: string, props: PlatformKeysProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const via = (...services: string[]) => services.map((s) => `${s}.${stack.region}.amazonaws.com`);

    this.data = this.createKey('HealthData', {
      alias: `alias/${props.aliasPrefix}/health-data`,
      description: 'hds-blueprint: health data at rest (S3 documents, Aurora, Secrets Manager, Performance Insights) and the application images (ECR)',
      viaServices: via('s3', 'rds', 'secretsmanager', 'backup', 'ecr'),
    });

    this.logs = this.createKey('Logs', {
      alias: `alias/${props.aliasPrefix}/logs`,
      description: 'hds-blueprint: traces (CloudTrail, CloudWatch Logs, log archive bucket)',
      viaServices: via('s3', 'logs', 'cloudtrail', 'sns', 'sqs'),
    });
    // CloudWatch Logs encrypts log groups with the key itself; bound to this account's log groups.
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsForThisAccountLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );
    // CloudTrail encrypts log files for this account's trails only (encryption context + source account).
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptForThisAccountTrails',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
          },
        },
      }),
    );
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    // GuardDuty encrypts the findings it exports to the evidence bucket (DET-01), for this account's
    // detectors only. The detector lives in another stack, created after this key: bound by ARN pattern.
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GuardDutyExportsFindingsOfThisAccountDetectors',
        principals: [guardDutyServicePrincipal(this)],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:guardduty:${stack.region}:${stack.account}:detector/*` },
        },
      }),
    );

    // Alarms and EventBridge rules publish to the encrypted alert topic, and EventBridge to its dead-letter
    // queues. Scoped by the encryption context SNS and SQS send (this account's topics and queues in this
    // region), not by aws:SourceAccount, which these service calls do not always carry.
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmsAndEventsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': `arn:${stack.partition}:sns:${stack.region}:${stack.account}:*` } },
      }),
    );
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventsSendToEncryptedDeadLetterQueues',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringLike: { 'kms:EncryptionContext:aws:sqs:arn': `arn:${stack.partition}:sqs:${stack.region}:${stack.account}:*` } },
      }),
    );

    this.backup = this.createKey('Backup', {
      alias: `alias/${props.aliasPrefix}/backup`,
      description: 'hds-blueprint: recovery points in AWS Backup vaults',
      viaServices: via('backup', 's3', 'rds'),
    });
  }

  private createKey(id: string, options: CustomerManagedKeyOptions): kms.Key {
    const key = customerManagedKey(this, id, options);
    recordControls(key, 'ENC-01');
    return key;
  }
}

export interface CustomerManagedKeyOptions {
  readonly alias: string;
  readonly description: string;
  /** Endpoints (`<service>.<region>.amazonaws.com`) through which the account may use the key. */
  readonly viaServices: string[];
  /** Endpoints through which grants for AWS resources may be created. @default - `viaServices` */
  readonly grantViaServices?: string[];
}

/**
 * A symmetric customer-managed key as the platform makes them (ENC-01): yearly rotation, a 30-day deletion
 * window, retained, and a policy that separates administration (the account, through IAM, with no
 * cryptographic action) from use, allowed only through the given AWS services, and from grants, only for
 * AWS resources. Add statements for service principals with `addToResourcePolicy`.
 */
export function customerManagedKey(scope: Construct, id: string, options: CustomerManagedKeyOptions): kms.Key {
  const stack = Stack.of(scope);
  const account = new iam.AccountRootPrincipal();
  const policy = new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'KeyAdministrationThroughIam',
        principals: [account],
        actions: [...KEY_ADMIN_ACTIONS],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'UseOnlyThroughPlatformServices',
        principals: [account],
        actions: USE_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': options.viaServices },
        },
      }),
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsResources',
        principals: [account],
        actions: GRANT_ACTIONS,
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': options.grantViaServices ?? options.viaServices },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      }),
    ],
  });
  return new kms.Key(scope, id, {
    alias: options.alias,
    description: options.description,
    enableKeyRotation: true,
    rotationPeriod: Duration.days(365),
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
    policy,
  });
}
