import { Fn, type App, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HealthDataStore } from '../../../lib/constructs/health-data-store';
import { ENC03_RDS_FORCE_SSL } from '../../../policies/rules/enc/rds-force-ssl';
import { expectCompliant, expectFindings } from '../support';
import { expectNonCompliant } from './hds-fixtures';
import { cmk, expectNotEvaluated, parameterRef, secondStack, verdictOf } from './enc-fixtures';

const RULE = 'HDS-ENC03-RdsForceSsl';
const ENGINE = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 });

function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

function cluster(stack: Stack, parameters?: Record<string, string>): rds.DatabaseCluster {
  return new rds.DatabaseCluster(stack, 'Db', {
    engine: ENGINE,
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc: isolatedVpc(stack),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    parameters,
  });
}

function clusterGroup(stack: Stack, parameters: Record<string, unknown>, name?: string): rds.CfnDBClusterParameterGroup {
  return new rds.CfnDBClusterParameterGroup(stack, 'Group', { family: 'aurora-postgresql16', description: 'fixture', parameters, dbClusterParameterGroupName: name });
}

function instanceGroup(stack: Stack, parameters: Record<string, unknown>, name?: string): rds.CfnDBParameterGroup {
  return new rds.CfnDBParameterGroup(stack, 'InstanceGroup', { family: 'postgres16', description: 'fixture', parameters, dbParameterGroupName: name });
}

