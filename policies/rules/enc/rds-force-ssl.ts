import { CfnResource, Stack } from 'aws-cdk-lib';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { asString, at, isIntrinsic, type RenderedResource, renderingCache, resourceRule } from './support';

/** Engines of the PostgreSQL family, where `rds.force_ssl` refuses clear-text connections. */
const POSTGRES_ENGINES: ReadonlySet<string> = new Set(['aurora-postgresql', 'postgres']);

/** Where the TLS setting lives: the cluster parameter group, or, for a standalone instance, its parameter group. */
const SETTINGS: Readonly<Record<string, { property: string; groupType: string; nameProperty: string }>> = {
  'AWS::RDS::DBCluster': {
    property: 'DBClusterParameterGroupName',
    groupType: 'AWS::RDS::DBClusterParameterGroup',
    nameProperty: 'DBClusterParameterGroupName',
  },
  'AWS::RDS::DBInstance': {
    property: 'DBParameterGroupName',
    groupType: 'AWS::RDS::DBParameterGroup',
    nameProperty: 'DBParameterGroupName',
  },
};

function forcesSsl(group: RenderedResource): boolean {
  const value = at(group.properties, ['Parameters', 'rds.force_ssl'], `Parameters of ${group.node.node.path}`);
  if (value === undefined) return false;
  if (value === 1 || value === '1') return true;
  if (typeof value === 'number' || (typeof value === 'string' && !isIntrinsic(value))) return false;
  throw new UnresolvableValueError('rds.force_ssl', value);
}

function createRdsForceSsl() {
  const render = renderingCache();
  return resourceRule('RdsForceSsl', Object.keys(SETTINGS), (db) => {
    const p = db.properties;
    const type = db.node.cfnResourceType;
    // Aurora members take the TLS setting from their cluster, which this rule judges.
    if (type === 'AWS::RDS::DBInstance' && p.DBClusterIdentifier !== undefined) return undefined;
    const engine = asString(p.Engine, 'Engine');
    if (engine === undefined) throw new UnresolvableValueError('Engine (absent: the engine of a snapshot or source)', engine);
    if (!POSTGRES_ENGINES.has(engine.toLowerCase())) return undefined;
    const setting = SETTINGS[type];
    const value = p[setting.property];
    // No parameter group: the engine default, where rds.force_ssl is not 1 (or not visible at synth).
    if (value === undefined) return false;
    const group = db.designate(value, setting.property);
    if ('target' in group) {
      const element = group.target.element;
      if (!(element instanceof CfnResource) || element.cfnResourceType !== setting.groupType) {
        throw new UnresolvableValueError(`${setting.property} (refers to ${element.node.path}, not an ${setting.groupType})`, value);
      }
      return forcesSsl(render(element));
    }
    const name = group.text.toLowerCase();
    if (name.startsWith('default.')) return false;
    // A group named literally: one of the app's, in the same stack (RDS lower-cases names), or unknown.
    const stack = Stack.of(db.node);
    const named = stack.node
      .findAll()
      .filter((c): c is CfnResource => c instanceof CfnResource && c.cfnResourceType === setting.groupType && Stack.of(c) === stack)
      .map(render)
      .find((g) => asString(g.properties[setting.nameProperty], setting.nameProperty)?.toLowerCase() === name);
    if (!named) throw new UnresolvableValueError(`${setting.property} (a parameter group outside the app)`, value);
    return forcesSsl(named);
  });
}

/**
 * ENC-03, PostgreSQL databases: a PostgreSQL-family cluster (Aurora PostgreSQL, Multi-AZ DB cluster) or
 * standalone instance uses a parameter group of the app that sets `rds.force_ssl` to 1. The engine default
 * (no group, or a `default.*` one) fails: its value depends on the engine version and is not evidence.
 * A group outside the app cannot be evaluated.
 */
export const ENC03_RDS_FORCE_SSL = defineRule({
  name: 'RdsForceSsl',
  control: 'ENC-03',
  problem: 'This PostgreSQL database does not force TLS: its parameter group is the default one or does not set rds.force_ssl to 1.',
  fix: "pass a parameterGroup (rds.ParameterGroup) with parameters { 'rds.force_ssl': '1' } to the cluster or instance (HealthDataStore does).",
  explanation:
    'HDS v2 EXI 05, ISO 27001 A.8.24 and RGPD art. 32: connections that carry health data are encrypted; the database refuses clear-text clients instead of trusting each one to ask for TLS.',
  create: () => createRdsForceSsl(),
});
