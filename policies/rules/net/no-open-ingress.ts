import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, asNumber, get } from '../util';
import { AppIndex, isOpenCidr, named, optionalLiteral, ruleCidrs, ruleEntries } from './support';

/** The load balancers of the app whose SecurityGroups refer to the group. */
function loadBalancersOf(index: AppIndex, group: CfnResource): CfnResource[] {
  return index.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').filter((lb) => {
    const groups = asList(index.props(lb).SecurityGroups, `${lb.node.path}: SecurityGroups`);
    return groups.some((g) => index.refOf(g, lb)?.target === group);
  });
}

/** True for an internet-facing load balancer (Scheme absent means internet-facing). */
function isInternetFacing(index: AppIndex, lb: CfnResource): boolean {
  return (optionalLiteral(index.props(lb).Scheme, lb, 'Scheme') ?? 'internet-facing') === 'internet-facing';
}

/** The single TCP port an ingress entry opens, `undefined` for another protocol or a range. */
function singleTcpPort(entry: Record<string, unknown>, node: CfnResource, what: string): number | undefined {
  const protocol = optionalLiteral(typeof entry.IpProtocol === 'number' ? String(entry.IpProtocol) : entry.IpProtocol, node, `${what} IpProtocol`);
  if (protocol !== 'tcp' && protocol !== '6') return undefined;
  const from = asNumber(entry.FromPort, `${node.node.path}: ${what} FromPort`);
  const to = asNumber(entry.ToPort, `${node.node.path}: ${what} ToPort`);
  return from === to ? from : undefined;
}

/** Every action of the list redirects to HTTPS, and there is at least one. */
function onlyRedirectsToHttps(actions: unknown, node: CfnResource, what: string): boolean {
  const list = asList(actions, `${node.node.path}: ${what}`);
  return (
    list.length > 0 &&
    list.every(
      (action, i) =>
        optionalLiteral(get(action, 'Type'), node, `${what}[${i}].Type`) === 'redirect' &&
        optionalLiteral(get(action, 'RedirectConfig', 'Protocol'), node, `${what}[${i}].RedirectConfig.Protocol`) === 'HTTPS',
    )
  );
}

/**
 * True when TCP 80 from the internet only reaches redirects to HTTPS: the load balancers that use the group
 * include an internet-facing one with a listener on port 80, and every listener on port 80 of every one of
 * them (and every rule of such a listener) only redirects to HTTPS. A listener whose LoadBalancerArn is not
 * a reference cannot belong to a load balancer of the app (its ARN is only known once deployed).
 */
function port80OnlyRedirects(index: AppIndex, lbs: readonly CfnResource[]): boolean {
  const listeners = index.ofType('AWS::ElasticLoadBalancingV2::Listener').filter((listener) => {
    const props = index.props(listener);
    return lbs.some((lb) => index.refers(props.LoadBalancerArn, listener, lb)) && asNumber(props.Port, `${listener.node.path}: Port`) === 80;
  });
  const internetFacing = lbs.filter((lb) => isInternetFacing(index, lb));
  if (!listeners.some((listener) => internetFacing.some((lb) => index.refers(index.props(listener).LoadBalancerArn, listener, lb)))) return false;
  return listeners.every((listener) => {
    if (!onlyRedirectsToHttps(index.props(listener).DefaultActions, listener, 'DefaultActions')) return false;
    return index
      .ofType('AWS::ElasticLoadBalancingV2::ListenerRule')
      .filter((rule) => index.refers(index.props(rule).ListenerArn, rule, listener))
      .every((rule) => onlyRedirectsToHttps(index.props(rule).Actions, rule, 'Actions'));
  });
}

/** True when an open ingress entry is one of the two accepted openings of an internet-facing load balancer. */
function isAcceptedOpening(index: AppIndex, entry: Record<string, unknown>, node: CfnResource, what: string, group: () => CfnResource): boolean {
  const port = singleTcpPort(entry, node, what);
  if (port !== 443 && port !== 80) return false;
  const lbs = loadBalancersOf(index, group());
  if (port === 443) return lbs.some((lb) => isInternetFacing(index, lb));
  return port80OnlyRedirects(index, lbs);
}

/**
 * NET-04: no security-group ingress from every address (`CidrIp` or `CidrIpv6` of prefix length 0, e.g.
 * `0.0.0.0/0`, `::/0`), in the `SecurityGroupIngress` of an `AWS::EC2::SecurityGroup` or in an
 * `AWS::EC2::SecurityGroupIngress`, except, on a security group that an internet-facing
 * `AWS::ElasticLoadBalancingV2::LoadBalancer` uses: TCP 443 alone; and TCP 80 alone when it only leads to
 * redirects to HTTPS (an internet-facing load balancer of the group listens on 80, and every port-80 listener
 * of the group's load balancers, and every rule of such a listener, only redirects to HTTPS: ENC-03's
 * HTTP-to-HTTPS redirect needs port 80 open). A CIDR, a port, the group of an open rule, or a listener's
 * port or actions that cannot be evaluated throws. (cdk-nag's EC2RestrictedInbound has no load-balancer exception and
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
      if (isAcceptedOpening(index, entry, node, what, group)) continue;
      return NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.COMPLIANT;
  });
}

export const NET04_NO_OPEN_INGRESS = defineRule({
  name: 'NoOpenIngress',
  control: 'NET-04',
  problem:
    'This security group (or ingress rule) admits traffic from 0.0.0.0/0 or ::/0 other than HTTPS (TCP 443) on an internet-facing load balancer, or HTTP (TCP 80) on one whose port-80 listeners only redirect to HTTPS.',
  fix: 'allow ingress from a security group or the VPC CIDR (Peer.securityGroupId, Peer.ipv4(network.cidrBlock)); only an internet-facing load balancer may open TCP 443 to the internet, and TCP 80 when every port-80 listener only redirects to HTTPS (ListenerAction.redirect({ protocol: "HTTPS", port: "443" })).',
  explanation:
    'ISO 27001 A.8.20 and A.8.22, RGPD art. 32: the only entry from the internet into the platform that hosts health data is HTTPS through a filtered load balancer (NET-05); HTTP is answered only with a redirect to HTTPS (ENC-03).',
  create: () => createNoOpenIngressRule(),
});
