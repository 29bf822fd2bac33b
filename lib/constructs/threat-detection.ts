import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, type IConstruct } from 'constructs';
import { recordControls } from '../controls';
import type { ControlId } from '../../policies/catalogue';
import { SecureBucket } from './secure-bucket';

/**
 * Whether this construct creates an account-level detection service, or the account already has it.
 * Each of GuardDuty, Security Hub and the AWS Config recorder exists once per account and region: a
 * second one fails the deployment.
 */
export type ServiceMode = 'create' | 'existing';

export interface ThreatDetectionProps {
  /**
   * GuardDuty: create a detector, or 'existing' when the account already has one (AWS Organizations or
   * Control Tower delegated administrator); a second detector fails the deployment.
   */
  readonly guardDuty: ServiceMode;
  /** Security Hub: enable it with the two standards, or 'existing' when the account already has a hub. */
  readonly securityHub: ServiceMode;
  /**
   * AWS Config recorder and delivery channel: 'existing' when the account has a recorder (Control Tower
   * always does; a second recorder fails the deployment). The Config rules are created in both modes.
   */
  readonly configRecorder: ServiceMode;
  /** Key for the findings export bucket and the Config delivery (the platform's logs key, `PlatformKeys.logs`). */
  readonly key: kms.IKey;
  /** Server-access-log bucket for the buckets created here (LOG-05), as other SecureBuckets get it. */
  readonly accessLogs: s3.IBucket;
  /** Object Lock mode of the evidence bucket: COMPLIANCE in production. */
  readonly lockMode: 'COMPLIANCE' | 'GOVERNANCE';
  /** Trace retention: exported findings are kept, and locked, that long (whole days, at least 1). */
  readonly retention: Duration;
  /**
   * Record IAM users, groups, roles and policies (global resource types). They are the same in every
   * region, so only one recorder of the account should record them: the one of the platform's home region.
   * @default true - this is the home region
   */
  readonly recordGlobalResourceTypes?: boolean;
  /**
   * Shortest retention, in days, that the Config rule BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK
   * accepts for a backup plan rule (with at least daily backups). Give it the vault lock minimum.
   * @default 35 - the rule's own default, and the platform's default vault lock minimum
   */
  readonly backupMinimumRetentionDays?: number;
}

/** An AWS Config managed rule of the set, with the control it gives evidence for. */
interface ManagedRuleSpec {
  /** Construct id: part of the contract (changing it replaces the rule). */
  readonly id: string;
  readonly identifier: string;
  readonly control: ControlId;
  readonly description: string;
  readonly inputParameters?: Record<string, unknown>;
}

/** Where GuardDuty writes in the evidence bucket (GuardDuty appends AWSLogs/<account>/GuardDuty/<region>/). */
const GUARDDUTY_PREFIX = 'guardduty';

const CONFIG_ROLE_POLICY = 'service-role/AWS_ConfigRole';

/** Standards Security Hub runs (DET-02), by construct id. */
const STANDARDS: readonly { readonly id: string; readonly path: string }[] = [
  { id: 'FoundationalSecurityStandard', path: 'aws-foundational-security-best-practices/v/1.0.0' },
  { id: 'CisStandard', path: 'cis-aws-foundations-benchmark/v/3.0.0' },
];

