import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, properties, UnresolvableValueError } from '../util';
import { appResourcesIndex, asObject, judge, literalString, markedProperties, referencedResource, type AppResources } from './support';

const POSTGRES_ENGINES: ReadonlySet<string> = new Set(['postgres', 'aurora-postgresql']);
const MYSQL_ENGINES: ReadonlySet<string> = new Set(['mysql', 'mariadb', 'aurora-mysql', 'aurora']);

/** Where a cluster or a standalone instance names its parameter group, and what that group is. */
const PARAMETER_GROUPS: Readonly<Record<string, { property: string; type: string; nameProperty: string }>> = {
  'AWS::RDS::DBCluster': {
    property: 'DBClusterParameterGroupName',
    type: 'AWS::RDS::DBClusterParameterGroup',
    nameProperty: 'DBClusterParameterGroupName',
  },
  'AWS::RDS::DBInstance': {
    property: 'DBParameterGroupName',
    type: 'AWS::RDS::DBParameterGroup',
    nameProperty: 'DBParameterGroupName',
  },
};

/** A parameter's literal value, looked up as RDS does (names are case-insensitive). */
function parameter(parameters: Record<string, unknown>, name: string, what: string): string | undefined {
  const key = Object.keys(parameters).find((k) => k.toLowerCase() === name);
  if (key === undefined) return undefined;
  const value = parameters[key];
  if (typeof value === 'number') return String(value);
  return literalString(value, `${what} ${name}`);
}

/**
 * Whether the parameter group a PostgreSQL database names loads pgaudit and sets what it logs. No group, or
 * an RDS default group (`default.*`, which cannot be changed), does not; a group outside the app cannot be
 * judged at synth: throws.
 */
function loadsPgaudit(node: CfnResource, app: AppResources): boolean {
  const { property, type, nameProperty } = PARAMETER_GROUPS[node.cfnResourceType];
  const what = `${node.node.path} ${property}`;
  const value = markedProperties(node)[property];
  if (value === undefined) return false;
  if (typeof value === 'string' && value.toLowerCase().startsWith('default.')) return false;
  const found = referencedResource(value, node, app, type, nameProperty, what);
  if (!found) throw new UnresolvableValueError(`${what} (a parameter group outside the app)`, value);
  const groupWhat = `${found.resource.node.path} Parameters`;
  const parameters = asObject(properties(found.resource).Parameters, groupWhat);
  const libraries = parameter(parameters, 'shared_preload_libraries', groupWhat) ?? '';
  const classes = (parameter(parameters, 'pgaudit.log', groupWhat) ?? '').trim().toLowerCase();
  const loaded = libraries.split(',').some((library) => library.trim().toLowerCase() === 'pgaudit');
  return loaded && classes !== '' && classes !== 'none';
}

/**
 * LOG-05: an Aurora cluster or a standalone RDS instance exports its audit logs to CloudWatch Logs:
 * PostgreSQL exports `postgresql` and loads pgaudit through its parameter group (`shared_preload_libraries`
 * contains pgaudit, `pgaudit.log` set); MySQL and MariaDB export `audit`. A DB instance of a cluster is not
 * applicable (the cluster exports), nor are other engines.
 *
 * cdk-nag's RDSLoggingEnabled is not reused: it asks for other log types (error, general, slow query,
 * upgrade), never looks at pgaudit, and reads L1 attributes (overrides are missed).
 */
function createDatabaseLogsExported(): (node: CfnResource) => NagRuleResult {
  const app = appResourcesIndex();
  return (node) => {
    if (!PARAMETER_GROUPS[node.cfnResourceType]) return NagRuleCompliance.NOT_APPLICABLE;
    const props = properties(node);
    if (node.cfnResourceType === 'AWS::RDS::DBInstance' && props.DBClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const engineValue = literalString(props.Engine, `${node.node.path} Engine`);
    // A DB instance restored from a snapshot or replicating another inherits an engine the template does not say.
    if (engineValue === undefined) throw new UnresolvableValueError(`${node.node.path} Engine`, props.Engine);
    const engine = engineValue.toLowerCase();
    const exports = (log: string) => () =>
      asList(props.EnableCloudwatchLogsExports, `${node.node.path} EnableCloudwatchLogsExports`)
        .map((entry) => literalString(entry, `${node.node.path} EnableCloudwatchLogsExports`))
        .includes(log);
    if (POSTGRES_ENGINES.has(engine)) return judge([exports('postgresql'), () => loadsPgaudit(node, app(node))]);
    if (MYSQL_ENGINES.has(engine)) return judge([exports('audit')]);
    return NagRuleCompliance.NOT_APPLICABLE;
  };
}

export const LOG05_DATABASE_LOGS_EXPORTED = defineRule({
  name: 'DatabaseLogsExported',
  control: 'LOG-05',
  problem:
    'This database does not export its audit logs: PostgreSQL must export postgresql logs and load pgaudit (shared_preload_libraries, pgaudit.log) through its own parameter group; MySQL and MariaDB must export audit logs.',
  fix: 'use HealthDataStore, or set cloudwatchLogsExports ["postgresql"] and a ParameterGroup with shared_preload_libraries including pgaudit and pgaudit.log (e.g. "ddl,role,write"); for MySQL export "audit".',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15, PGSSI-S imputabilité: statements that change health data, schemas and privileges are traced with the database user who ran them.',
  create: () => createDatabaseLogsExported(),
});
