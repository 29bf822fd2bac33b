import { Aws, CfnParameter, Fn, Stack, type App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import type { FixtureBuilder } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG05-DatabaseLogsExported';
const PGAUDIT = { shared_preload_libraries: 'pg_stat_statements,pgaudit', 'pgaudit.log': 'ddl,role,write' };
const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 });

/** An Aurora PostgreSQL cluster built like HealthDataStore builds it, with `props` on top. */
function auroraCluster(stack: Stack, props: Partial<rds.DatabaseClusterProps> = {}): rds.DatabaseCluster {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return new rds.DatabaseCluster(stack, 'Db', {
    engine,
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    parameterGroup: new rds.ParameterGroup(stack, 'Parameters', { engine, parameters: PGAUDIT }),
    cloudwatchLogsExports: ['postgresql'],
    ...props,
  });
}

/** A cluster and its parameter group as a foreign template declares them (raw L1). */
function rawCluster(scope: Construct, props: Partial<rds.CfnDBClusterProps> = {}): rds.CfnDBCluster {
  return new rds.CfnDBCluster(scope, 'Cluster', {
    engine: 'aurora-postgresql',
    storageEncrypted: true,
    enableCloudwatchLogsExports: ['postgresql'],
    ...props,
  });
}

function rawClusterParameters(scope: Construct, parameters: Record<string, string>, name?: string): rds.CfnDBClusterParameterGroup {
  return new rds.CfnDBClusterParameterGroup(scope, 'ClusterParameters', {
    family: 'aurora-postgresql17',
    description: 'pgaudit',
    parameters,
    dbClusterParameterGroupName: name,
  });
}

function rawInstance(scope: Construct, props: Partial<rds.CfnDBInstanceProps>): rds.CfnDBInstance {
  return new rds.CfnDBInstance(scope, 'Instance', {
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    storageEncrypted: true,
    ...props,
  });
}