function managedRules(backupMinimumRetentionDays: number): ManagedRuleSpec[] {
  const I = config.ManagedRuleIdentifiers;
  return [
    { id: 'EncryptedVolumes', identifier: I.EBS_ENCRYPTED_VOLUMES, control: 'ENC-02', description: 'EBS volumes attached to instances are encrypted' },
    { id: 'S3BucketSslRequestsOnly', identifier: I.S3_BUCKET_SSL_REQUESTS_ONLY, control: 'ENC-03', description: 'S3 bucket policies deny requests that do not use TLS' },
    {
      id: 'S3BucketServerSideEncryption',
      identifier: I.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED,
      control: 'ENC-02',
      description: 'S3 buckets encrypt objects at rest by default',
    },
    { id: 'KmsKeyRotation', identifier: I.CMK_BACKING_KEY_ROTATION_ENABLED, control: 'ENC-01', description: 'customer-managed KMS keys rotate' },
    { id: 'CloudTrailEnabled', identifier: I.CLOUD_TRAIL_ENABLED, control: 'LOG-01', description: 'a CloudTrail trail records management events' },
    {
      id: 'CloudTrailLogFileValidation',
      identifier: I.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED,
      control: 'LOG-01',
      description: 'CloudTrail trails validate their log files (tamper evidence)',
    },
    { id: 'RootAccountMfa', identifier: I.ROOT_ACCOUNT_MFA_ENABLED, control: 'IAM-01', description: 'the root user signs in with MFA' },
    { id: 'IamUserMfa', identifier: I.IAM_USER_MFA_ENABLED, control: 'IAM-01', description: 'IAM users sign in with MFA' },
    { id: 'RdsStorageEncrypted', identifier: I.RDS_STORAGE_ENCRYPTED, control: 'ENC-02', description: 'RDS DB instances encrypt their storage' },
    {
      id: 'RdsNotPublic',
      identifier: I.RDS_INSTANCE_PUBLIC_ACCESS_CHECK,
      control: 'NET-01',
      description: 'RDS DB instances are not publicly accessible',
    },
    {
      id: 'S3BucketPublicReadProhibited',
      identifier: I.S3_BUCKET_PUBLIC_READ_PROHIBITED,
      control: 'NET-01',
      description: 'S3 buckets do not allow public read access',
    },
    { id: 'VpcFlowLogs', identifier: I.VPC_FLOW_LOGS_ENABLED, control: 'NET-03', description: 'VPCs have flow logs' },
    {
      id: 'BackupPlanFrequencyAndRetention',
      identifier: I.BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK,
      control: 'BAK-02',
      description: `backup plans back up at least daily and keep recovery points at least ${backupMinimumRetentionDays} days`,
      inputParameters: {
        requiredFrequencyUnit: 'days',
        requiredFrequencyValue: '1',
        requiredRetentionDays: String(backupMinimumRetentionDays),
      },
    },
    { id: 'RdsInBackupPlan', identifier: I.RDS_IN_BACKUP_PLAN, control: 'BAK-02', description: 'RDS DB instances are in an AWS Backup plan' },
  ];
}

/**
 * The principal GuardDuty writes exported findings as: its regional name in opt-in regions (eu-south-1,
 * eu-south-2 among the HDS regions), as GuardDuty documents for findings export, else the global one.
 */
export function guardDutyServicePrincipal(scope: IConstruct): iam.ServicePrincipal {
  const region = Stack.of(scope).region;
  const optIn = !Token.isUnresolved(region) && RegionInfo.get(region).isOptInRegion;
  return new iam.ServicePrincipal(optIn ? `guardduty.${region}.amazonaws.com` : 'guardduty.amazonaws.com');
}

function validate(scope: Construct, props: ThreatDetectionProps): void {
  const problems: string[] = [];
  const days = props.retention.toDays({ integral: false });
  if (!Token.isUnresolved(days) && (!Number.isInteger(days) || days < 1)) {
    problems.push(`retention is ${props.retention.toHumanString()}; it must be a whole number of days, at least 1 (the trace retention)`);
  }
  const backupDays = props.backupMinimumRetentionDays;
  if (backupDays !== undefined && !Token.isUnresolved(backupDays) && (!Number.isInteger(backupDays) || backupDays < 1)) {
    problems.push(`backupMinimumRetentionDays is ${backupDays}; it must be a whole number of days, at least 1 (the vault lock minimum)`);
  }
  if (problems.length > 0) throw new Error(`${scope.node.path}: ${problems.join('; ')}`);
}

