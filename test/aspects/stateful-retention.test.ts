import { Aspects, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { StatefulResourcesRetained } from '../../lib/aspects/stateful-retention';
import { testApp, testStack } from '../support/app';

const fixFor = (type: string) =>
  type === 'AWS::RDS::DBCluster'
    ? 'Pass removalPolicy: RemovalPolicy\\.RETAIN or RemovalPolicy\\.SNAPSHOT to the construct that creates it'
    : 'Pass removalPolicy: RemovalPolicy\\.RETAIN to the construct that creates it';

/**
 * With the pinned flag `@aws-cdk/core:annotationsInValidationReport`, an error annotation makes
 * synth throw under jest (NODE_ENV=test) before `Annotations.fromStack` can read it: let synth
 * write the report instead, as `cdk synth` does.
 */
function app() {
  return testApp({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
}

/** A stack checked by the aspect, as the platform applies it. */
function checkedStack(): Stack {
  const stack = testStack(app());
  Aspects.of(stack).add(new StatefulResourcesRetained());
  return stack;
}

function errorsOf(stack: Stack) {
  return Annotations.fromStack(stack).findError('*', Match.anyValue());
}

/** Stateful resources built with their L2 (or L1 for the cluster, to need no VPC), given a removal policy. */
const STATEFUL: ReadonlyArray<[string, string, (stack: Stack, policy: RemovalPolicy) => void]> = [
  ['AWS::S3::Bucket', '/TestStack/Bucket/Resource', (stack, policy) => new s3.Bucket(stack, 'Bucket', { removalPolicy: policy })],
  ['AWS::KMS::Key', '/TestStack/Key/Resource', (stack, policy) => new kms.Key(stack, 'Key', { removalPolicy: policy })],
  ['AWS::Logs::LogGroup', '/TestStack/Logs/Resource', (stack, policy) => new logs.LogGroup(stack, 'Logs', { removalPolicy: policy })],
  [
    'AWS::RDS::DBCluster',
    '/TestStack/Cluster',
    (stack, policy) => new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql' }).applyRemovalPolicy(policy),
  ],
];

describe.each(STATEFUL)('%s', (type, path, create) => {
  it('with RemovalPolicy.DESTROY gets an error naming the type, both policies and the fix', () => {
    const stack = checkedStack();
    create(stack, RemovalPolicy.DESTROY);
    Annotations.fromStack(stack).hasError(
      path,
      Match.stringLikeRegexp(
        `^${type} holds data, keys or traces and must be retained: DeletionPolicy is Delete, UpdateReplacePolicy is Delete\\. ${fixFor(type)}`,
      ),
    );
    expect(errorsOf(stack)).toHaveLength(1);
  });

  it('with RemovalPolicy.RETAIN gets no error', () => {
    const stack = checkedStack();
    create(stack, RemovalPolicy.RETAIN);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  it('with RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE gets no error', () => {
    const stack = checkedStack();
    create(stack, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });
});

describe('partial retention', () => {
  it('names only the policy that loses data (DeletionPolicy Retain, UpdateReplacePolicy Delete)', () => {
    const stack = checkedStack();
    const bucket = new s3.Bucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.RETAIN });
    (bucket.node.defaultChild as s3.CfnBucket).cfnOptions.updateReplacePolicy = undefined;
    Annotations.fromStack(stack).hasError(
      '/TestStack/Bucket/Resource',
      Match.stringLikeRegexp('must be retained: UpdateReplacePolicy is Delete\\. Pass'),
    );
  });

  it('an L1 stateful resource with no policy at all is flagged', () => {
    const stack = checkedStack();
    new sns.CfnTopic(stack, 'Topic');
    new s3.CfnBucket(stack, 'RawBucket');
    Annotations.fromStack(stack).hasError(
      '/TestStack/RawBucket',
      Match.stringLikeRegexp('^AWS::S3::Bucket holds data.*DeletionPolicy is Delete, UpdateReplacePolicy is Delete'),
    );
    expect(errorsOf(stack)).toHaveLength(1);
  });
});

describe('resources that are not flagged', () => {
  it('a non-stateful resource (SNS topic) with RemovalPolicy.DESTROY gets no error', () => {
    const stack = checkedStack();
    const topic = new sns.Topic(stack, 'Topic');
    topic.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  it('an Aurora DB instance (with DBClusterIdentifier) with RemovalPolicy.DESTROY gets no error', () => {
    const stack = checkedStack();
    const cluster = new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql' });
    cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const instance = new rds.CfnDBInstance(stack, 'Writer', {
      dbClusterIdentifier: cluster.ref,
      dbInstanceClass: 'db.serverless',
      engine: 'aurora-postgresql',
    });
    instance.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  it('but a standalone DB instance (no DBClusterIdentifier) with RemovalPolicy.DESTROY is flagged', () => {
    const stack = checkedStack();
    const instance = new rds.CfnDBInstance(stack, 'Standalone', { dbInstanceClass: 'db.t4g.micro', engine: 'postgres' });
    instance.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Annotations.fromStack(stack).hasError(
      '/TestStack/Standalone',
      Match.stringLikeRegexp('^AWS::RDS::DBInstance holds data, keys or traces and must be retained: DeletionPolicy is Delete'),
    );
  });

  it('the instances of an L2 Aurora cluster are not flagged, only the cluster when it is not retained', () => {
    const stack = checkedStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new rds.DatabaseCluster(stack, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      readers: [rds.ClusterInstance.serverlessV2('Reader', { scaleWithWriter: true })],
      removalPolicy: RemovalPolicy.DESTROY,
      storageEncrypted: true,
    });
    const errors = errorsOf(stack);
    // The cluster and its (unretained) secret hold data; the two instances do not.
    expect(errors.map((e) => e.id).sort()).toEqual(['/TestStack/Db/Resource', '/TestStack/Db/Secret/Resource']);
    expect(errors.map((e) => e.id)).not.toContain('/TestStack/Db/Writer/Resource');
  });

  it('nothing is reported when the aspect is not applied (the errors above come from it)', () => {
    const stack = testStack(app());
    new s3.Bucket(stack, 'Bucket', { removalPolicy: RemovalPolicy.DESTROY });
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });
});

describe('databases may keep a final snapshot instead', () => {
  // BUG: DESIGN.md ("Stateful resources are never lost") allows RemovalPolicy.RETAIN *or SNAPSHOT*
  // for databases, and SNAPSHOT is the aws-cdk-lib default of rds.DatabaseCluster; the aspect only
  // accepts Retain / RetainExceptOnCreate, so a snapshotted Aurora cluster is reported as an error.
  it('an Aurora cluster with RemovalPolicy.SNAPSHOT is accepted', () => {
    const stack = checkedStack();
    new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql' }).applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });
});
