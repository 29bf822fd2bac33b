import { Aws, CfnCondition, Duration, Fn, Size, Stack, Tags, Token, type App, type CfnResource } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as config from 'aws-cdk-lib/aws-config';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as transfer from 'aws-cdk-lib/aws-transfer';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { IApplyRule } from 'cdk-nag';
import { isControlId } from '../../policies/catalogue';
import { HDS_PLUGIN_NAME, HdsChecks } from '../../policies/hds-checks';
import { BACKED_UP_TYPES } from '../../policies/rules/bak/backup-coverage';
import { findings, type FixtureBuilder } from './support';

/**
 * The pack's rule inventory, sorted. Adding or dropping a rule changes this list on purpose, in a reviewed
 * diff (STYLE.md 12). It holds the rules applied to each resource (`HDS_RULES`) and the stack-wide RES-01
 * check the pack runs in its `validateScope` (`STACK_WIDE`).
 */
const INVENTORY = [
  'HDS-BAK01-PlanRetentionWithinLock',
  'HDS-BAK01-VaultLocked',
  'HDS-BAK02-BackupCoverage',
  'HDS-BAK03-RestoreTested',
  'HDS-BAK04-BackupAuditEvidence',
  'HDS-DATA01-ExchangeBucketExpires',
  'HDS-DATA01-LockWithinExpiry',
  'HDS-DET01-ThreatDetection',
  'HDS-DET02-SecurityHubStandards',
  'HDS-DET03-AlertsReachAPerson',
  'HDS-ENC01-KeyDeletionWindow',
  'HDS-ENC01-KeyPolicyScoped',
  'HDS-ENC01-KeyRetained',
  'HDS-ENC01-KeyRotation',
  'HDS-ENC02-BackupVaultEncryptedWithCmk',
  'HDS-ENC02-DynamoDbEncryptedWithCmk',
  'HDS-ENC02-EbsEncryptedWithCmk',
  'HDS-ENC02-EcrEncryptedWithCmk',
  'HDS-ENC02-EfsEncryptedWithCmk',
  'HDS-ENC02-LogGroupEncryptedWithCmk',
  'HDS-ENC02-RdsEncryptedWithCmk',
  'HDS-ENC02-S3EncryptedWithCmk',
  'HDS-ENC02-SecretEncryptedWithCmk',
  'HDS-ENC02-SnsEncryptedWithCmk',
  'HDS-ENC02-SqsEncryptedWithCmk',
  'HDS-ENC03-LoadBalancerTls',
  'HDS-ENC03-RdsForceSsl',
  'HDS-ENC03-S3TlsOnly',
  'HDS-ENC03-TransferSecurityPolicy',
  'HDS-IAM01-MfaAndShortSessions',
  'HDS-IAM02-NoAdminPolicies',
  'HDS-IAM03-UserPoolHardened',
  'HDS-LOG01-TrailHardened',
  'HDS-LOG02-HealthDataEventsTraced',
  'HDS-LOG03-TraceArchiveLocked',
  'HDS-LOG04-LogGroupEncryptedAndRetained',
  'HDS-LOG05-BucketAccessLogs',
  'HDS-LOG05-DatabaseLogsExported',
  'HDS-LOG05-LoadBalancerAccessLogs',
  'HDS-LOG05-TransferLogging',
  'HDS-LOG05-WafLogging',
  'HDS-LOG06-PrivilegedAccessWithReason',
  'HDS-NET01-DataNotPublic',
  'HDS-NET01-DefaultSecurityGroupClosed',
  'HDS-NET02-EndpointPolicyScoped',
  'HDS-NET02-PrivateApiAccess',
  'HDS-NET03-FlowLogsAll',
  'HDS-NET04-DataTierNoOpenEgress',
  'HDS-NET04-NoOpenIngress',
  'HDS-NET04-TransferEndpointInVpc',
  'HDS-NET05-InternetEntryFiltered',
  'HDS-RES01-StackRegion',
  'HDS-RES02-BackupCopyInRegion',
  'HDS-RES02-DynamoDbReplicasInRegion',
  'HDS-RES02-EcrReplicationInRegion',
  'HDS-RES02-KmsMultiRegion',
  'HDS-RES02-NoCloudFront',
  'HDS-RES02-RdsReplicasInRegion',
  'HDS-RES02-S3ReplicationInRegion',
  'HDS-RES03-RoleBounded',
];