/**
 * Threat detection and continuous posture checks (DET-01, DET-02):
 *
 * - GuardDuty with S3 data events, RDS login events and EBS malware protection, publishing updates every
 *   15 minutes; its findings are exported to an evidence bucket (KMS, Object Lock for the trace retention,
 *   retained). The key must admit GuardDuty: `PlatformKeys.logs` does.
 * - Security Hub without its default standards, with AWS Foundational Security Best Practices v1.0.0 and
 *   CIS AWS Foundations Benchmark v3.0.0, and consolidated control findings.
 * - AWS Config: a recorder of every supported resource type, its role (the AWS managed policy
 *   `service-role/AWS_ConfigRole`, as AWS documents, plus delivery to one bucket with the key) and a
 *   delivery channel; CloudFormation starts the recorder once the channel exists. Config refuses to deliver
 *   to a bucket whose Object Lock has a default retention, so its history goes to a bucket of its own
 *   (KMS, versioned, retained), not to the evidence bucket.
 * - In every mode, AWS Config managed rules that check the platform's controls in the account, each
 *   description starting with the control it gives evidence for.
 *
 * With a service in 'existing' mode nothing of that service is created here (the evidence bucket still is,
 * and admits GuardDuty detectors of this account, so an existing detector can export to it): the evidence
 * report, which reads templates only, then shows DET-01 or DET-02 as "not evaluated", to be verified in the
 * account outside these templates.
 */
export class ThreatDetection extends Construct {
  /** The GuardDuty detector, when created here. */
  public readonly detector?: guardduty.CfnDetector;
  /** Export of the detector's findings to `evidenceBucket`, when the detector is created here. */
  public readonly findingsExport?: guardduty.CfnPublishingDestination;
  /** Security Hub, when enabled here. */
  public readonly hub?: securityhub.CfnHub;
  /** The standards enabled on `hub` (none when Security Hub exists already). */
  public readonly standards: securityhub.CfnStandard[] = [];
  /** Where GuardDuty findings are exported: locked for the trace retention. */
  public readonly evidenceBucket: s3.Bucket;
  /** The AWS Config recorder, when created here. */
  public readonly recorder?: config.CfnConfigurationRecorder;
  public readonly deliveryChannel?: config.CfnDeliveryChannel;
  /** The role AWS Config records and delivers with, when the recorder is created here. */
  public readonly configRole?: iam.Role;
  /** Where AWS Config delivers configuration history and snapshots, when the recorder is created here. */
  public readonly configBucket?: s3.Bucket;
  /** AWS Config managed rules, created in every mode. */
  public readonly configRules: config.ManagedRule[];

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    validate(this, props);
    const stack = Stack.of(this);

    this.evidenceBucket = new SecureBucket(this, 'Evidence', {
      encryption: { key: props.key },
      serverAccessLogs: { bucket: props.accessLogs, prefix: 'detection-evidence/' },
      objectLock: { mode: props.lockMode, days: props.retention.toDays() },
    }).bucket;
    recordControls(this.evidenceBucket, 'DET-01', 'ENC-02', 'LOG-03');

