import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct, IConstruct } from 'constructs';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { HealthDataStore, type HealthDataStoreProps } from '../../lib/constructs/health-data-store';
import { testStack } from '../support/app';

interface Built {
  stack: Stack;
  store: HealthDataStore;
  vpc: ec2.Vpc;
  dataKey: kms.Key;
  logsKey: kms.Key;
  accessLogs: s3.Bucket;
}

type Options = Partial<Pick<HealthDataStoreProps, 'namePrefix' | 'readers' | 'minCapacity' | 'maxCapacity' | 'documentsRetention'>>;

function build(options: Options = {}): Built {
  const stack = testStack();
  // Two isolated groups, so that the test can tell the data subnets from the others.
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    natGateways: 0,
    subnetConfiguration: [
      { name: 'compute', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const dataKey = new kms.Key(stack, 'DataKey');
  const logsKey = new kms.Key(stack, 'LogsKey');
  const accessLogs = new s3.Bucket(stack, 'AccessLogs');
  const store = new HealthDataStore(stack, 'Store', {
    namePrefix: 'hds',
    vpc,
    dataSubnets: { subnetGroupName: 'data' },
    dataKey,
    logsKey,
    accessLogs,
    logRetention: logs.RetentionDays.TWO_YEARS,
    minCapacity: 1,
    maxCapacity: 8,
    readers: 1,
    ...options,
  });
  return { stack, store, vpc, dataKey, logsKey, accessLogs };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** `{ Fn::GetAtt: [id, Arn] }` as it appears in the template (not `stack.resolve`, which adds a symbol). */
function arnOf(stack: Stack, construct: IConstruct) {
  return { 'Fn::GetAtt': [logicalId(stack, construct), 'Arn'] };
}

function onlyResource(template: Template, type: string): { Properties: Record<string, unknown>; [k: string]: unknown } {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as { Properties: Record<string, unknown> };
}

const HEALTH_DATA_TAGS = [
  { Key: 'hds:backup', Value: 'true' },
  { Key: 'hds:data-classification', Value: 'health-data' },
];

describe('HealthDataStore', () => {
  const built = build();
  const { stack } = built;
  const template = Template.fromStack(stack);
  const dataKeyArn = arnOf(stack, built.dataKey);
  const documentsId = logicalId(stack, built.store.documents);
  const cluster = () => onlyResource(template, 'AWS::RDS::DBCluster');

  describe('documents bucket', () => {
    test('ENC-02: SSE-KMS with the data key and a bucket key', () => {
      expect(template.toJSON().Resources[documentsId].Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: dataKeyArn },
          },
        ],
      });
    });

    test('versioned, private, logged to the access-log bucket, tagged for backup, retained', () => {
      expect(template.toJSON().Resources[documentsId]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: {
            DestinationBucketName: { Ref: logicalId(stack, built.accessLogs) },
            LogFilePrefix: 'documents/',
          },
          Tags: expect.arrayContaining(HEALTH_DATA_TAGS),
        },
        Metadata: { [CONTROLS_METADATA_KEY]: expect.arrayContaining(['ENC-02', 'ENC-03', 'LOG-05', 'BAK-02']) },
      });
    });

    test('ENC-03: the documents bucket refuses plain HTTP and TLS below 1.2', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: documentsId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    });
  });

  describe('database cluster', () => {
    test('ENC-02, BAK-02: encrypted with the data key, protected from deletion, 35 days of backups, retained', () => {
      expect(cluster()).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          Engine: 'aurora-postgresql',
          DBClusterIdentifier: 'hds-health-db',
          StorageEncrypted: true,
          KmsKeyId: dataKeyArn,
          DeletionProtection: true,
          BackupRetentionPeriod: 35,
          Tags: expect.arrayContaining(HEALTH_DATA_TAGS),
        },
        Metadata: {
          [CONTROLS_METADATA_KEY]: expect.arrayContaining(['ENC-02', 'ENC-03', 'NET-01', 'LOG-05', 'BAK-02']),
        },
      });
    });

    test('IAM authentication, and a master password managed by RDS, encrypted with the data key', () => {
      expect(cluster().Properties).toMatchObject({
        EnableIAMDatabaseAuthentication: true,
        ManageMasterUserPassword: true,
        MasterUserSecret: { KmsKeyId: dataKeyArn },
      });
      // No password in the template and no secret of our own: RDS owns and rotates the credential.
      expect(cluster().Properties.MasterUserPassword).toBeUndefined();
      template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    });

    test('LOG-05: exports the postgresql log', () => {
      expect(cluster().Properties.EnableCloudwatchLogsExports).toEqual(['postgresql']);
    });

    test('ENC-02: Performance Insights encrypted with the data key, on the cluster and every instance', () => {
      expect(cluster().Properties).toMatchObject({
        PerformanceInsightsEnabled: true,
        PerformanceInsightsKmsKeyId: dataKeyArn,
      });
      template.allResourcesProperties('AWS::RDS::DBInstance', {
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: dataKeyArn,
      });
    });

    test('BAK-02: only the cluster is tagged for backup, never its instances (they cannot be backed up alone)', () => {
      const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
      expect(instances.length).toBeGreaterThan(0);
      for (const instance of instances) {
        const tags = ((instance as { Properties: { Tags?: { Key: string }[] } }).Properties.Tags ?? []).map((t) => t.Key);
        expect(tags).not.toContain('hds:backup');
      }
    });

    test('Serverless v2 capacity comes from the props', () => {
      expect(cluster().Properties.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 1, MaxCapacity: 8 });
      const other = Template.fromStack(build({ minCapacity: 0.5, maxCapacity: 16 }).stack);
      other.hasResourceProperties('AWS::RDS::DBCluster', {
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
      });
    });

    test('ENC-03, LOG-05: the parameter group forces TLS and loads pgaudit', () => {
      const group = onlyResource(template, 'AWS::RDS::DBClusterParameterGroup');
      expect(group.Properties.Family).toBe('aurora-postgresql17');
      const parameters = group.Properties.Parameters as Record<string, string>;
      expect(parameters['rds.force_ssl']).toBe('1');
      expect(parameters.shared_preload_libraries.split(',')).toContain('pgaudit');
      expect(parameters['pgaudit.log']).toBe('ddl,role,write');
      expect(cluster().Properties.DBClusterParameterGroupName).toEqual({
        Ref: Object.keys(template.findResources('AWS::RDS::DBClusterParameterGroup'))[0],
      });
    });
  });

  describe('database log group (LOG-04, LOG-05)', () => {
    test('is created before the cluster, encrypted with the logs key, retained for the given period', () => {
      const [groupId] = Object.keys(
        template.findResources('AWS::Logs::LogGroup', {
          Properties: { LogGroupName: '/aws/rds/cluster/hds-health-db/postgresql' },
        }),
      );
      expect(groupId).toBeDefined();
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: '/aws/rds/cluster/hds-health-db/postgresql',
          KmsKeyId: arnOf(stack, built.logsKey),
          RetentionInDays: 731,
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      expect(cluster().DependsOn).toEqual(expect.arrayContaining([groupId]));
      expect(built.store.databaseLogGroups.postgresql).toBeDefined();
    });

    test('bears the name RDS will write to: the deployed cluster identifier', () => {
      const identifier = cluster().Properties.DBClusterIdentifier;
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/rds/cluster/${identifier}/postgresql`,
      });
    });

    // RDS lower-cases identifiers: a log group named from "Prod" would be left empty while RDS writes to a
    // group of its own, unencrypted and never expiring.
    test('bears the cluster name RDS will use even when the prefix has capitals', () => {
      const other = Template.fromStack(build({ namePrefix: 'Prod' }).stack);
      const identifier = Object.values(other.findResources('AWS::RDS::DBCluster'))[0].Properties.DBClusterIdentifier;
      other.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `/aws/rds/cluster/${identifier}/postgresql` });
    });
  });

  describe('NET-01, NET-04: the database is unreachable from outside', () => {
    test.each([0, 1, 2])('with %i readers: 1 + readers instances, none publicly accessible', (readers) => {
      const other = Template.fromStack(build({ readers }).stack);
      other.resourceCountIs('AWS::RDS::DBInstance', 1 + readers);
      other.allResourcesProperties('AWS::RDS::DBInstance', {
        PubliclyAccessible: false,
        DBInstanceClass: 'db.serverless',
      });
    });

    test('the subnet group holds the data subnets only', () => {
      const data = built.vpc.selectSubnets({ subnetGroupName: 'data' }).subnets.map((s) => ({
        Ref: logicalId(stack, s),
      }));
      expect(data).toHaveLength(2);
      const group = onlyResource(template, 'AWS::RDS::DBSubnetGroup');
      expect(group.Properties.SubnetIds).toEqual(data);
    });

    test('the database security group has no ingress and no open egress', () => {
      const sgId = logicalId(stack, built.store.databaseSecurityGroup);
      expect(cluster().Properties.VpcSecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
      const sg = template.toJSON().Resources[sgId];
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
      expect(sg.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
      ]);
      expect(sg.Metadata[CONTROLS_METADATA_KEY]).toEqual(['NET-04']);
      expect(template.findResources('AWS::EC2::SecurityGroupEgress')).toEqual({});
      expect(template.findResources('AWS::EC2::SecurityGroupIngress')).toEqual({});
    });
  });
});

describe('HealthDataStore documents retention (DATA-01)', () => {
  const documents = (options: Options) => {
    const built = build(options);
    return Template.fromStack(built.stack).toJSON().Resources[logicalId(built.stack, built.store.documents)].Properties;
  };

  test('by default (patient records): no expiry of current documents, previous versions 35 days, no lock', () => {
    const props = documents({});
    expect(props.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'retention',
      Status: 'Enabled',
      NoncurrentVersionExpiration: { NoncurrentDays: 35 },
      ExpiredObjectDeleteMarker: true,
    });
    expect(props.LifecycleConfiguration.Rules.some((r: { ExpirationInDays?: number }) => r.ExpirationInDays !== undefined)).toBe(false);
    expect(props.ObjectLockEnabled).toBeUndefined();
  });

  test('a preset counted from creation expires documents, and a lock applies in governance mode', () => {
    const props = documents({ documentsRetention: { expireAfterDays: 90, previousVersionsDays: 90, lockDays: 90 } });
    expect(props.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'retention',
      Status: 'Enabled',
      ExpirationInDays: 90,
      NoncurrentVersionExpiration: { NoncurrentDays: 90 },
    });
    expect(props.ObjectLockEnabled).toBe(true);
    expect(props.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 90 } } });
  });

  test('a lock longer than the expiry is refused', () => {
    expect(() => build({ documentsRetention: { expireAfterDays: 90, previousVersionsDays: 120, lockDays: 120 } })).toThrow(
      /documentsRetention\.lockDays is 120, longer than expireAfterDays \(90\); allowed: a lock at most as long as the expiry \(DATA-01\)/,
    );
  });
});

describe('HealthDataStore.grantReadWrite', () => {
  /** A consumer in the VPC: a role and a security group, as a container service or a function would have. */
  function consumer(stack: Stack, vpc: ec2.IVpc) {
    const role = new iam.Role(stack, 'ConsumerRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const securityGroup = new ec2.SecurityGroup(stack, 'ConsumerGroup', { vpc, allowAllOutbound: false });
    return { role, securityGroup, grantee: { grantPrincipal: role, connections: new ec2.Connections({ securityGroups: [securityGroup] }) } };
  }

  describe('in the same stack', () => {
    const built = build();
    const { stack, store } = built;
    const { role, securityGroup, grantee } = consumer(stack, built.vpc);
    store.grantReadWrite(grantee, 'app');
    const template = Template.fromStack(stack);
    const statements = () => {
      const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalId(stack, role) }] } }));
      expect(policies).toHaveLength(1);
      return (policies[0] as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement;
    };
    const documents = arnOf(stack, built.store.documents);

    test('documents: list the bucket; get, put, delete objects and abort uploads; never purge versions or change retention', () => {
      expect(statements()).toEqual(
        expect.arrayContaining([
          { Action: 's3:ListBucket', Effect: 'Allow', Resource: documents },
          {
            Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', [documents, '/*']] },
          },
        ]),
      );
      const actions = statements().flatMap((s) => [s.Action].flat() as string[]);
      expect(actions.filter((a) => a.includes('*') || /Version|Retention|LegalHold|Bucket(Policy|Acl)/.test(a))).toEqual([]);
    });

    test('the data key: decrypt and generate data keys, through S3 only', () => {
      expect(statements()).toContainEqual({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Effect: 'Allow',
        Resource: arnOf(stack, built.dataKey),
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' } },
      });
      // Granted on the consumer's side: the data key's policy is not edited.
      expect(JSON.stringify(template.toJSON().Resources[logicalId(stack, built.dataKey)].Properties.KeyPolicy)).not.toContain(logicalId(stack, role));
    });

    test('the database: rds-db:connect as the given user (IAM authentication)', () => {
      expect(statements()).toContainEqual({
        Action: 'rds-db:connect',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', ['arn:aws:rds-db:eu-west-3:111111111111:dbuser:', { 'Fn::GetAtt': [logicalId(stack, store.database), 'DBClusterResourceId'] }, '/app']],
        },
      });
      expect(statements()).toHaveLength(4);
    });

    test('NET-04: the database admits the consumer on its port, and the consumer may reach it there, nothing else', () => {
      const sg = { 'Fn::GetAtt': [logicalId(stack, securityGroup), 'GroupId'] };
      const dbSg = { 'Fn::GetAtt': [logicalId(stack, store.databaseSecurityGroup), 'GroupId'] };
      const port = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 };
      const props = (type: string) => Object.values(template.findResources(type)).map((r) => (r as { Properties: unknown }).Properties);
      expect(props('AWS::EC2::SecurityGroupIngress')).toEqual([expect.objectContaining({ ...port, GroupId: dbSg, SourceSecurityGroupId: sg })]);
      expect(props('AWS::EC2::SecurityGroupEgress')).toEqual([expect.objectContaining({ ...port, GroupId: sg, DestinationSecurityGroupId: dbSg })]);
      // The database group itself keeps no inline rule and no open egress.
      const group = template.toJSON().Resources[logicalId(stack, store.databaseSecurityGroup)];
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
    });
  });

  test('a consumer in another stack: every rule lives in the consumer stack, the store stack references nothing of it', () => {
    const built = build();
    const other = new Stack(built.stack.node.scope as Construct, 'ConsumerStack', { env: { account: '111111111111', region: 'eu-west-3' } });
    const { grantee } = consumer(other, built.vpc);
    built.store.grantReadWrite(grantee, 'app');
    const storeTemplate = Template.fromStack(built.stack);
    const consumerTemplate = Template.fromStack(other);
    expect(Object.keys(storeTemplate.findResources('AWS::EC2::SecurityGroupIngress'))).toEqual([]);
    expect(Object.keys(consumerTemplate.findResources('AWS::EC2::SecurityGroupIngress'))).toHaveLength(1);
    expect(Object.keys(consumerTemplate.findResources('AWS::EC2::SecurityGroupEgress'))).toHaveLength(1);
    expect(built.stack.dependencies).not.toContain(other);
    expect(JSON.stringify(storeTemplate.toJSON())).not.toContain('ConsumerStack');
  });

  test.each([
    ['App', /dbUser is "App"; allowed: a PostgreSQL role name/],
    ['app user', /dbUser is "app user"/],
    ['hds_admin', /dbUser is "hds_admin", the master user; allowed: an application role/],
  ])('refuses the database user %j', (dbUser, message) => {
    const built = build();
    const { grantee } = consumer(built.stack, built.vpc);
    expect(() => built.store.grantReadWrite(grantee, dbUser)).toThrow(message);
  });
});
