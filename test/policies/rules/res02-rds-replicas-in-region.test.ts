import { Aws, Fn, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { RES02_RDS_REPLICAS_IN_REGION } from '../../../policies/rules/res/rds-replicas-in-region';
import {
  ACCOUNT,
  PARIS_ONLY,
  REFUSED_REGIONS,
  expectCompliantResources,
  expectEvaluationError,
  expectNonCompliant,
  expectNotApplicable,
  parameterRef,
  stackIn,
  verboseDescription,
} from './res-fixtures';

const RULE = RES02_RDS_REPLICAS_IN_REGION;

const instanceArn = (region: string) => `arn:aws:rds:${region}:${ACCOUNT}:db:source`;
const clusterArn = (region: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:source`;

/** A raw L1 DB instance (a read replica when `props` name a source), as a foreign template declares it. */
function rawInstance(stack: Stack, props: Partial<rds.CfnDBInstanceProps> = {}, id = 'Replica'): rds.CfnDBInstance {
  return new rds.CfnDBInstance(stack, id, { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', storageEncrypted: true, ...props });
}

/** A raw L1 Aurora cluster. */
function rawCluster(stack: Stack, props: Partial<rds.CfnDBClusterProps> = {}, id = 'Cluster'): rds.CfnDBCluster {
  return new rds.CfnDBCluster(stack, id, { engine: 'aurora-postgresql', storageEncrypted: true, ...props });
}

/** A standalone PostgreSQL instance and a read replica of it (L2), in the same stack. */
function instanceWithReadReplica(stack: Stack): void {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const source = new rds.DatabaseInstance(stack, 'Source', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  new rds.DatabaseInstanceReadReplica(stack, 'ReadReplica', {
    sourceDatabaseInstance: source,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
}

describe(`HDS-${RULE.id}: failing fixtures`, () => {
  it('F1: a global cluster (AWS::RDS::GlobalCluster), even in an allowed region', () => {
    expectNonCompliant(RULE, (stack) => void new rds.CfnGlobalCluster(stack, 'Global', { engine: 'aurora-postgresql' }), ['TestStack/Global']);
  });

  it('F2: a DB cluster that is a member of a global cluster of the app (a reference), and the global cluster', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const global = new rds.CfnGlobalCluster(stack, 'Global', { engine: 'aurora-postgresql' });
        rawCluster(stack, { globalClusterIdentifier: global.ref });
      },
      ['TestStack/Cluster', 'TestStack/Global'],
    );
  });

  it('F3: a DB cluster that joins a global cluster by a literal identifier', () => {
    expectNonCompliant(RULE, (stack) => void rawCluster(stack, { globalClusterIdentifier: 'hds-global' }), ['TestStack/Cluster']);
  });

  it.each(REFUSED_REGIONS)('F4: a DB instance that reads from a source whose literal ARN is in %s (a cross-region read replica)', (region) => {
    expectNonCompliant(RULE, (stack) => void rawInstance(stack, { sourceDbInstanceIdentifier: instanceArn(region) }), ['TestStack/Replica']);
  });

  it.each(REFUSED_REGIONS)('F5: a DB cluster whose replication source is a cluster ARN in %s', (region) => {
    expectNonCompliant(RULE, (stack) => void rawCluster(stack, { replicationSourceIdentifier: clusterArn(region) }), ['TestStack/Cluster']);
  });

  it('F6: SourceRegion us-east-1 on a DB instance, and eu-west-2 on a DB cluster', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawInstance(stack, { sourceDbInstanceIdentifier: 'source', sourceRegion: 'us-east-1' });
        rawCluster(stack, { sourceRegion: 'eu-west-2' });
      },
      ['TestStack/Cluster', 'TestStack/Replica'],
    );
  });

  it('F7: a source ARN built with Fn::Join and AWS::Region, for a read replica in a stack in eu-central-2', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => {
        const zurich = stackIn(app, 'Zurich', 'eu-central-2');
        rawInstance(zurich, { sourceDbInstanceIdentifier: Fn.join(':', ['arn', Aws.PARTITION, 'rds', Aws.REGION, Aws.ACCOUNT_ID, 'db', 'source']) });
      },
      ['Zurich/Replica'],
    );
  });

  it('F8: a SourceRegion written Fn::Sub ${AWS::Region}, in a stack in eu-west-2', () => {
    expectNonCompliant(RULE, (_stack, app) => void rawCluster(stackIn(app, 'London', 'eu-west-2'), { sourceRegion: Fn.sub('${AWS::Region}') }), [
      'London/Cluster',
    ]);
  });

  it('F9: a restore from replicated automated backups in us-east-1, and a Multi-AZ cluster replica of a cluster in eu-central-2', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawInstance(stack, { sourceDbInstanceAutomatedBackupsArn: `arn:aws:rds:us-east-1:${ACCOUNT}:auto-backup:ab-1` }, 'Restored');
        rawInstance(stack, { sourceDbClusterIdentifier: clusterArn('eu-central-2') });
      },
      ['TestStack/Replica', 'TestStack/Restored'],
    );
  });

  it('F10: a source in eu-west-1, an HDS region, when the deployment allows only eu-west-3', () => {
    expectNonCompliant(RULE, (stack) => void rawInstance(stack, { sourceDbInstanceIdentifier: instanceArn('eu-west-1') }), ['TestStack/Replica'], PARIS_ONLY);
  });

  it('F11: an unreadable global cluster identifier beside a source in us-east-1 is reported as non-compliant, not as an evaluation error', () => {
    expect(verboseDescription(RULE, (stack) => void rawCluster(stack, { globalClusterIdentifier: parameterRef(stack), sourceRegion: 'us-east-1' }))).toMatch(
      /^\[RES-02\] This database/,
    );
  });
});

describe(`HDS-${RULE.id}: fixtures that cannot be evaluated`, () => {
  it('E1: a read replica whose source identifier is a template parameter', () => {
    expectEvaluationError(RULE, (stack) => void rawInstance(stack, { sourceDbInstanceIdentifier: parameterRef(stack) }), 'TestStack/Replica');
  });

  it('E2: a SourceRegion given by a template parameter', () => {
    expectEvaluationError(RULE, (stack) => void rawCluster(stack, { sourceRegion: parameterRef(stack) }), 'TestStack/Cluster');
  });

  it('E3: a global cluster identifier given by a template parameter (it may be empty, or not)', () => {
    expectEvaluationError(RULE, (stack) => void rawCluster(stack, { globalClusterIdentifier: parameterRef(stack) }), 'TestStack/Cluster');
  });

  it('E4: Fn::Sub with ${AWS::Region} in an environment-agnostic stack', () => {
    expectEvaluationError(RULE, (_stack, app) => void rawCluster(stackIn(app, 'Unpinned', undefined), { sourceRegion: Fn.sub('${AWS::Region}') }), 'Unpinned/Cluster');
  });

  it('E5: the reason is in the description when the pack is verbose', () => {
    expect(verboseDescription(RULE, (stack) => void rawInstance(stack, { sourceDbInstanceIdentifier: parameterRef(stack) }))).toMatch(
      /^Rule threw an error during validation\. \[RES-02\] region of SourceDBInstanceIdentifier of TestStack\/Replica cannot be evaluated/,
    );
  });
});

describe(`HDS-${RULE.id}: passing fixtures`, () => {
  it('P1: a standalone instance and a cluster (no source, no global cluster)', () => {
    expectCompliantResources(
      RULE,
      (stack) => {
        rawInstance(stack, {}, 'Instance');
        rawCluster(stack);
      },
      ['TestStack/Cluster', 'TestStack/Instance'],
    );
  });

  it('P2: a read replica (L2) of an instance in the same stack (a reference to the source)', () => {
    expectCompliantResources(RULE, instanceWithReadReplica, ['TestStack/ReadReplica/Resource', 'TestStack/Source/Resource']);
  });

  it('P3: sources given by plain identifiers (same region), by ARNs in eu-west-1, and SourceRegion eu-central-1', () => {
    expectCompliantResources(
      RULE,
      (stack) => {
        rawInstance(stack, { sourceDbInstanceIdentifier: 'source' }, 'ByName');
        rawInstance(stack, { sourceDbInstanceIdentifier: instanceArn('eu-west-1') }, 'ByArn');
        rawCluster(stack, { replicationSourceIdentifier: clusterArn('eu-central-1'), sourceRegion: 'eu-central-1' });
      },
      ['TestStack/ByArn', 'TestStack/ByName', 'TestStack/Cluster'],
    );
  });

  it('P4: a source ARN built with Fn::Sub and ${AWS::Region}, in eu-west-3; an empty global cluster identifier', () => {
    expectCompliantResources(
      RULE,
      (stack) => {
        rawInstance(stack, { sourceDbInstanceIdentifier: Fn.sub('arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:source') });
        rawCluster(stack, { globalClusterIdentifier: '' });
      },
      ['TestStack/Cluster', 'TestStack/Replica'],
    );
  });

  it('P5: a subnet group is not a database (not applicable)', () => {
    expectNotApplicable(
      RULE,
      (stack) => void new rds.CfnDBSubnetGroup(stack, 'Subnets', { dbSubnetGroupDescription: 'data', subnetIds: ['subnet-1', 'subnet-2'] }),
    );
  });
});
