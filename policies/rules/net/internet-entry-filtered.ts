import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, get } from '../util';
import { AppIndex, literal, named, optionalLiteral } from './support';

/** An internet entry point, and how to recognise the `ResourceArn` of a web ACL association that protects it. */
interface Entry {
  /**
   * True when an association's ResourceArn designates the entry. Only a reference can: the ARN of a
   * resource of the app holds an id that is not known at synth, so a literal or a parameter names
   * something else.
   */
  readonly isArnOf: (arn: unknown, association: CfnResource) => boolean;
  /** Set when the rule cannot tell whether the entry faces the internet (its REST API is not in the app). */
  readonly exposureUnknown?: string;
}

/**
 * A REST API stage: its ARN (`arn:aws:apigateway:<region>::/restapis/<api id>/stages/<name>`) refers to
 * the `AWS::ApiGateway::Stage` itself (CDK's `stage.stageArn`), or to its REST API followed by its literal
 * stage name. `undefined` when the API is private (no internet entry).
 */
function restStage(index: AppIndex, node: CfnResource, stage: CfnResource | undefined, props: Record<string, unknown>): Entry | undefined {
  const name = optionalLiteral(props.StageName, node, 'StageName');
  const api = index.refOf(props.RestApiId, node)?.target;
  if (api?.cfnResourceType === 'AWS::ApiGateway::RestApi') {
    const types = asList(get(index.props(api), 'EndpointConfiguration', 'Types'), `${api.node.path}: EndpointConfiguration.Types`);
    if (types.some((t) => literal(t, api, 'EndpointConfiguration.Types') === 'PRIVATE')) return undefined;
  }
  return {
    isArnOf: (arn, association) => {
      const refs = index.refsIn(arn, association).map((r) => r.target);
      if (stage && refs.includes(stage)) return true;
      if (api === undefined || name === undefined || !refs.includes(api)) return false;
      return index.text(arn, association, 'ResourceArn').endsWith(`/stages/${name}`);
    },
    exposureUnknown: api ? undefined : `${node.node.path}: RestApiId is not a REST API of the app`,
  };
}

const ENTRY_TYPES = new Set(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment']);

/** The internet entry point a resource is, `undefined` when it is none. */
function entryOf(index: AppIndex, node: CfnResource): Entry | undefined {
  if (!ENTRY_TYPES.has(node.cfnResourceType)) return undefined;
  const props = index.props(node);
  switch (node.cfnResourceType) {
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
      // CloudFormation defaults: an application load balancer, internet-facing.
      if ((optionalLiteral(props.Type, node, 'Type') ?? 'application') !== 'application') return undefined;
      if ((optionalLiteral(props.Scheme, node, 'Scheme') ?? 'internet-facing') !== 'internet-facing') return undefined;
      return { isArnOf: (arn, association) => index.refsIn(arn, association).some((r) => r.target === node) };
    }
    case 'AWS::ApiGateway::Stage':
      return restStage(index, node, node, props);
    case 'AWS::ApiGateway::Deployment':
      // A deployment with a StageName creates that stage.
      return props.StageName === undefined ? undefined : restStage(index, node, undefined, props);
    default:
      return undefined;
  }
}

/** Rule actions that stop a request (Count and Allow do not). */
const STOPPING = ['Block', 'Captcha', 'Challenge'];

/**
 * True when the web ACL is regional, has an AWS managed rule group that is enforced (not overridden to
 * Count), a rate-based rule that stops requests, and a logging configuration with a destination.
 */