    const detectorArns = `arn:${stack.partition}:guardduty:${stack.region}:${stack.account}:detector/`;
    if (props.guardDuty === 'create') {
      this.detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        findingPublishingFrequency: 'FIFTEEN_MINUTES',
        features: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'EBS_MALWARE_PROTECTION'].map((name) => ({ name, status: 'ENABLED' })),
      });
      recordControls(this.detector, 'DET-01');
    }
    // GuardDuty's documented bucket policy, bound to this detector (or to this account's detectors when one exists already).
    const source = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ...(this.detector
        ? { ArnEquals: { 'aws:SourceArn': `${detectorArns}${this.detector.ref}` } }
        : { ArnLike: { 'aws:SourceArn': `${detectorArns}*` } }),
    };
    const guardDuty = guardDutyServicePrincipal(this);
    const findings = this.evidenceBucket.arnForObjects(`${GUARDDUTY_PREFIX}/*`);
    this.evidenceBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GuardDutyGetBucketLocation',
        principals: [guardDuty],
        actions: ['s3:GetBucketLocation'],
        resources: [this.evidenceBucket.bucketArn],
        conditions: source,
      }),
    );
    this.evidenceBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GuardDutyPutFindings',
        principals: [guardDuty],
        actions: ['s3:PutObject'],
        resources: [findings],
        conditions: source,
      }),
    );
    this.evidenceBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GuardDutyFindingsOnlyWithThePlatformKey',
        effect: iam.Effect.DENY,
        principals: [guardDuty],
        actions: ['s3:PutObject'],
        resources: [findings],
        conditions: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': props.key.keyArn } },
      }),
    );

    if (this.detector) {
      this.findingsExport = new guardduty.CfnPublishingDestination(this, 'FindingsExport', {
        detectorId: this.detector.ref,
        destinationType: 'S3',
        destinationProperties: {
          destinationArn: `${this.evidenceBucket.bucketArn}/${GUARDDUTY_PREFIX}/`,
          kmsKeyArn: props.key.keyArn,
        },
      });
      // GuardDuty checks that it can write when the destination is created.
      this.findingsExport.node.addDependency(this.evidenceBucket.policy!);
      recordControls(this.findingsExport, 'DET-01', 'LOG-03');
    }

    if (props.securityHub === 'create') {
      this.hub = new securityhub.CfnHub(this, 'Hub', {
        enableDefaultStandards: false,
        controlFindingGenerator: 'SECURITY_CONTROL',
        autoEnableControls: true,
      });
      recordControls(this.hub, 'DET-02');
      for (const standard of STANDARDS) {
        const resource = new securityhub.CfnStandard(this, standard.id, {
          standardsArn: `arn:${stack.partition}:securityhub:${stack.region}::standards/${standard.path}`,
        });
        resource.addResourceDependency(this.hub);
        recordControls(resource, 'DET-02');
        this.standards.push(resource);
      }
    }

    if (props.configRecorder === 'create') {
      const recording = new Construct(this, 'Config');
      this.configBucket = new SecureBucket(recording, 'History', {
        encryption: { key: props.key },
        serverAccessLogs: { bucket: props.accessLogs, prefix: 'config-history/' },
      }).bucket;
      recordControls(this.configBucket, 'DET-02', 'ENC-02');

      this.configRole = new iam.Role(recording, 'Role', {
        assumedBy: new iam.ServicePrincipal('config.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
        description: 'AWS Config: read resource configurations, deliver their history to the Config bucket',
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(CONFIG_ROLE_POLICY)],
      });
      // AWS_ConfigRole reads configurations only: delivery takes the bucket and the key (AWS Config's documented role policy).
      const delivery = new iam.ManagedPolicy(recording, 'DeliveryPolicy', {
        description: 'AWS Config delivers configuration history and snapshots to its bucket, encrypted with the logs key',
        roles: [this.configRole],
        statements: [
          new iam.PolicyStatement({
            sid: 'DeliverHistoryAndSnapshots',
            actions: ['s3:PutObject', 's3:PutObjectAcl'],
            resources: [this.configBucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
            conditions: { StringLike: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
          }),
          new iam.PolicyStatement({
            sid: 'LocateTheBucket',
            actions: ['s3:GetBucketAcl', 's3:ListBucket'],
            resources: [this.configBucket.bucketArn],
          }),
          new iam.PolicyStatement({
            sid: 'EncryptThroughS3',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [props.key.keyArn],
            conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
          }),
        ],
      });

      this.recorder = new config.CfnConfigurationRecorder(recording, 'Recorder', {
        roleArn: this.configRole.roleArn,
        recordingGroup: {
          allSupported: true,
          includeGlobalResourceTypes: props.recordGlobalResourceTypes ?? true,
        },
      });
      recordControls(this.recorder, 'DET-02');

      // The recorder starts as soon as this channel exists (there is no CloudFormation resource to start it).
      this.deliveryChannel = new config.CfnDeliveryChannel(recording, 'DeliveryChannel', {
        s3BucketName: this.configBucket.bucketName,
        s3KmsKeyArn: props.key.keyArn,
        configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
      });
      this.deliveryChannel.addResourceDependency(this.recorder);
      this.deliveryChannel.node.addDependency(delivery);
      recordControls(this.deliveryChannel, 'DET-02');
    }

    const rules = new Construct(this, 'Rules');
    this.configRules = managedRules(props.backupMinimumRetentionDays ?? 35).map((spec) => {
      const rule = new config.ManagedRule(rules, spec.id, {
        identifier: spec.identifier,
        description: `[${spec.control}] ${spec.description} (hds-blueprint, DET-02)`,
        inputParameters: spec.inputParameters,
      });
      if (this.recorder) rule.node.addDependency(this.recorder);
      recordControls(rule, 'DET-02', spec.control);
      return rule;
    });
  }
}