function cfnInstance(stack: Stack, group?: string, engine = 'postgres'): rds.CfnDBInstance {
  return new rds.CfnDBInstance(stack, 'Instance', { engine, dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', dbParameterGroupName: group });
}

function cfnCluster(stack: Stack, group?: string, engine = 'aurora-postgresql'): rds.CfnDBCluster {
  return new rds.CfnDBCluster(stack, 'Cluster', { engine, dbClusterParameterGroupName: group });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an Aurora PostgreSQL DatabaseCluster with the default parameter group', () => {
    expectNonCompliant(RULE, (stack) => cluster(stack), ['TestStack/Db/Resource']);
  });

  it('F2: a DatabaseCluster whose parameters do not set rds.force_ssl', () => {
    expectNonCompliant(RULE, (stack) => cluster(stack, { log_connections: '1' }), ['TestStack/Db/Resource']);
  });

  it('F3: a DatabaseCluster with rds.force_ssl 0', () => {
    expectNonCompliant(RULE, (stack) => cluster(stack, { 'rds.force_ssl': '0' }), ['TestStack/Db/Resource']);
  });

  it('F4: a raw CfnDBCluster naming a default.* group', () => {
    expectFindings(RULE, (stack) => cfnCluster(stack, 'default.aurora-postgresql16'), ['TestStack/Cluster']);
  });

  it('F5: a raw Multi-AZ DB cluster (engine postgres) referencing a group with rds.force_ssl 0 (a number)', () => {
    expectNonCompliant(RULE, (stack) => cfnCluster(stack, clusterGroup(stack, { 'rds.force_ssl': 0 }).ref, 'postgres'), ['TestStack/Cluster']);
  });

  it('F6: a standalone PostgreSQL instance with no parameter group', () => {
    expectNonCompliant(
      RULE,
      (stack) => new rds.CfnDBInstance(stack, 'Instance', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' }),
      ['TestStack/Instance'],
    );
  });

  it('F7: a raw cluster naming literally a group of the stack that does not force TLS', () => {
    expectFindings(
      RULE,
      (stack) => {
        clusterGroup(stack, { 'rds.force_ssl': '0' }, 'hds-tls');
        cfnCluster(stack, 'HDS-TLS');
      },
      ['TestStack/Cluster'],
    );
  });

  it('F8: a raw cluster with a name of its own (DBClusterIdentifier) and the default parameter group', () => {
    expectFindings(RULE, (stack) => cfnCluster(stack).addPropertyOverride('DBClusterIdentifier', 'hds-data'), ['TestStack/Cluster']);
  });

  it('F9: a standalone instance whose engine is written in upper case (POSTGRES), with no parameter group', () => {
    expectFindings(RULE, (stack) => cfnInstance(stack, undefined, 'POSTGRES'), ['TestStack/Instance']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a parameter group named literally that is not in the app', () => {
    expectNotEvaluated(ENC03_RDS_FORCE_SSL, (stack) => cfnCluster(stack, 'shared-tls-group'), ['TestStack/Cluster'], /^DBClusterParameterGroupName \(a parameter group outside the app\) cannot/);
  });

  it('E2: a parameter group from a template parameter', () => {
    expectNotEvaluated(ENC03_RDS_FORCE_SSL, (stack) => cfnCluster(stack, parameterRef(stack)), ['TestStack/Cluster'], /^DBClusterParameterGroupName \(a parameter\) cannot/);
  });

  it('E3: an engine from a template parameter', () => {
    expectNotEvaluated(ENC03_RDS_FORCE_SSL, (stack) => cfnCluster(stack, undefined, parameterRef(stack)), ['TestStack/Cluster'], /^Engine cannot/);
  });

  it('E4: rds.force_ssl from a template parameter', () => {
    expectNotEvaluated(ENC03_RDS_FORCE_SSL, (stack) => cfnCluster(stack, clusterGroup(stack, { 'rds.force_ssl': parameterRef(stack) }).ref), ['TestStack/Cluster'], /^rds\.force_ssl cannot/);
  });

  it('E5: parameters of the group chosen by a condition', () => {
    expectNotEvaluated(
      ENC03_RDS_FORCE_SSL,
      (stack) => cfnCluster(stack, clusterGroup(stack, Fn.conditionIf('Strict', { 'rds.force_ssl': '1' }, { 'rds.force_ssl': '0' }) as never).ref),
      ['TestStack/Cluster'],
      /^Parameters of TestStack\/Group cannot/,
    );
  });

  it('E6: an instance with no Engine (restored from a snapshot: the engine of the snapshot)', () => {
    expectNotEvaluated(
      ENC03_RDS_FORCE_SSL,
      (stack) => new rds.CfnDBInstance(stack, 'Instance', { dbInstanceClass: 'db.t4g.micro', dbSnapshotIdentifier: 'snap' }),
      ['TestStack/Instance'],
      /^Engine \(absent: the engine of a snapshot or source\) cannot/,
    );
  });

  it('E7: a cluster that refers to a DB (instance) parameter group', () => {
    expectNotEvaluated(
      ENC03_RDS_FORCE_SSL,
      (stack) => cfnCluster(stack, instanceGroup(stack, { 'rds.force_ssl': '1' }).ref),
      ['TestStack/Cluster'],
      /^DBClusterParameterGroupName \(refers to TestStack\/InstanceGroup, not an AWS::RDS::DBClusterParameterGroup\) cannot/,
    );
  });

  it.each<[string, (stack: Stack, app: App) => void]>([
    ['a DB (instance) parameter group', (stack) => void instanceGroup(stack, { 'rds.force_ssl': '1' }, 'hds-tls')],
    ['a cluster parameter group of another stack', (_stack, app) => void clusterGroup(secondStack(app, 'Other'), { 'rds.force_ssl': '1' }, 'hds-tls')],
  ])('E8: a cluster naming literally a group that only %s has', (_what, group) => {
    expectNotEvaluated(
      ENC03_RDS_FORCE_SSL,
      (stack, app) => {
        group(stack, app);
        cfnCluster(stack, 'hds-tls');
      },
      ['TestStack/Cluster'],
      /^DBClusterParameterGroupName \(a parameter group outside the app\) cannot/,
    );
  });

  it('E10: a literal name, while the only group of the stack has no name of its own (CloudFormation names it)', () => {
    expectNotEvaluated(
      ENC03_RDS_FORCE_SSL,
      (stack) => {
        clusterGroup(stack, { 'rds.force_ssl': '1' });
        cfnCluster(stack, 'hds-tls');
      },
      ['TestStack/Cluster'],
      /^DBClusterParameterGroupName \(a parameter group outside the app\) cannot/,
    );
  });

  it('E9: a group of the stack named by a parameter (a literal name cannot be matched to it)', () => {
    expectNotEvaluated(
      ENC03_RDS_FORCE_SSL,
      (stack) => {
        clusterGroup(stack, { 'rds.force_ssl': '1' }, parameterRef(stack));
        cfnCluster(stack, 'hds-tls');
      },
      ['TestStack/Cluster'],
      /^DBClusterParameterGroupName cannot/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a DatabaseCluster with rds.force_ssl 1', () => {
    expectCompliant(RULE, (stack) => cluster(stack, { 'rds.force_ssl': '1' }));
  });

  it("P2: the platform's HealthDataStore", () => {
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
        readers: 0,
      });
    });
  });

  it('P3: a raw cluster naming literally (in another case) a group of the stack with rds.force_ssl 1 (a number)', () => {
    expectCompliant(RULE, (stack) => {
      clusterGroup(stack, { 'rds.force_ssl': 1 }, 'hds-tls');
      cfnCluster(stack, 'HDS-TLS');
    });
  });

  it('P4: a standalone instance with a DB parameter group that forces TLS', () => {
    expectCompliant(RULE, (stack) => {
      const group = new rds.CfnDBParameterGroup(stack, 'Group', { family: 'postgres16', description: 'fixture', parameters: { 'rds.force_ssl': '1' } });
      new rds.CfnDBInstance(stack, 'Instance', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', dbParameterGroupName: group.ref });
    });
  });

  it('P6: a standalone instance naming literally a DB parameter group of the stack that forces TLS', () => {
    expectCompliant(RULE, (stack) => {
      instanceGroup(stack, { 'rds.force_ssl': '1' }, 'hds-instance-tls');
      cfnInstance(stack, 'hds-instance-tls');
    });
  });

  it('P5: MySQL clusters and Aurora member instances are not applicable', () => {
    expect(verdictOf(ENC03_RDS_FORCE_SSL, (stack) => cfnCluster(stack, undefined, 'aurora-mysql'), 'TestStack/Cluster')).toBeUndefined();
    expect(verdictOf(ENC03_RDS_FORCE_SSL, (stack) => cluster(stack), 'TestStack/Db/Writer/Resource')).toBeUndefined();
    expect(verdictOf(ENC03_RDS_FORCE_SSL, (stack) => cluster(stack), 'TestStack/Db/Resource')).toBe('Non-Compliant');
  });
});
