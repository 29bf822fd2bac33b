import { Duration, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { applyResidencyBoundary } from '../../lib/aspects/residency-boundary';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { ThreatDetection, type ThreatDetectionProps } from '../../lib/constructs/threat-detection';
import { findings, type Finding } from '../policies/support';
import { testApp, testStack } from '../support/app';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-3';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  Metadata?: Record<string, unknown>;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const ALL_CREATED: Pick<ThreatDetectionProps, 'guardDuty' | 'securityHub' | 'configRecorder'> = {
  guardDuty: 'create',
  securityHub: 'create',
  configRecorder: 'create',
};

const RULE_IDENTIFIERS = [
  'ENCRYPTED_VOLUMES',
  'S3_BUCKET_SSL_REQUESTS_ONLY',
  'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
  'CMK_BACKING_KEY_ROTATION_ENABLED',
  'CLOUD_TRAIL_ENABLED',
  'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED',
  'ROOT_ACCOUNT_MFA_ENABLED',
  'IAM_USER_MFA_ENABLED',
  'RDS_STORAGE_ENCRYPTED',
  'RDS_INSTANCE_PUBLIC_ACCESS_CHECK',
  'S3_BUCKET_PUBLIC_READ_PROHIBITED',
  'VPC_FLOW_LOGS_ENABLED',
  'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
  'RDS_IN_BACKUP_PLAN',
];

/** Builds the construct in `stack` with a local key and access-log bucket. */
function create(stack: Stack, props: Partial<ThreatDetectionProps> = {}) {
  const key = new kms.Key(stack, 'LogsKey');
  const accessLogs = new s3.Bucket(stack, 'AccessLogs');
  const detection = new ThreatDetection(stack, 'Detection', {
    ...ALL_CREATED,
    key,
    accessLogs,
    lockMode: 'GOVERNANCE',
    retention: Duration.days(400),
    ...props,
  });
  return { key, accessLogs, detection };
}

function build(props: Partial<ThreatDetectionProps> = {}) {
  const stack = testStack();
  const built = create(stack, props);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (c: IConstruct) => stack.getLogicalId((c.node.defaultChild ?? c) as CfnElement);
  const of = (c: IConstruct) => resources[id(c)];
  const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const bucketPolicy = (bucket: s3.Bucket) => {
    const policies = ofType('AWS::S3::BucketPolicy').filter((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id(bucket) }));
    expect(policies).toHaveLength(1);
    return (policies[0].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  };
  return { ...built, stack, template, resources, id, of, ofType, bucketPolicy };
}

const controlsOf = (r: Resource) => r.Metadata?.[CONTROLS_METADATA_KEY];
const keyArn = (b: ReturnType<typeof build>) => ({ 'Fn::GetAtt': [b.id(b.key), 'Arn'] });

