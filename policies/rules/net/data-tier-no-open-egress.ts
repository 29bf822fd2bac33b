import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList } from '../util';
import { AppIndex, isOpenCidr, isPlainText, named, ruleCidrs, ruleEntries } from './support';

/**
 * True when the security group lets traffic out to every address: an inline egress rule or an
 * `AWS::EC2::SecurityGroupEgress` of the group to a CIDR of prefix length 0, or no inline egress rule at
 * all (EC2 then keeps its default allow-all egress rule, which separate egress resources do not remove;
 * CDK's `allowAllOutbound: false` writes a placeholder rule to 255.255.255.255/32 for that reason).
 * Throws when an egress resource open to every address names its group by a value that cannot be evaluated.
 */
function allowsOpenEgress(index: AppIndex, group: CfnResource): boolean {
  const inline = ruleEntries(index.props(group).SecurityGroupEgress, group, 'SecurityGroupEgress');
  if (inline.length === 0) return true;
  if (inline.some((entry, i) => ruleCidrs(entry, group, `SecurityGroupEgress[${i}]`).some(isOpenCidr))) return true;
  return index.ofType('AWS::EC2::SecurityGroupEgress').some((egress) => {
    const props = index.props(egress);
    if (!ruleCidrs(props, egress, 'egress').some(isOpenCidr)) return false;
    const ref = index.refOf(props.GroupId, egress);
    if (ref) return ref.target === group;
    // A literal id names a group outside the app (the ids of the app's groups are not known at synth).
    if (isPlainText(props.GroupId)) return false;
    return index.resourceOf(props.GroupId, egress, 'AWS::EC2::SecurityGroup', 'GroupId') === group;
  });
}

/**
 * The security groups of a database: `VpcSecurityGroupIds` of a cluster, `VPCSecurityGroups` of an instance
 * (CloudFormation spells them differently). A read replica with none inherits those of its source instance.
 * Throws for a group that is not a resource of the app, or a replica whose source is not in the app.
 */
function securityGroupsOf(index: AppIndex, node: CfnResource): CfnResource[] {
  const props = index.props(node);
  const key = node.cfnResourceType === 'AWS::RDS::DBCluster' ? 'VpcSecurityGroupIds' : 'VPCSecurityGroups';
  const ids = asList(props[key], `${node.node.path}: ${key}`);
  if (ids.length === 0 && node.cfnResourceType === 'AWS::RDS::DBInstance' && props.SourceDBInstanceIdentifier !== undefined) {
    const source = index.resourceOf(props.SourceDBInstanceIdentifier, node, 'AWS::RDS::DBInstance', 'SourceDBInstanceIdentifier');
    return source === node ? [] : securityGroupsOf(index, source);
  }
  return ids.map((id) => index.resourceOf(id, node, 'AWS::EC2::SecurityGroup', `${key} entry`));
}

/**
 * NET-04: no open egress from the data tier. Every security group of an `AWS::RDS::DBCluster` or a
 * standalone `AWS::RDS::DBInstance` (an instance of a cluster uses the cluster's) is a group of the app that does not allow egress to 0.0.0.0/0 or ::/0. A database with no security
 * group is in its VPC's default group (allow-all egress unless emptied, in which case nothing can reach
 * the database either): non-compliant. A group that is not a resource of the app cannot be evaluated
 * (throws). Reported on the database.
 */
function createDataTierNoOpenEgressRule() {
  const indexOf = AppIndex.cache();
  return named('DataTierNoOpenEgress', (node: CfnResource): NagRuleResult => {
    const type = node.cfnResourceType;
    if (type !== 'AWS::RDS::DBCluster' && type !== 'AWS::RDS::DBInstance') return NagRuleCompliance.NOT_APPLICABLE;
    const index = indexOf(node);
    const props = index.props(node);
    if (type === 'AWS::RDS::DBInstance' && props.DBClusterIdentifier !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const groups = securityGroupsOf(index, node);
    if (groups.length === 0) return NagRuleCompliance.NON_COMPLIANT;
    return groups.some((g) => allowsOpenEgress(index, g)) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  });
}

export const NET04_DATA_TIER_NO_OPEN_EGRESS = defineRule({
  name: 'DataTierNoOpenEgress',
  control: 'NET-04',
  problem:
    'This database has no security group of its own, or one of its security groups allows egress to 0.0.0.0/0 or ::/0 (an explicit rule, or no egress rule at all: the EC2 default allows all).',
  fix: 'give the database a security group created with allowAllOutbound: false (and allowAllIpv6Outbound: false), and open only the flows it needs to specific peers.',
  explanation:
    'ISO 27001 A.8.20 and A.8.22, RGPD art. 32: a database holding health data cannot send it anywhere; open egress is the path of an exfiltration.',
  create: () => createDataTierNoOpenEgressRule(),
});