function dataStack(app: App): Stack {
  return new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-3' } });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an Aurora PostgreSQL cluster that exports no logs', () => {
    expectNonCompliant(RULE, (stack) => auroraCluster(stack, { cloudwatchLogsExports: [] }), ['TestStack/Db/Resource']);
  });

  it('F2: postgresql logs exported, with the default parameter group (no pgaudit)', () => {
    expectNonCompliant(RULE, (stack) => auroraCluster(stack, { parameterGroup: undefined }), ['TestStack/Db/Resource']);
  });

  it('F3: a parameter group that does not load pgaudit', () => {
    expectNonCompliant(
      RULE,
      (stack) => auroraCluster(stack, { parameterGroup: new rds.ParameterGroup(stack, 'NoAudit', { engine, parameters: { 'pgaudit.log': 'all' } }) }),
      ['TestStack/Db/Resource'],
    );
  });

  it('F4: pgaudit loaded but pgaudit.log none (nothing audited), raw L1', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawCluster(stack, { dbClusterParameterGroupName: rawClusterParameters(stack, { ...PGAUDIT, 'pgaudit.log': 'none' }).ref }),
      ['TestStack/Cluster'],
    );
  });

  it('F5: an RDS default parameter group named literally (raw L1)', () => {
    expectNonCompliant(RULE, (stack) => rawCluster(stack, { dbClusterParameterGroupName: 'default.aurora-postgresql17' }), ['TestStack/Cluster']);
  });

  it('F6: a standalone PostgreSQL instance with pgaudit whose logs are not exported', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const group = new rds.CfnDBParameterGroup(stack, 'Parameters', { family: 'postgres17', description: 'pgaudit', parameters: PGAUDIT });
        rawInstance(stack, { engine: 'postgres', dbParameterGroupName: group.ref });
      },
      ['TestStack/Instance'],
    );
  });

  it('F7: an Aurora MySQL cluster that exports error and slow-query logs but not audit', () => {
    expectNonCompliant(RULE, (stack) => rawCluster(stack, { engine: 'aurora-mysql', enableCloudwatchLogsExports: ['error', 'slowquery'] }), ['TestStack/Cluster']);
  });

  it('F8: a raw L1 cluster that names no cluster parameter group (the RDS default)', () => {
    expectNonCompliant(RULE, (stack) => rawCluster(stack), ['TestStack/Cluster']);
  });

  it('F9: a parameter group outside the app cannot be evaluated: an evaluation error, never compliant', () => {
    expectEvaluationError(RULE, (stack) => rawCluster(stack, { dbClusterParameterGroupName: 'shared-postgres-audit' }), 'TestStack/Cluster');
  });

  it('F10: the engine from a template parameter cannot be evaluated: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => rawCluster(stack, { engine: new CfnParameter(stack, 'Engine', { type: 'String' }).valueAsString }), 'TestStack/Cluster');
  });

  it('F11: a named cluster (DBClusterIdentifier is its own name, not a cluster it belongs to) that exports no logs', () => {
    expectNonCompliant(RULE, (stack) => rawCluster(stack, { dbClusterIdentifier: 'records', enableCloudwatchLogsExports: undefined }), ['TestStack/Cluster']);
  });

  it.each<[string, Record<string, string>]>([
    ['pgaudit.log absent (pgaudit loaded, nothing audited)', { shared_preload_libraries: 'pgaudit' }],
    ['pgaudit.log empty', { ...PGAUDIT, 'pgaudit.log': '' }],
    ['pgaudit.log blank', { ...PGAUDIT, 'pgaudit.log': '  ' }],
    ['pgaudit.log " NONE " (RDS trims and ignores case)', { ...PGAUDIT, 'pgaudit.log': ' NONE ' }],
  ])('F12: pgaudit loaded but %s', (_what, parameters) => {
    expectNonCompliant(RULE, (stack) => rawCluster(stack, { dbClusterParameterGroupName: rawClusterParameters(stack, parameters).ref }), ['TestStack/Cluster']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  const unknown = (stack: Stack) => new CfnParameter(stack, 'Unknown', { type: 'String' }).valueAsString;
  /** A raw cluster naming a parameter group of the app built by `group`. */
  const withGroup = (group: (stack: Stack) => rds.CfnDBClusterParameterGroup): FixtureBuilder => (stack) =>
    rawCluster(stack, { dbClusterParameterGroupName: group(stack).ref });
  it.each<[string, FixtureBuilder, string, RegExp]>([
    [
      'a parameter group outside the app',
      (stack) => rawCluster(stack, { dbClusterParameterGroupName: 'shared-postgres-audit' }),
      'TestStack/Cluster',
      /TestStack\/Cluster DBClusterParameterGroupName \(a parameter group outside the app\) cannot be evaluated/,
    ],
    [
      'the parameter group from a template parameter',
      (stack) => rawCluster(stack, { dbClusterParameterGroupName: unknown(stack) }),
      'TestStack/Cluster',
      /TestStack\/Cluster DBClusterParameterGroupName cannot be evaluated/,
    ],
    [
      "the group's Parameters chosen by a condition",
      withGroup((stack) => {
        const group = rawClusterParameters(stack, PGAUDIT);
        group.addPropertyOverride('Parameters', Fn.conditionIf('Audited', PGAUDIT, Aws.NO_VALUE));
        return group;
      }),
      'TestStack/Cluster',
      /TestStack\/ClusterParameters Parameters cannot be evaluated/,
    ],
    [
      'shared_preload_libraries from a template parameter',
      withGroup((stack) => rawClusterParameters(stack, { ...PGAUDIT, shared_preload_libraries: unknown(stack) })),
      'TestStack/Cluster',
      /TestStack\/ClusterParameters Parameters shared_preload_libraries cannot be evaluated/,
    ],
    ['the engine from a template parameter', (stack) => rawCluster(stack, { engine: unknown(stack) }), 'TestStack/Cluster', /TestStack\/Cluster Engine cannot be evaluated/],
    [
      "a standalone instance with no engine (restored from a snapshot, whose engine it inherits)",
      (stack) => rawInstance(stack, { dbSnapshotIdentifier: 'records-snapshot', enableCloudwatchLogsExports: ['postgresql'] }),
      'TestStack/Instance',
      /TestStack\/Instance Engine cannot be evaluated/,
    ],
    [
      'the exported logs chosen by a condition',
      (stack) => rawCluster(stack, { engine: 'aurora-mysql' }).addPropertyOverride('EnableCloudwatchLogsExports', Fn.conditionIf('Exported', ['audit'], Aws.NO_VALUE)),
      'TestStack/Cluster',
      /TestStack\/Cluster EnableCloudwatchLogsExports cannot be evaluated/,
    ],
    [
      'an exported log type from a template parameter',
      (stack) => rawCluster(stack, { engine: 'aurora-mysql', enableCloudwatchLogsExports: [unknown(stack)] }),
      'TestStack/Cluster',
      /TestStack\/Cluster EnableCloudwatchLogsExports cannot be evaluated/,
    ],
  ])('E1: %s: could not be evaluated, and the verbose pack says where', (_what, build, path, reason) => {
    expectEvaluationErrorNaming(RULE, build, path, reason);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: an Aurora PostgreSQL cluster exporting postgresql logs with pgaudit (as HealthDataStore builds it); its instances are not applicable', () => {
    expectCompliant(RULE, (stack) => auroraCluster(stack));
  });

  it('P2: a raw L1 cluster naming, by its literal name, a parameter group of the app in another stack', () => {
    expectCompliant(RULE, (stack, app) => {
      rawClusterParameters(dataStack(app), { SHARED_PRELOAD_LIBRARIES: 'pgaudit', 'pgaudit.log': 'all' }, 'hds-audit-params');
      rawCluster(stack, { dbClusterParameterGroupName: 'hds-audit-params' });
    });
  });

  it('P3: a standalone PostgreSQL instance exporting postgresql logs with pgaudit', () => {
    expectCompliant(RULE, (stack) => {
      const group = new rds.CfnDBParameterGroup(stack, 'Parameters', { family: 'postgres17', description: 'pgaudit', parameters: PGAUDIT });
      rawInstance(stack, { engine: 'postgres', dbParameterGroupName: group.ref, enableCloudwatchLogsExports: ['postgresql', 'upgrade'] });
    });
  });

  it('P4: a MySQL instance and an Aurora MySQL cluster exporting audit logs', () => {
    expectCompliant(RULE, (stack) => {
      rawInstance(stack, { engine: 'mysql', enableCloudwatchLogsExports: ['audit', 'error'] });
      rawCluster(stack, { engine: 'aurora-mysql', enableCloudwatchLogsExports: ['audit'] });
    });
  });

  it('P5: shared_preload_libraries written with spaces after the commas (RDS trims each library name)', () => {
    expectCompliant(RULE, (stack) =>
      rawCluster(stack, { dbClusterParameterGroupName: rawClusterParameters(stack, { shared_preload_libraries: 'pg_stat_statements, pgaudit', 'pgaudit.log': 'all' }).ref }),
    );
  });

  it('P6: an instance inside a cluster, and engines without audit logs of this kind, are not applicable', () => {
    expectCompliant(RULE, (stack) => {
      rawInstance(stack, { engine: 'aurora-postgresql', dbClusterIdentifier: 'some-cluster' });
      new rds.CfnDBInstance(stack, 'SqlServer', { engine: 'sqlserver-ex', dbInstanceClass: 'db.t3.micro', allocatedStorage: '20', storageEncrypted: true });
    });
  });
});