/** The rule ids the pack reports from its `validateScope` override, never through `applyRule`. */
const STACK_WIDE = ['HDS-RES01-StackRegion'];

/** HdsChecks that records every rule it applies and every resource type it visits, then checks as usual. */
class RecordingHdsChecks extends HdsChecks {
  /** Rule id -> the parameters of every application of that rule. */
  public readonly applied = new Map<string, IApplyRule[]>();
  public readonly visitedTypes = new Set<string>();
  /**
   * Every exception a rule threw, per resource. cdk-nag groups findings by rule id and keeps the first
   * description, so an evaluation error behind a non-compliant resource of the same rule is not in the report.
   */
  public readonly errors: { rule: string; path: string; message: string }[] = [];

  protected checkResource(node: CfnResource): void {
    this.visitedTypes.add(node.cfnResourceType);
    super.checkResource(node);
  }

  protected applyRule(params: IApplyRule): void {
    // The rule id as cdk-nag builds it (NagPack.applyRule).
    const id = `${this.readPackName}-${params.ruleSuffixOverride ? params.ruleSuffixOverride : params.rule.name}`;
    this.applied.set(id, [...(this.applied.get(id) ?? []), params]);
    const { rule } = params;
    const recorded = (node: CfnResource): ReturnType<typeof rule> => {
      try {
        return rule(node);
      } catch (error) {
        this.errors.push({ rule: id, path: node.node.path, message: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    };
    super.applyRule({ ...params, rule: Object.defineProperty(recorded, 'name', { value: rule.name }) });
  }
}

/**
 * One of each kind of resource the platform is made of, built with defaults (no hardening, no selection
 * covering the data stores), plus the violating resources some rules need (commented with their control),
 * an environment-agnostic stack and one outside the allow-list, so that rules dispatched per resource type
 * or per stack all run and report. A new rule that finds nothing here needs a violating resource added;
 * a destination a rule must place (replication, backup copy) is a resource of the app, so that the rule
 * reports it rather than failing to evaluate it. (The L1 DB instance is encrypted only to keep CDK's
 * built-in CloudFormation warning out of the test output.)
 */
const everyKind: FixtureBuilder = (stack: Stack, app: App) => {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  // NET-02: a gateway endpoint with the default (full access) policy.
  vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  // NET-01 (default security group), NET-03 (no flow logs).
  new ec2.CfnVPC(stack, 'RawVpc', { cidrBlock: '10.9.0.0/16' });
  new kms.Key(stack, 'Key');
  // ENC-01: a 7-day deletion window, and no retention policy (a raw key is deleted with its stack).
  new kms.CfnKey(stack, 'RawKey', { pendingWindowInDays: 7 });
  // RES-02: a multi-Region key.
  new kms.Key(stack, 'MultiRegionKey', { multiRegion: true });
  const bucket = new s3.Bucket(stack, 'Bucket');
  // LOG-02: a health-data bucket no trail records the data events of.
  Tags.of(bucket).add('hds:data-classification', 'health-data');
  // RES-02: replication to a bucket of the app in us-east-1.
  new s3.CfnBucket(stack, 'ReplicatedBucket', {
    versioningConfiguration: { status: 'Enabled' },
    replicationConfiguration: {
      role: 'arn:aws:iam::111111111111:role/replication',
      rules: [{ status: 'Enabled', destination: { bucket: 'arn:aws:s3:::hds-replica-virginia' } }],
    },
  });
  // DATA-01: objects locked a year but expired after 30 days.
  new s3.Bucket(stack, 'LockedBucket', {
    versioned: true,
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(365)),
    lifecycleRules: [{ expiration: Duration.days(30) }],
  });
  const cluster = new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true });
  new rds.CfnDBInstance(stack, 'ClusterInstance', {
    engine: 'aurora-postgresql',
    dbInstanceClass: 'db.r6g.large',
    dbClusterIdentifier: cluster.ref,
  });
  new rds.CfnDBInstance(stack, 'Instance', {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    storageEncrypted: true,
  });
  // RES-02: a global database (replicas in any region).
  new rds.CfnGlobalCluster(stack, 'GlobalCluster', { sourceDbClusterIdentifier: cluster.ref });
  new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  // RES-02: a replica in us-east-1.
  new dynamodb.TableV2(stack, 'GlobalTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    replicas: [{ region: 'us-east-1' }],
  });
  new efs.FileSystem(stack, 'FileSystem', { vpc });
  // ENC-02: an EBS volume without a customer-managed key.
  new ec2.Volume(stack, 'Volume', { availabilityZone: vpc.availabilityZones[0], size: Size.gibibytes(8) });
  new sns.Topic(stack, 'Topic');
  new sqs.Queue(stack, 'Queue');
  // ENC-02: an ECR repository with the default AES256 encryption.
  new ecr.Repository(stack, 'Repository');
  new logs.LogGroup(stack, 'Logs');
  new secretsmanager.Secret(stack, 'Secret');
  // NET-04: SSH open to the internet.
  new ec2.SecurityGroup(stack, 'SecurityGroup', { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  new lambda.Function(stack, 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    vpc,
  });
  new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  // IAM-01, IAM-02, LOG-06: a role any principal of the account assumes, with an admin policy.
  new iam.Role(stack, 'OperatorRole', { assumedBy: new iam.AccountRootPrincipal() }).addToPolicy(
    new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }),
  );
  new cognito.UserPool(stack, 'UserPool');
  const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan');
  plan.addSelection('Selection', { resources: [backup.BackupResource.fromTag('hds:backup', 'true')] });
  // BAK-01: a vault lock the 35-day plan cannot satisfy (the default plan's unlocked vault fires VaultLocked).
  const lockedVault = new backup.BackupVault(stack, 'LockedVault', { lockConfiguration: { minRetention: Duration.days(60) } });
  backup.BackupPlan.daily35DayRetention(stack, 'LockedPlan', lockedVault);
  // RES-02: a backup copy to a vault in us-east-1.
  new backup.CfnBackupPlan(stack, 'CopyPlan', {
    backupPlan: {
      backupPlanName: 'copy',
      backupPlanRule: [
        {
          ruleName: 'daily',
          targetBackupVault: lockedVault.backupVaultName,
          copyActions: [{ destinationBackupVaultArn: 'arn:aws:backup:us-east-1:111111111111:backup-vault:copy' }],
        },
      ],
    },
  });
  // RES-02: image replication to us-east-1; CloudFront.
  new ecr.CfnReplicationConfiguration(stack, 'EcrReplication', {
    replicationConfiguration: { rules: [{ destinations: [{ region: 'us-east-1', registryId: '111111111111' }] }] },
  });
  new cloudfront.CfnDistribution(stack, 'Distribution', {
    distributionConfig: {
      enabled: true,
      defaultCacheBehavior: { targetOriginId: 'origin', viewerProtocolPolicy: 'https-only' },
      origins: [{ id: 'origin', domainName: 'example.org', customOriginConfig: { originProtocolPolicy: 'https-only' } }],
    },
  });
  // LOG-01, LOG-03: a trail with defaults (its bucket not locked).
  new cloudtrail.Trail(stack, 'Trail');
  // ENC-03, LOG-05, NET-05: an internet-facing load balancer without logs or WAF, an HTTP listener that forwards.
  const loadBalancer = new elbv2.CfnLoadBalancer(stack, 'LoadBalancer', { subnets: vpc.isolatedSubnets.map((s) => s.subnetId) });
  new elbv2.CfnListener(stack, 'Listener', {
    loadBalancerArn: loadBalancer.ref,
    port: 80,
    protocol: 'HTTP',
    defaultActions: [
      { type: 'forward', targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-3:111111111111:targetgroup/tg/0123456789abcdef' },
    ],
  });
  // ENC-03, NET-04, LOG-05: an SFTP server with CloudFormation's defaults (security policy TransferSecurityPolicy-2018-11,
  // PUBLIC endpoint, no structured logs).
  const sftpServer = new transfer.CfnServer(stack, 'SftpServer');
  // DATA-01: a user whose home directory is in the plain bucket (an exchange bucket that never deletes its files).
  new transfer.CfnUser(stack, 'SftpUser', {
    serverId: sftpServer.attrServerId,
    userName: 'partner',
    role: 'arn:aws:iam::111111111111:role/sftp-user',
    homeDirectory: `/${bucket.bucketName}/partner`,
  });
  // LOG-05: a web ACL without a logging configuration.
  new wafv2.CfnWebACL(stack, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'acl', sampledRequestsEnabled: true },
  });
  // DET-01/02/03: a disabled detector, a hub without standards, a recorder not recording everything, an alarm without action.
  new guardduty.CfnDetector(stack, 'Detector', { enable: false });
  new securityhub.CfnHub(stack, 'Hub', {});
  new config.CfnConfigurationRecorder(stack, 'Recorder', {
    roleArn: 'arn:aws:iam::111111111111:role/config',
    recordingGroup: { allSupported: false },
  });
  new cloudwatch.Alarm(stack, 'Alarm', {
    metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors' }),
    threshold: 1,
    evaluationPeriods: 1,
  });

  new s3.Bucket(new Stack(app, 'Unpinned'), 'Bucket');
  const virginia = new Stack(app, 'Virginia', { env: { account: '111111111111', region: 'us-east-1' } });
  new s3.Bucket(virginia, 'Bucket');
  // The destinations of the replication and of the backup copy above: resources of the app, so that their region is known.
  new s3.CfnBucket(virginia, 'Replica', { bucketName: 'hds-replica-virginia' });
  new backup.CfnBackupVault(virginia, 'CopyVault', { backupVaultName: 'copy' });
};

