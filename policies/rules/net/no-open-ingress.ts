import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, asNumber } from '../util';
import { AppIndex, isOpenCidr, named, optionalLiteral, ruleCidrs, ruleEntries } from './support';

/** True when an internet-facing load balancer of the app (Scheme absent means internet-facing) uses the group. */
function onInternetFacingLoadBalancer(index: AppIndex, group: CfnResource): boolean {
  return index.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').some((lb) => {
    const props = index.props(lb);
    const groups = asList(props.SecurityGroups, `${lb.node.path}: SecurityGroups`);
    if (!groups.some((g) => index.refOf(g, lb)?.target === group)) return false;
    return (optionalLiteral(props.Scheme, lb, 'Scheme') ?? 'internet-facing') === 'internet-facing';
  });
}

/** The one accepted opening: HTTPS (TCP 443 exactly) on the security group of an internet-facing load balancer. */
function isHttpsOnly(entry: Record<string, unknown>, node: CfnResource, what: string): boolean {
  const protocol = optionalLiteral(typeof entry.IpProtocol === 'number' ? String(entry.IpProtocol) : entry.IpProtocol, node, `${what} IpProtocol`);
  if (protocol !== 'tcp' && protocol !== '6') return false;
  return asNumber(entry.FromPort, `${node.node.path}: ${what} FromPort`) === 443 && asNumber(entry.ToPort, `${node.node.path}: ${what} ToPort`) === 443;
}

/**
 * NET-04: no security-group ingress from every address (`CidrIp` or `CidrIpv6` of prefix length 0, e.g.
 * `0.0.0.0/0`, `::/0`), in the `SecurityGroupIngress` of an `AWS::EC2::SecurityGroup` or in an
 * `AWS::EC2::SecurityGroupIngress`, except TCP 443 alone on a security group that an internet-facing
 * `AWS::ElasticLoadBalancingV2::LoadBalancer` uses. A CIDR, a port or the group of an open rule that
 * cannot be evaluated throws. (cdk-nag's EC2RestrictedInbound has no load-balancer exception and
 * EC2RestrictedCommonPorts checks a few ports only: neither fits.)
 */
function createNoOpenIngressRule() {
  const indexOf = AppIndex.cache();
  return named('NoOpenIngress', (node: CfnResource): NagRuleResult => {
    const index = indexOf(node);
    let rules: { entry: Record<string, unknown>; what: string; group: () => CfnResource }[];
    if (node.cfnResourceType === 'AWS::EC2::SecurityGroup') {
      rules = ruleEntries(index.props(node).SecurityGroupIngress, node, 'SecurityGroupIngress').map((entry, i) => ({
        entry,
        what: `SecurityGroupIngress[${i}]`,
        group: () => node,
      }));
    } else if (node.cfnResourceType === 'AWS::EC2::SecurityGroupIngress') {
      const entry = index.props(node);
      rules = [{ entry, what: 'ingress', group: () => index.resourceOf(entry.GroupId, node, 'AWS::EC2::SecurityGroup', 'GroupId') }];
    } else {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    for (const { entry, what, group } of rules) {
      if (!ruleCidrs(entry, node, what).some(isOpenCidr)) continue;
      if (isHttpsOnly(entry, node, what) && onInternetFacingLoadBalancer(index, group())) continue;
      return NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.COMPLIANT;
  });
}

export const NET04_NO_OPEN_INGRESS = defineRule({
  name: 'NoOpenIngress',
  control: 'NET-04',
  problem: 'This security group (or ingress rule) admits traffic from 0.0.0.0/0 or ::/0 other than HTTPS on an internet-facing load balancer.',
  fix: 'allow ingress from a security group or the VPC CIDR (Peer.securityGroupId, Peer.ipv4(network.cidrBlock)); only an internet-facing load balancer may open TCP 443 to the internet.',
  explanation:
    'ISO 27001 A.8.20 and A.8.22, RGPD art. 32: the only entry from the internet into the platform that hosts health data is HTTPS through a filtered load balancer (NET-05).',
  create: () => createNoOpenIngressRule(),
});