function isFilteringAcl(index: AppIndex, acl: CfnResource): boolean {
  const props = index.props(acl);
  if (literal(props.Scope, acl, 'Scope') !== 'REGIONAL') return false;
  const rules = asList(props.Rules, `${acl.node.path}: Rules`).map((r) => (r ?? {}) as Record<string, unknown>);
  const managed = rules.some((rule) => {
    const group = get(rule, 'Statement', 'ManagedRuleGroupStatement');
    if (group === undefined) return false;
    return literal(get(group, 'VendorName'), acl, 'ManagedRuleGroupStatement.VendorName') === 'AWS' && get(rule, 'OverrideAction', 'Count') === undefined;
  });
  const rateLimited = rules.some((rule) => {
    if (get(rule, 'Statement', 'RateBasedStatement') === undefined) return false;
    const action = get(rule, 'Action');
    // Rendered properties keep the struct's unset fields as undefined values: look at the values.
    return STOPPING.some((a) => get(action, a) !== undefined);
  });
  const logged = index.ofType('AWS::WAFv2::LoggingConfiguration').some((logging) => {
    const l = index.props(logging);
    return index.refers(l.ResourceArn, logging, acl) && asList(l.LogDestinationConfigs, `${logging.node.path}: LogDestinationConfigs`).length > 0;
  });
  return managed && rateLimited && logged;
}

/**
 * NET-05: every internet entry point is filtered by AWS WAF. An internet-facing application load balancer
 * (CloudFormation's defaults: Type application, Scheme internet-facing), a stage of a REST API that is not
 * private (`AWS::ApiGateway::Stage`, or a `AWS::ApiGateway::Deployment` with a StageName, which creates the
 * stage), has an `AWS::WAFv2::WebACLAssociation` whose ResourceArn designates it, to a web ACL of the app
 * with Scope REGIONAL, an AWS managed rule group (VendorName AWS, not overridden to Count), a rate-based
 * rule that blocks (or challenges), and an `AWS::WAFv2::LoggingConfiguration`. An `AWS::ApiGatewayV2::Stage`
 * (HTTP or WebSocket API) is always non-compliant: AWS WAF cannot be associated with those APIs. An
 * association or web ACL that cannot be evaluated makes the rule throw when nothing else filters the entry.
 */
function createInternetEntryFilteredRule() {
  const indexOf = AppIndex.cache();
  return named('InternetEntryFiltered', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType === 'AWS::ApiGatewayV2::Stage') return NagRuleCompliance.NON_COMPLIANT;
    if (!ENTRY_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const index = indexOf(node);
    const entry = entryOf(index, node);
    if (!entry) return NagRuleCompliance.NOT_APPLICABLE;
    const unevaluable: string[] = entry.exposureUnknown ? [entry.exposureUnknown] : [];
    for (const association of index.ofType('AWS::WAFv2::WebACLAssociation')) {
      const props = index.props(association);
      try {
        if (!entry.isArnOf(props.ResourceArn, association)) continue;
        const acl = index.resourceOf(props.WebACLArn, association, 'AWS::WAFv2::WebACL', 'WebACLArn');
        if (isFilteringAcl(index, acl)) return NagRuleCompliance.COMPLIANT;
      } catch (error) {
        unevaluable.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (unevaluable.length > 0) throw new Error(`[NET-05] WAF protection could not be evaluated: ${unevaluable.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  });
}

export const NET05_INTERNET_ENTRY_FILTERED = defineRule({
  name: 'InternetEntryFiltered',
  control: 'NET-05',
  problem:
    'This internet entry point (internet-facing application load balancer, REST or HTTP API stage) is not protected by a logged regional AWS WAF web ACL with an enforced AWS managed rule group and a blocking rate-based rule.',
  fix: 'associate (wafv2.CfnWebACLAssociation) a REGIONAL web ACL with an AWS managed rule group (e.g. AWSManagedRulesCommonRuleSet, override None), a RateBasedStatement rule with a Block action, and a CfnLoggingConfiguration; WAF cannot protect an API Gateway HTTP/WebSocket API: use a REST API, or acknowledge with the compensating control.',
  explanation:
    'ISO 27001 A.8.20 and A.8.21, RGPD art. 32, HDS v2 (protection against attacks on the hosted service): every request from the internet to a platform holding health data is filtered against common exploits and floods, and the filtering is logged.',
  create: () => createInternetEntryFilteredRule(),
});
