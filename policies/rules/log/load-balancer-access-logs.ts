import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, get, properties } from '../util';
import { asObject, literalBoolean, literalString } from './support';

/**
 * LOG-05: an application load balancer (and a classic one) writes access logs to S3. Network and gateway
 * load balancers are not applicable (no HTTP access logs).
 *
 * cdk-nag's ELBLoggingEnabled is not reused: it reads the L1 attributes (an override that turns logging
 * off passes), matches them with a regular expression over JSON text, and flags network and gateway load
 * balancers too.
 */
function loadBalancerAccessLogs(node: CfnResource): NagRuleResult {
  const what = (name: string) => `${node.node.path} ${name}`;
  const props = properties(node);
  if (node.cfnResourceType === 'AWS::ElasticLoadBalancing::LoadBalancer') {
    const policy = asObject(props.AccessLoggingPolicy, what('AccessLoggingPolicy'));
    return literalBoolean(policy.Enabled, what('AccessLoggingPolicy Enabled')) === true ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  }
  if (node.cfnResourceType !== 'AWS::ElasticLoadBalancingV2::LoadBalancer') return NagRuleCompliance.NOT_APPLICABLE;
  const type = literalString(props.Type, what('Type')) ?? 'application';
  if (type !== 'application') return NagRuleCompliance.NOT_APPLICABLE;
  const enabled = asList(props.LoadBalancerAttributes, what('LoadBalancerAttributes')).some(
    (attribute) =>
      literalString(get(attribute, 'Key'), what('LoadBalancerAttributes Key')) === 'access_logs.s3.enabled' &&
      literalBoolean(get(attribute, 'Value'), what('access_logs.s3.enabled')) === true,
  );
  return enabled ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const LOG05_LOAD_BALANCER_ACCESS_LOGS = defineRule({
  name: 'LoadBalancerAccessLogs',
  control: 'LOG-05',
  problem: 'This application (or classic) load balancer does not write access logs.',
  fix: 'call loadBalancer.logAccessLogs(bucket, prefix) with a bucket of the log archive (access_logs.s3.enabled = true).',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15: every request reaching the platform from outside is logged with its source, time and outcome.',
  create: () => loadBalancerAccessLogs,
});
