import { Aws, Duration, Fn, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HealthDataStore } from '../../../lib/constructs/health-data-store';
import { ENC02_RDS_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/rds-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef, secondStack } from './enc-fixtures';

const RULE = 'HDS-ENC02-RdsEncryptedWithCmk';
const CLUSTER = 'TestStack/Cluster';
const INSTANCE = 'TestStack/Db';
const ENGINE = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });

function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

function cluster(stack: Stack, props: Partial<rds.DatabaseClusterProps> = {}): rds.DatabaseCluster {
  return new rds.DatabaseCluster(stack, 'Db', {
    engine: ENGINE,
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc: isolatedVpc(stack),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ...props,
  });
}

function cfnCluster(stack: Stack, props: Partial<rds.CfnDBClusterProps> = {}): rds.CfnDBCluster {
  return new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true, kmsKeyId: KEY_ARN, ...props });
}

function cfnInstance(stack: Stack, id: string, props: Partial<rds.CfnDBInstanceProps> = {}): rds.CfnDBInstance {
  return new rds.CfnDBInstance(stack, id, {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    storageEncrypted: true,
    kmsKeyId: KEY_ARN,
    ...props,
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a DatabaseCluster encrypted with the AWS-managed key (no storageEncryptionKey)', () => {
    expectFindings(RULE, (stack) => cluster(stack), ['TestStack/Db/Resource']);
  });

  it('F2: a DatabaseCluster with storageEncrypted: false', () => {
    expectFindings(RULE, (stack) => cluster(stack, { storageEncrypted: false }), ['TestStack/Db/Resource']);
  });

  it('F3: a raw CfnDBCluster with a key but StorageEncrypted absent', () => {
    expectFindings(RULE, (stack) => cfnCluster(stack, { storageEncrypted: undefined }), ['TestStack/Cluster']);
  });

  it('F4: a cluster with Performance Insights on and no Performance Insights key', () => {
    expectFindings(RULE, (stack) => cfnCluster(stack, { performanceInsightsEnabled: true }), ['TestStack/Cluster']);
  });

  it('F5: a cluster with an RDS-managed master password and no key for its secret', () => {
    expectFindings(RULE, (stack) => cfnCluster(stack, { manageMasterUserPassword: true, masterUsername: 'admin' }), ['TestStack/Cluster']);
  });

  it('F6: an Aurora member instance with Performance Insights on and no key (its cluster is fine)', () => {
    expectFindings(
      RULE,
      (stack) => cfnInstance(stack, 'Member', { engine: 'aurora-postgresql', dbClusterIdentifier: cfnCluster(stack).ref, storageEncrypted: undefined, kmsKeyId: undefined, enablePerformanceInsights: true }),
      ['TestStack/Member'],
    );
  });

  it('F7: a DatabaseCluster whose instances have Performance Insights without a key', () => {
    expectFindings(
      RULE,
      (stack) =>
        cluster(stack, {
          storageEncryptionKey: cmk(stack),
          writer: rds.ClusterInstance.serverlessV2('Writer', { enablePerformanceInsights: true, performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT }),
        }),
      ['TestStack/Db/Writer/Resource'],
    );
  });

  it('F8: a standalone instance with no StorageEncrypted', () => {
    expectFindings(RULE, (stack) => cfnInstance(stack, 'Instance', { storageEncrypted: undefined }), ['TestStack/Instance']);
  });

  it('F9: a standalone instance encrypted with aws/rds', () => {
    expectFindings(RULE, (stack) => cfnInstance(stack, 'Instance', { kmsKeyId: 'alias/aws/rds' }), ['TestStack/Instance']);
  });

  it('F10: a standalone DatabaseInstance with default settings', () => {
    expectFindings(
      RULE,
      (stack) =>
        new rds.DatabaseInstance(stack, 'Instance', {
          engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
          vpc: isolatedVpc(stack),
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        }),
      ['TestStack/Instance/Resource'],
    );
  });

  it('F11: a cluster restored from a snapshot without a KmsKeyId', () => {
    expectFindings(RULE, (stack) => cfnCluster(stack, { storageEncrypted: undefined, kmsKeyId: undefined, snapshotIdentifier: 'snap' }), ['TestStack/Cluster']);
  });

  it('F12: a read replica of an instance of the app, with Performance Insights on and no key', () => {
    expectFindings(
      RULE,
      (stack) => cfnInstance(stack, 'Replica', { storageEncrypted: undefined, kmsKeyId: undefined, sourceDbInstanceIdentifier: cfnInstance(stack, 'Source').ref, enablePerformanceInsights: true }),
      ['TestStack/Replica'],
    );
  });

  it('F13: a cross-region read replica that names the AWS-managed key', () => {
    expectFindings(
      RULE,
      (stack) => cfnInstance(stack, 'Replica', { storageEncrypted: undefined, kmsKeyId: 'alias/aws/rds', sourceDbInstanceIdentifier: 'arn:aws:rds:eu-west-1:111111111111:db:source' }),
      ['TestStack/Replica'],
    );
  });

  it('F14: an instance with an RDS-managed master password and no key for its secret', () => {
    expectFindings(RULE, (stack) => cfnInstance(stack, 'Instance', { manageMasterUserPassword: true, masterUsername: 'admin' }), ['TestStack/Instance']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a cluster key from a template parameter', () => {
    expectNotEvaluated(ENC02_RDS_ENCRYPTED_WITH_CMK, (stack) => cfnCluster(stack, { kmsKeyId: parameterRef(stack) }), ['TestStack/Cluster'], /^KmsKeyId \(a parameter\) cannot be evaluated/);
  });

  it('E2: a read replica of an instance outside the app (it takes the source key)', () => {
    expectNotEvaluated(
      ENC02_RDS_ENCRYPTED_WITH_CMK,
      (stack) => cfnInstance(stack, 'Replica', { storageEncrypted: undefined, kmsKeyId: undefined, sourceDbInstanceIdentifier: 'arn:aws:rds:eu-west-3:111111111111:db:elsewhere' }),
      ['TestStack/Replica'],
      /^storage encryption of a read replica whose source is outside the app cannot be evaluated/,
    );
  });

  it('E3: an instance restored from a snapshot (the snapshot key is not in the template)', () => {
    expectNotEvaluated(
      ENC02_RDS_ENCRYPTED_WITH_CMK,
      (stack) => cfnInstance(stack, 'Restored', { storageEncrypted: undefined, kmsKeyId: undefined, dbSnapshotIdentifier: 'snap' }),
      ['TestStack/Restored'],
      /^storage encryption of a DB instance restored from a snapshot \(the snapshot key\) cannot be evaluated/,
    );
  });

  it('E4: StorageEncrypted from a template parameter', () => {
    expectNotEvaluated(
      ENC02_RDS_ENCRYPTED_WITH_CMK,
      (stack) => cfnCluster(stack).addPropertyOverride('StorageEncrypted', parameterRef(stack)),
      ['TestStack/Cluster'],
      /^StorageEncrypted cannot be evaluated/,
    );
  });

  it('E5: a read replica whose source is a resource of the app that is not a DB instance (a cluster)', () => {
    expectNotEvaluated(
      ENC02_RDS_ENCRYPTED_WITH_CMK,
      (stack) => cfnInstance(stack, 'Replica', { storageEncrypted: undefined, kmsKeyId: undefined, sourceDbInstanceIdentifier: cfnCluster(stack).ref }),
      ['TestStack/Replica'],
      /^storage encryption of a read replica whose source is outside the app cannot be evaluated/,
    );
  });

  it('E6: a read replica whose source is a template parameter', () => {
    expectNotEvaluated(
      ENC02_RDS_ENCRYPTED_WITH_CMK,
      (stack) => cfnInstance(stack, 'Replica', { storageEncrypted: undefined, kmsKeyId: undefined, sourceDbInstanceIdentifier: parameterRef(stack) }),
      ['TestStack/Replica'],
      /^SourceDBInstanceIdentifier \(a parameter\) cannot be evaluated/,
    );
  });

  it.each<[string, (stack: Stack) => unknown, string, RegExp]>([
    ['cluster Performance Insights switched by a condition', (stack) => cfnCluster(stack).addPropertyOverride('PerformanceInsightsEnabled', Fn.conditionIf('Pi', true, false)), CLUSTER, /^PerformanceInsightsEnabled cannot/],
    ['cluster Performance Insights key from a parameter', (stack) => cfnCluster(stack, { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: parameterRef(stack) }), CLUSTER, /^PerformanceInsightsKmsKeyId \(a parameter\) cannot/],
    ['instance Performance Insights switched by a condition', (stack) => cfnInstance(stack, 'Db').addPropertyOverride('EnablePerformanceInsights', Fn.conditionIf('Pi', true, false)), INSTANCE, /^EnablePerformanceInsights cannot/],
    ['instance Performance Insights key from a parameter', (stack) => cfnInstance(stack, 'Db', { enablePerformanceInsights: true, performanceInsightsKmsKeyId: parameterRef(stack) }), INSTANCE, /^PerformanceInsightsKMSKeyId \(a parameter\) cannot/],
    ['instance storage encryption from a parameter', (stack) => cfnInstance(stack, 'Db').addPropertyOverride('StorageEncrypted', parameterRef(stack)), INSTANCE, /^StorageEncrypted cannot/],
    ['instance key from a parameter', (stack) => cfnInstance(stack, 'Db', { kmsKeyId: parameterRef(stack) }), INSTANCE, /^KmsKeyId \(a parameter\) cannot/],
    ['managed master password switched by a condition', (stack) => cfnCluster(stack).addPropertyOverride('ManageMasterUserPassword', Fn.conditionIf('Managed', true, false)), CLUSTER, /^ManageMasterUserPassword cannot/],
    [
      'master user secret chosen by a condition',
      (stack) => cfnCluster(stack, { manageMasterUserPassword: true, masterUsername: 'admin' }).addPropertyOverride('MasterUserSecret', Fn.conditionIf('Cmk', { KmsKeyId: KEY_ARN }, Aws.NO_VALUE)),
      CLUSTER,
      /^MasterUserSecret cannot/,
    ],
    [
      'master user secret key from a parameter',
      (stack) => cfnCluster(stack, { manageMasterUserPassword: true, masterUsername: 'admin', masterUserSecret: { kmsKeyId: parameterRef(stack) } }),
      CLUSTER,
      /^MasterUserSecret\.KmsKeyId \(a parameter\) cannot/,
    ],
  ])('E7: %s', (_what, build, path, reason) => {
    expectNotEvaluated(ENC02_RDS_ENCRYPTED_WITH_CMK, build, [path], reason);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it("P1: the platform's HealthDataStore (storage, Performance Insights on cluster and instances, managed password)", () => {
    expectCompliant(RULE, (stack, app) => {
      const keys = secondStack(app);
      new HealthDataStore(stack, 'HealthData', {
        namePrefix: 'hds',
        vpc: isolatedVpc(stack),
        dataSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        dataKey: cmk(keys, 'Data'),
        logsKey: cmk(keys, 'Logs'),
        accessLogs: new s3.Bucket(keys, 'AccessLogs'),
        logRetention: 400,
        minCapacity: 0.5,
        maxCapacity: 2,
        readers: 1,
      });
    });
  });

  it('P2: a DatabaseCluster with storageEncryptionKey and no Performance Insights', () => {
    expectCompliant(RULE, (stack) => cluster(stack, { storageEncryptionKey: cmk(stack), backup: { retention: Duration.days(7) } }));
  });

  it('P3: raw CfnDBCluster and CfnDBInstance with literal keys for storage, Performance Insights and the password secret', () => {
    expectCompliant(RULE, (stack) => {
      cfnCluster(stack, { performanceInsightsEnabled: true, performanceInsightsKmsKeyId: KEY_ARN, manageMasterUserPassword: true, masterUsername: 'admin', masterUserSecret: { kmsKeyId: KEY_ARN } });
      cfnInstance(stack, 'Instance', { enablePerformanceInsights: true, performanceInsightsKmsKeyId: KEY_ARN });
    });
  });

  it('P4: a read replica of an instance of the app, in the same region (RDS uses the source key)', () => {
    expectCompliant(RULE, (stack) => {
      const source = cfnInstance(stack, 'Source');
      cfnInstance(stack, 'Replica', { storageEncrypted: undefined, kmsKeyId: undefined, sourceDbInstanceIdentifier: source.ref });
    });
  });

  it('P5: a cluster restored from a snapshot with a customer-managed KmsKeyId (RDS encrypts the restore with it)', () => {
    expectCompliant(RULE, (stack) => cfnCluster(stack, { storageEncrypted: undefined, snapshotIdentifier: 'snap' }));
  });

  it('P6: clusters restored to a point in time, or replicating another, with a customer-managed KmsKeyId', () => {
    expectCompliant(RULE, (stack) => {
      cfnCluster(stack, { storageEncrypted: undefined, sourceDbClusterIdentifier: 'source-cluster', restoreType: 'copy-on-write' });
      new rds.CfnDBCluster(stack, 'Replica', { engine: 'aurora-postgresql', kmsKeyId: KEY_ARN, replicationSourceIdentifier: 'arn:aws:rds:eu-west-1:111111111111:cluster:source' });
    });
  });

  it('P7: a cross-region read replica that names a customer-managed key (a source outside the app)', () => {
    expectCompliant(RULE, (stack) => cfnInstance(stack, 'Replica', { storageEncrypted: undefined, sourceDbInstanceIdentifier: 'arn:aws:rds:eu-west-1:111111111111:db:source' }));
  });
});