describe('ThreatDetection, every service created here', () => {
  const b = build();
  const { detection } = b;

  describe('GuardDuty (DET-01)', () => {
    test('one detector, enabled, with S3 data events, RDS login events and EBS malware protection, publishing every 15 minutes', () => {
      b.template.resourceCountIs('AWS::GuardDuty::Detector', 1);
      const detector = b.of(detection.detector!);
      expect(detector.Properties).toEqual({
        Enable: true,
        FindingPublishingFrequency: 'FIFTEEN_MINUTES',
        Features: [
          { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
          { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
          { Name: 'EBS_MALWARE_PROTECTION', Status: 'ENABLED' },
        ],
      });
      expect(controlsOf(detector)).toEqual(['DET-01']);
    });

    test('findings are exported to the evidence bucket, encrypted with the key, once the bucket policy admits GuardDuty', () => {
      b.template.resourceCountIs('AWS::GuardDuty::PublishingDestination', 1);
      const destination = b.of(detection.findingsExport!);
      expect(destination.Properties).toEqual({
        DetectorId: { Ref: b.id(detection.detector!) },
        DestinationType: 'S3',
        DestinationProperties: {
          DestinationArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [b.id(detection.evidenceBucket), 'Arn'] }, '/guardduty/']] },
          KmsKeyArn: keyArn(b),
        },
      });
      expect(destination.DependsOn).toContain(b.id(detection.evidenceBucket.policy!));
    });

    test('the evidence bucket admits GuardDuty, for this detector only, as GuardDuty documents', () => {
      const source = {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnEquals: {
          'aws:SourceArn': { 'Fn::Join': ['', [`arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/`, { Ref: b.id(detection.detector!) }]] },
        },
      };
      const bucketArn = { 'Fn::GetAtt': [b.id(detection.evidenceBucket), 'Arn'] };
      const findingsArn = { 'Fn::Join': ['', [bucketArn, '/guardduty/*']] };
      const guardDuty = b.bucketPolicy(detection.evidenceBucket).filter((s) => JSON.stringify(s.Principal).includes('guardduty'));
      expect(guardDuty).toEqual([
        {
          Sid: 'GuardDutyGetBucketLocation',
          Effect: 'Allow',
          Principal: { Service: 'guardduty.amazonaws.com' },
          Action: 's3:GetBucketLocation',
          Resource: bucketArn,
          Condition: source,
        },
        {
          Sid: 'GuardDutyPutFindings',
          Effect: 'Allow',
          Principal: { Service: 'guardduty.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: findingsArn,
          Condition: source,
        },
        {
          Sid: 'GuardDutyFindingsOnlyWithThePlatformKey',
          Effect: 'Deny',
          Principal: { Service: 'guardduty.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: findingsArn,
          Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn(b) } },
        },
      ]);
    });

    test('the evidence bucket is locked for the retention, encrypted with the key, logged and retained', () => {
      const bucket = b.of(detection.evidenceBucket);
      expect(bucket.Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } } },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn(b) } },
          ],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: b.id(b.accessLogs) }, LogFilePrefix: 'detection-evidence/' },
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(controlsOf(bucket)).toEqual(['DET-01', 'ENC-02', 'LOG-03']);
    });
  });

  describe('Security Hub (DET-02)', () => {
    test('a hub without the default standards, with consolidated control findings', () => {
      b.template.resourceCountIs('AWS::SecurityHub::Hub', 1);
      expect(b.of(detection.hub!).Properties).toEqual({
        EnableDefaultStandards: false,
        ControlFindingGenerator: 'SECURITY_CONTROL',
        AutoEnableControls: true,
      });
    });

    test('AWS Foundational Security Best Practices and CIS v3.0.0, in this region, each after the hub', () => {
      const standards = b.ofType('AWS::SecurityHub::Standard');
      expect(standards.map((s) => s.Properties.StandardsArn).sort()).toEqual([
        `arn:aws:securityhub:${REGION}::standards/aws-foundational-security-best-practices/v/1.0.0`,
        `arn:aws:securityhub:${REGION}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
      ]);
      for (const standard of standards) {
        expect(standard.DependsOn).toEqual([b.id(detection.hub!)]);
        expect(controlsOf(standard)).toEqual(['DET-02']);
      }
    });
  });

  describe('AWS Config recorder (DET-02)', () => {
    test('records every supported resource type, global ones included, with its role', () => {
      b.template.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
      expect(b.of(detection.recorder!).Properties).toEqual({
        RoleARN: { 'Fn::GetAtt': [b.id(detection.configRole!), 'Arn'] },
        RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      });
    });

    test('the role is assumable by AWS Config for this account only and carries AWS_ConfigRole', () => {
      expect(b.of(detection.configRole!).Properties).toMatchObject({
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { Service: 'config.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
            },
          ],
        },
        ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWS_ConfigRole']] }],
      });
    });

    test('the role delivers to the Config bucket only, and uses the key only through S3', () => {
      const policies = b.ofType('AWS::IAM::ManagedPolicy');
      expect(policies).toHaveLength(1);
      expect(policies[0].Properties.Roles).toEqual([{ Ref: b.id(detection.configRole!) }]);
      const bucketArn = { 'Fn::GetAtt': [b.id(detection.configBucket!), 'Arn'] };
      expect((policies[0].Properties.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
        {
          Sid: 'DeliverHistoryAndSnapshots',
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:PutObjectAcl'],
          Resource: { 'Fn::Join': ['', [bucketArn, `/AWSLogs/${ACCOUNT}/*`]] },
          Condition: { StringLike: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
        },
        { Sid: 'LocateTheBucket', Effect: 'Allow', Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: bucketArn },
        {
          Sid: 'EncryptThroughS3',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: keyArn(b),
          Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
        },
      ]);
      b.template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('the delivery channel writes to the Config bucket with the key, after the recorder and the role policy', () => {
      b.template.resourceCountIs('AWS::Config::DeliveryChannel', 1);
      const channel = b.of(detection.deliveryChannel!);
      expect(channel.Properties).toEqual({
        S3BucketName: { Ref: b.id(detection.configBucket!) },
        S3KmsKeyArn: keyArn(b),
        ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
      });
      expect(channel.DependsOn?.sort()).toEqual(
        [b.id(detection.recorder!), b.stack.getLogicalId(detection.node.findChild('Config').node.findChild('DeliveryPolicy').node.defaultChild as CfnElement)].sort(),
      );
    });

    // AWS Config refuses a delivery bucket whose Object Lock has a default retention.
    test('the Config bucket is encrypted with the key, logged and retained, without Object Lock', () => {
      const bucket = b.of(detection.configBucket!);
      expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
      expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { KMSMasterKeyID: keyArn(b) } }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: b.id(b.accessLogs) }, LogFilePrefix: 'config-history/' },
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(detection.configBucket).not.toBe(detection.evidenceBucket);
    });
  });

  describe('AWS Config rules', () => {
    const rules = b.ofType('AWS::Config::ConfigRule');

    test('one AWS managed rule per identifier of the set', () => {
      expect(rules.map((r) => (r.Properties.Source as { Owner: string; SourceIdentifier: string }).SourceIdentifier).sort()).toEqual(
        [...RULE_IDENTIFIERS].sort(),
      );
      for (const rule of rules) expect((rule.Properties.Source as { Owner: string }).Owner).toBe('AWS');
      expect(detection.configRules).toHaveLength(RULE_IDENTIFIERS.length);
    });

    test('each description names the control it gives evidence for, which the rule also records', () => {
      for (const rule of rules) {
        const control = /^\[([A-Z]+-\d{2})\] /.exec(rule.Properties.Description as string)?.[1];
        expect(control).toBeDefined();
        expect(controlsOf(rule)).toEqual(['DET-02', control].sort());
      }
    });

    test('each rule is created after the recorder', () => {
      for (const rule of rules) expect(rule.DependsOn).toEqual([b.id(detection.recorder!)]);
    });

    test('the backup plan rule asks for daily backups kept at least the given minimum', () => {
      const backup = rules.find((r) => JSON.stringify(r.Properties.Source).includes('BACKUP_PLAN_MIN_FREQUENCY'));
      expect(backup?.Properties.InputParameters).toEqual({ requiredFrequencyUnit: 'days', requiredFrequencyValue: '1', requiredRetentionDays: '35' });
      const custom = build({ backupMinimumRetentionDays: 42 }).ofType('AWS::Config::ConfigRule');
      expect(custom.find((r) => JSON.stringify(r.Properties.Source).includes('BACKUP_PLAN_MIN_FREQUENCY'))?.Properties.InputParameters).toMatchObject({
        requiredRetentionDays: '42',
      });
    });
  });
});

describe('ThreatDetection, every service existing in the account', () => {
  const b = build({ guardDuty: 'existing', securityHub: 'existing', configRecorder: 'existing' });

  test.each([
    'AWS::GuardDuty::Detector',
    'AWS::GuardDuty::PublishingDestination',
    'AWS::SecurityHub::Hub',
    'AWS::SecurityHub::Standard',
    'AWS::Config::ConfigurationRecorder',
    'AWS::Config::DeliveryChannel',
    'AWS::IAM::Role',
    'AWS::IAM::ManagedPolicy',
  ])('creates no %s', (type) => {
    b.template.resourceCountIs(type, 0);
  });

  test('exposes nothing of those services', () => {
    const d = b.detection;
    expect([d.detector, d.findingsExport, d.hub, d.recorder, d.deliveryChannel, d.configRole, d.configBucket]).toEqual(Array(7).fill(undefined));
    expect(d.standards).toEqual([]);
  });

  test('still creates the Config rules, with no dependency', () => {
    const rules = b.ofType('AWS::Config::ConfigRule');
    expect(rules).toHaveLength(RULE_IDENTIFIERS.length);
    for (const rule of rules) expect(rule.DependsOn).toBeUndefined();
  });

  test("still creates the locked evidence bucket, open to this account's detectors", () => {
    b.template.resourceCountIs('AWS::S3::Bucket', 2); // the evidence bucket and the test's access-log bucket
    const allow = b.bucketPolicy(b.detection.evidenceBucket).filter((s) => s.Effect === 'Allow');
    expect(allow.map((s) => s.Sid)).toEqual(['GuardDutyGetBucketLocation', 'GuardDutyPutFindings']);
    for (const statement of allow) {
      expect(statement.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/*` },
      });
    }
  });
});

describe('ThreatDetection, one service existing', () => {
  test.each([
    ['guardDuty', ['AWS::GuardDuty::Detector', 'AWS::GuardDuty::PublishingDestination'], ['AWS::SecurityHub::Hub', 'AWS::Config::ConfigurationRecorder']],
    ['securityHub', ['AWS::SecurityHub::Hub', 'AWS::SecurityHub::Standard'], ['AWS::GuardDuty::Detector', 'AWS::Config::ConfigurationRecorder']],
    ['configRecorder', ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel', 'AWS::IAM::Role'], ['AWS::GuardDuty::Detector', 'AWS::SecurityHub::Hub']],
  ] as const)('%s existing: none of %j, the other services still created', (service, absent, present) => {
    const b = build({ [service]: 'existing' });
    for (const type of absent) b.template.resourceCountIs(type, 0);
    for (const type of present) b.template.resourceCountIs(type, 1);
    b.template.resourceCountIs('AWS::Config::ConfigRule', RULE_IDENTIFIERS.length);
  });
});

test('ThreatDetection: a recorder outside the home region leaves global resource types to the home region', () => {
  const b = build({ recordGlobalResourceTypes: false });
  expect(b.of(b.detection.recorder!).Properties.RecordingGroup).toEqual({ AllSupported: true, IncludeGlobalResourceTypes: false });
});

test('ThreatDetection: in an opt-in region (eu-south-1), the bucket admits GuardDuty by its regional principal', () => {
  const stack = new Stack(testApp(), 'Milan', { env: { account: ACCOUNT, region: 'eu-south-1' } });
  create(stack);
  const statements = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
  const principals = statements.map((s) => JSON.stringify(s.Principal)).filter((p) => p.includes('guardduty'));
  expect(principals).toHaveLength(3);
  for (const principal of principals) expect(JSON.parse(principal)).toEqual({ Service: 'guardduty.eu-south-1.amazonaws.com' });
});

test('ThreatDetection: compliance-mode evidence lock for the retention', () => {
  const b = build({ lockMode: 'COMPLIANCE', retention: Duration.days(3653) });
  expect(b.of(b.detection.evidenceBucket).Properties.ObjectLockConfiguration).toEqual({
    ObjectLockEnabled: 'Enabled',
    Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } },
  });
});

test('ThreatDetection: refuses a retention that is not whole days and a backup minimum below one day, in one message', () => {
  expect(() => create(testStack(), { retention: Duration.hours(36), backupMinimumRetentionDays: 0 })).toThrow(
    /TestStack\/Detection: retention is 1 day 12 hours; .*whole number of days.*; backupMinimumRetentionDays is 0; .*at least 1/,
  );
});

describe('ThreatDetection under the HDS pack', () => {
  const DET_RULES = ['HDS-DET01-ThreatDetection', 'HDS-DET02-SecurityHubStandards'];
  const onConstruct = (found: Finding[]) =>
    found.filter((f) => f.path.startsWith('TestStack/Detection/')).map((f) => `${f.rule} ${f.path}`);
  const run = (change: (detection: ThreatDetection) => void = () => undefined) =>
    findings((stack) => {
      applyResidencyBoundary(stack, [REGION]);
      change(create(stack).detection);
    });

  test('DET-01 and DET-02 rules report nothing; the only findings are the backup coverage of its two buckets', () => {
    const found = run();
    expect(found.filter((f) => DET_RULES.includes(f.rule))).toEqual([]);
    expect(onConstruct(found).sort()).toEqual([
      'HDS-BAK02-BackupCoverage TestStack/Detection/Config/History/Resource/Resource',
      'HDS-BAK02-BackupCoverage TestStack/Detection/Evidence/Resource/Resource',
    ]);
  });

  test('a detector without malware protection is reported under DET-01', () => {
    const found = run((detection) =>
      (detection.detector as guardduty.CfnDetector).addPropertyOverride('Features', [
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
      ]),
    );
    expect(found.filter((f) => DET_RULES.includes(f.rule)).map((f) => `${f.rule} ${f.path}`)).toEqual([
      'HDS-DET01-ThreatDetection TestStack/Detection/Detector',
    ]);
  });

  test('a hub without the CIS standard is reported under DET-02', () => {
    const found = run((detection) => detection.node.tryRemoveChild('CisStandard'));
    expect(found.filter((f) => DET_RULES.includes(f.rule)).map((f) => `${f.rule} ${f.path}`)).toEqual([
      'HDS-DET02-SecurityHubStandards TestStack/Detection/Hub',
    ]);
  });
});
