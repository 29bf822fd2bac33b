import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { appResourcesIndex, markedProperties, onlyReference, textOf } from './support';

interface LoggingIndex {
  /** Construct paths of the web ACLs a logging configuration of the app refers to. */
  readonly logged: ReadonlySet<string>;
  readonly unevaluable: readonly string[];
}

/**
 * LOG-05: every WAFv2 web ACL has a logging configuration (`AWS::WAFv2::LoggingConfiguration`) in the app
 * whose ResourceArn refers to it. A configuration whose ResourceArn cannot be evaluated covers nothing;
 * when no evaluable one covers a web ACL and one could not be evaluated, the rule throws.
 */
function createWafLogging(): (node: CfnResource) => NagRuleResult {
  const app = appResourcesIndex();
  const cache = new WeakMap<IConstruct, LoggingIndex>();
  const loggingOf = (node: IConstruct): LoggingIndex => {
    const root = node.node.root;
    let found = cache.get(root);
    if (!found) {
      const logged = new Set<string>();
      const unevaluable: string[] = [];
      for (const configuration of app(node).ofType('AWS::WAFv2::LoggingConfiguration')) {
        try {
          const text = textOf(markedProperties(configuration).ResourceArn, configuration, `${configuration.node.path} ResourceArn`);
          const reference = onlyReference(text);
          // A literal ARN cannot name a web ACL of the app: its id is only known once deployed.
          if (reference?.attribute === 'Arn') logged.add(reference.path);
        } catch (error) {
          if (!(error instanceof UnresolvableValueError)) throw error;
          unevaluable.push(error.message);
        }
      }
      found = { logged, unevaluable };
      cache.set(root, found);
    }
    return found;
  };
  return (node) => {
    if (node.cfnResourceType !== 'AWS::WAFv2::WebACL') return NagRuleCompliance.NOT_APPLICABLE;
    const { logged, unevaluable } = loggingOf(node);
    if (logged.has(node.node.path)) return NagRuleCompliance.COMPLIANT;
    if (unevaluable.length > 0) throw new Error(`[LOG-05] WAF logging could not be evaluated: ${unevaluable.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  };
}

export const LOG05_WAF_LOGGING = defineRule({
  name: 'WafLogging',
  control: 'LOG-05',
  problem: 'This WAF web ACL has no logging configuration: the requests it allows and blocks are not traced.',
  fix: 'add a wafv2.CfnLoggingConfiguration with resourceArn: webAcl.attrArn and logDestinationConfigs: an encrypted log group named aws-waf-logs-* (or a bucket of the log archive).',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15 and A.8.16: every request filtered at the internet entry points (NET-05) is traced.',
  create: () => createWafLogging(),
});