describe('HdsChecks', () => {
  let pack: RecordingHdsChecks;
  let found: ReturnType<typeof findings>;

  beforeAll(() => {
    pack = new RecordingHdsChecks();
    found = findings(everyKind, pack);
  });

  it('is the HdsChecks plugin with the HDS rule prefix', () => {
    expect(pack.name).toBe(HDS_PLUGIN_NAME);
    expect(pack.readPackName).toBe('HDS');
  });

  it('visits every resource type the fixture is meant to cover, including every type BAK-02 backs up', () => {
    for (const type of [...BACKED_UP_TYPES, 'AWS::SNS::Topic', 'AWS::IAM::Role', 'AWS::Lambda::Function']) {
      expect(pack.visitedTypes).toContain(type);
    }
  });

  it('has exactly the pinned rule inventory: every rule applied, and every rule id reported', () => {
    expect(INVENTORY).toStrictEqual([...new Set(INVENTORY)].sort());
    expect([...pack.applied.keys()].sort()).toStrictEqual(INVENTORY.filter((id) => !STACK_WIDE.includes(id)));
    // Rule ids reported outside applyRule (a stack-wide check in a validateScope override) count too.
    const reported = [...new Set(found.map((f) => f.rule.replace(/\[.*\]$/, '')))];
    expect(reported.filter((id) => !INVENTORY.includes(id))).toStrictEqual([]);
  });

  it('reports RES-01 on the environment-agnostic stack and on the stack outside the allow-list, on the stack itself', () => {
    expect(
      found
        .filter((f) => f.rule === 'HDS-RES01-StackRegion')
        .map((f) => f.path)
        .sort(),
    ).toStrictEqual(['Unpinned', 'Virginia']);
  });

  it('evaluates every rule on the fixture without an error, and reports each rule at least once', () => {
    expect(found.filter((f) => f.evaluationError)).toStrictEqual([]);
    expect(pack.errors).toStrictEqual([]);
    expect([...new Set(found.map((f) => f.rule))].sort()).toStrictEqual(INVENTORY);
  });

  it('cites, in every rule, a control id of the catalogue as [XXX-NN], the one its rule id names, and the fix', () => {
    for (const [id, applications] of pack.applied) {
      for (const { info, explanation } of applications) {
        const cited = /^\[([A-Z]+-\d{2})\] /.exec(info)?.[1];
        expect({ id, cited, known: cited !== undefined && isControlId(cited) }).toStrictEqual({ id, cited, known: true });
        // HDS-BAK02-BackupCoverage cites [BAK-02].
        expect(id).toMatch(new RegExp(`^HDS-${cited?.replace('-', '')}-[A-Za-z0-9]+$`));
        expect(info).toMatch(/ Fix: \S/);
        expect(explanation.trim()).not.toBe('');
      }
    }
  });

  it('cites a control id of the catalogue as [XXX-NN] in the description of every finding, the one its rule id names', () => {
    expect(found.length).toBeGreaterThan(0);
    for (const { rule, description } of found) {
      const cited = /^\[([A-Z]+-\d{2})\] /.exec(description)?.[1];
      expect({ rule, cited, known: cited !== undefined && isControlId(cited) }).toStrictEqual({ rule, cited, known: true });
      expect(rule).toMatch(new RegExp(`^HDS-${cited?.replace('-', '')}-[A-Za-z0-9]+$`));
    }
  });
});

