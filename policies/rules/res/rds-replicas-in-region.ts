import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule, type HdsCheckOptions } from '../rule';
import { UnresolvableValueError, literalText, properties, regionOf } from '../util';
import { referencedRegion, referencesOf, regionVerdict, type ReferencesAt } from './support';

/** RDS resources a source identifier can refer to. */
const RDS_SOURCES = ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'];

/** Properties naming the source a cluster or instance replicates or restores from (a name, or an ARN). */
const SOURCE_IDENTIFIERS: Readonly<Record<string, readonly string[]>> = {
  'AWS::RDS::DBCluster': ['ReplicationSourceIdentifier', 'SourceDBClusterIdentifier'],
  'AWS::RDS::DBInstance': ['SourceDBInstanceIdentifier', 'SourceDBClusterIdentifier', 'SourceDBInstanceAutomatedBackupsArn'],
};

/**
 * The region of a replication source: the stack of the RDS resource of the app it refers to, the region
 * of a literal ARN, or `undefined` for a plain identifier (a source in the same region, which RES-01
 * judges). Throws for anything else (a parameter, an import from outside the app).
 */
function sourceRegion(node: CfnResource, key: string, references: ReferencesAt): string | undefined {
  const value = properties(node)[key];
  if (value === undefined) return undefined;
  const what = `[RES-02] region of ${key} of ${node.node.path}`;
  const referenced = referencedRegion(references([key]), RDS_SOURCES, what);
  if (referenced !== undefined) return referenced;
  const text = literalText(value, node, what);
  return text.startsWith('arn:') ? regionOf(text, node, what) : undefined;
}

/**
 * True when a DB cluster is a member of a global cluster: `GlobalClusterIdentifier` refers to a resource
 * of the app, or is a non-empty literal. Throws when it is neither (a parameter, a condition).
 */
function isGlobalMember(node: CfnResource, identifier: unknown, references: ReferencesAt): boolean {
  if (identifier === undefined) return false;
  if (references(['GlobalClusterIdentifier']).length > 0) return true;
  return literalText(identifier, node, `[RES-02] GlobalClusterIdentifier of ${node.node.path}`) !== '';
}

/**
 * RES-02: no RDS data replicated across the allow-list. Non-compliant: a global cluster
 * (`AWS::RDS::GlobalCluster`, whose members span regions), a DB cluster that is a member of one
 * (`GlobalClusterIdentifier` set), a cluster or instance whose `SourceRegion`, or whose replication or
 * restore source (a cross-region read replica: source identifier given as an ARN), is outside the
 * allowed regions. A value the rule cannot read is reported as not evaluated.
 */
function createRdsReplicasRule(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const rule = (node: CfnResource): NagRuleResult => {
    const type = node.cfnResourceType;
    if (type === 'AWS::RDS::GlobalCluster') return NagRuleCompliance.NON_COMPLIANT;
    if (type !== 'AWS::RDS::DBCluster' && type !== 'AWS::RDS::DBInstance') return NagRuleCompliance.NOT_APPLICABLE;
    const props = properties(node);
    const path = node.node.path;
    const references = referencesOf(node);
    let membership: UnresolvableValueError | undefined;
    try {
      if (type === 'AWS::RDS::DBCluster' && isGlobalMember(node, props.GlobalClusterIdentifier, references)) {
        return NagRuleCompliance.NON_COMPLIANT;
      }
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      membership = error;
    }
    const checks = [
      () => (props.SourceRegion === undefined ? undefined : regionOf(props.SourceRegion, node, `[RES-02] SourceRegion of ${path}`)),
      ...SOURCE_IDENTIFIERS[type].map((key) => () => sourceRegion(node, key, references)),
    ];
    const verdict = regionVerdict(checks, options);
    // A definite finding first; then an unreadable membership is "not evaluated", never compliant.
    if (verdict === NagRuleCompliance.NON_COMPLIANT || membership === undefined) return verdict;
    throw membership;
  };
  return Object.defineProperty(rule, 'name', { value: 'RdsReplicasInRegion' });
}

export const RES02_RDS_REPLICAS_IN_REGION = defineRule({
  name: 'RdsReplicasInRegion',
  control: 'RES-02',
  problem:
    'This database is a global cluster or a member of one, or a cross-region replica (or restore) whose source region is outside the allowed regions or cannot be known at synth.',
  fix: 'do not use Aurora global databases; create read replicas and restores only from sources in allowed regions (a source of the app, or a literal ARN in an allowed region); copy data across regions with AWS Backup copy actions to an allowed region instead.',
  explanation:
    'HDS v2 EXI 28 and 31, RGPD art. 44-46, ISO 27001 A.5.23: a replica is a full copy of the database and stays in the HDS-certified EEA regions the deployment allows; a global cluster can add secondary regions outside the template.',
  create: (options) => createRdsReplicasRule(options),
});
