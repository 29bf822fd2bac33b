import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { AppIndex, asBoolean, named, readable, subnetExposure, subnetsOf } from './support';

/**
 * The DB subnet group a database is placed in: a reference to a group of the app, or the literal name of
 * one. `undefined` when it has none (RDS then uses the default VPC, whose subnets are public). Throws for
 * a group that is not a resource of the app.
 */
function subnetGroupOf(index: AppIndex, node: CfnResource, value: unknown): CfnResource | undefined {
  if (value === undefined) return undefined;
  const ref = index.refOf(value, node);
  if (ref?.target.cfnResourceType === 'AWS::RDS::DBSubnetGroup') return ref.target;
  if (typeof value === 'string' && !ref) {
    const byName = index
      .ofType('AWS::RDS::DBSubnetGroup')
      .find((g) => String(index.props(g).DBSubnetGroupName ?? '').toLowerCase() === value.toLowerCase());
    if (byName) return byName;
  }
  throw new UnresolvableValueError(`${node.node.path}: DBSubnetGroupName (not a DB subnet group of the app)`, readable(value));
}

/**
 * NET-01: the data tier is unreachable from the internet.
 * - `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` (Multi-AZ DB clusters have the property too):
 *   `PubliclyAccessible` is not true. A database with no subnet group of its own (a standalone instance or
 *   a cluster without `DBSubnetGroupName`) lands in the default VPC, whose subnets are public: non-compliant.
 *   An instance of a cluster uses the cluster's subnet group, a read replica with none its source's (a
 *   source that is not an instance of the app cannot be evaluated).
 * - `AWS::RDS::DBSubnetGroup`: every subnet is a subnet of the app that is isolated: no public IP
 *   auto-assignment, and no route (any destination) through an internet, NAT, egress-only internet or
 *   carrier gateway. A subnet id that is not a subnet of the app cannot be evaluated (the rule throws).
 */
function createDataNotPublicRule() {
  const indexOf = AppIndex.cache();
  return named('DataNotPublic', (node: CfnResource): NagRuleResult => {
    const type = node.cfnResourceType;
    if (type !== 'AWS::RDS::DBInstance' && type !== 'AWS::RDS::DBCluster' && type !== 'AWS::RDS::DBSubnetGroup') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const index = indexOf(node);
    const props = index.props(node);
    if (type === 'AWS::RDS::DBSubnetGroup') {
      const exposed = subnetsOf(index, props.SubnetIds, node, 'SubnetIds').some((subnet) => {
        const exposure = subnetExposure(index, subnet);
        return exposure.mapsPublicIp || exposure.internetRoutes.length > 0;
      });
      return exposed ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
    }
    if (asBoolean(props.PubliclyAccessible, node, 'PubliclyAccessible') === true) return NagRuleCompliance.NON_COMPLIANT;
    if (type === 'AWS::RDS::DBInstance' && props.DBClusterIdentifier !== undefined) return NagRuleCompliance.COMPLIANT;
    if (subnetGroupOf(index, node, props.DBSubnetGroupName) !== undefined) return NagRuleCompliance.COMPLIANT;
    if (type === 'AWS::RDS::DBInstance' && props.SourceDBInstanceIdentifier !== undefined) {
      // A read replica of an instance of the app, in its region, shares the subnet group of its source.
      index.resourceOf(props.SourceDBInstanceIdentifier, node, 'AWS::RDS::DBInstance', 'SourceDBInstanceIdentifier');
      return NagRuleCompliance.COMPLIANT;
    }
    return NagRuleCompliance.NON_COMPLIANT;
  });
}

export const NET01_DATA_NOT_PUBLIC = defineRule({
  name: 'DataNotPublic',
  control: 'NET-01',
  problem:
    'This database is publicly accessible or outside a subnet group of the app (the default VPC is public), or this DB subnet group has a subnet that is not isolated (public IP auto-assignment, or a route to an internet, NAT or egress-only gateway).',
  fix: 'keep publiclyAccessible false and place databases in the PrivateNetwork data subnets (vpcSubnets: network.dataSubnets, SubnetType.PRIVATE_ISOLATED); give a CfnDBInstance or CfnDBCluster a DBSubnetGroupName of isolated subnets.',
  explanation:
    'ISO 27001 A.8.20 and A.8.22, RGPD art. 32, HDS v2 (security of the hosted data): the data tier that holds health data is segregated from the internet, with no public address and no route out.',
  create: () => createDataNotPublicRule(),
});