describe('a rule that throws', () => {
  const BAK02 = 'HDS-BAK02-BackupCoverage';

  /**
   * An app with a selection whose Resources is an Fn::If (valid CloudFormation, e.g. from an included
   * template), which BAK-02 cannot evaluate at synth. A bucket another selection covers stays compliant; a
   * bucket no evaluable selection covers cannot be judged, and must be reported as such, never as compliant.
   */
  function bucketBeside(options: { conditionalSelection: boolean; tagged: boolean }): FixtureBuilder {
    return (stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      if (options.tagged) Tags.of(bucket).add('hds:backup', 'true');
      const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan');
      plan.addSelection('Tagged', { resources: [backup.BackupResource.fromTag('hds:backup', 'true')] });
      if (!options.conditionalSelection) return;
      const everything = new CfnCondition(stack, 'BackUpEverything', {
        expression: Fn.conditionEquals(Aws.REGION, 'eu-west-3'),
      });
      new backup.CfnBackupSelection(stack, 'Conditional', {
        backupPlanId: plan.backupPlanId,
        backupSelection: {
          iamRoleArn: 'arn:aws:iam::111111111111:role/backup',
          selectionName: 'conditional',
          resources: Token.asList(Fn.conditionIf(everything.logicalId, ['*'], Aws.NO_VALUE)),
        },
      });
    };
  }

  /** The findings of BAK-02 alone: other rules of the pack flag this fixture too (unlocked vault, plain bucket...). */
  const backupCoverage = (build: FixtureBuilder, pack?: HdsChecks) => findings(build, pack).filter((f) => f.rule === BAK02);

  it('is compliant without the unevaluable selection (the control case)', () => {
    expect(backupCoverage(bucketBeside({ conditionalSelection: false, tagged: true }))).toStrictEqual([]);
  });

  it('does not let an unevaluable selection hide a resource another selection covers', () => {
    expect(backupCoverage(bucketBeside({ conditionalSelection: true, tagged: true }))).toStrictEqual([]);
  });

  it('reports an uncovered resource as an evaluation error when a selection could not be evaluated, never as compliant', () => {
    const found = backupCoverage(bucketBeside({ conditionalSelection: true, tagged: false }));
    expect(found.map(({ rule, path, evaluationError }) => ({ rule, path, evaluationError }))).toStrictEqual([
      { rule: BAK02, path: 'TestStack/Bucket/Resource', evaluationError: true },
    ]);
  });

  it('carries the reason in the description when the pack is verbose', () => {
    const verbose = new HdsChecks(undefined, { verbose: true });
    const [finding] = backupCoverage(bucketBeside({ conditionalSelection: true, tagged: false }), verbose);
    expect(finding.description).toMatch(
      /^Rule threw an error during validation\. \[BAK-02\] backup coverage could not be evaluated: TestStack\/Conditional: Resources is not a list/,
    );
  });
});
