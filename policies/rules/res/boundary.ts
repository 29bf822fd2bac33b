import { CfnResource, StringConcat, Token } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { GLOBAL_SERVICE_ACTIONS } from '../../guardrails/region-deny';
import { defineRule, type HdsCheckOptions, type RuleFunction } from '../rule';
import { get, INDEX_MARK, literalText, rendered, renderedIndexed, statements, UnresolvableValueError } from '../util';

const MARK = INDEX_MARK;

const MANAGED_POLICY = 'AWS::IAM::ManagedPolicy';

/** What a boundary is: a managed policy of the app, or a value the rule cannot look into. */
type Boundary = { readonly policy: CfnResource } | { readonly unknown: unknown } | undefined;

function boundaryOf(role: CfnResource): Boundary {
  // A reference to a construct (a `Ref` or `Fn::GetAtt`, in this stack or another one) becomes a marker: resolved,
  // it would be an expression (or a cross-stack import) that no longer says which policy it is.
  const { resource, targets } = renderedIndexed(role, (t) => t.target, new StringConcat());
  const value = get(resource, 'Properties', 'PermissionsBoundary');
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const whole = new RegExp(`^${MARK}(\\d+)${MARK}$`).exec(value);
    if (whole) {
      const target = targets[Number(whole[1])];
      return CfnResource.isCfnResource(target) && target.cfnResourceType === MANAGED_POLICY ? { policy: target } : { unknown: target.node.path };
    }
    if (value.includes(MARK)) return { unknown: value.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_m, i: string) => `<${targets[Number(i)].node.path}>`) };
  }
  // An ARN spelled out (CDK's `PermissionsBoundary.fromName`, a foreign template): a policy of the app if its name matches.
  let arn: string;
  try {
    arn = literalText(value, role, 'PermissionsBoundary');
  } catch {
    return { unknown: value };
  }
  const policy = policyNamed(role, arn);
  return policy ? { policy } : { unknown: arn };
}

/** The managed policy of the app whose literal path and name make up `arn` (`arn:aws:iam::<account>:policy/<path><name>`). */
function policyNamed(scope: IConstruct, arn: string): CfnResource | undefined {
  const match = /^arn:[^:]+:iam::([^:]*):policy(\/.*)$/.exec(arn);
  if (!match) return undefined;
  return scope.node.root.node.findAll().find((c): c is CfnResource => {
    if (!CfnResource.isCfnResource(c) || c.cfnResourceType !== MANAGED_POLICY) return false;
    const props = rendered(c).Properties ?? {};
    const name = props.ManagedPolicyName;
    const path = props.Path ?? '/';
    return typeof name === 'string' && typeof path === 'string' && `${path}${name}` === match[2] && !Token.isUnresolved(name);
  });
}

type Verdict = { readonly compliant: boolean } | { readonly error: string };

/**
 * The region deny of RES-03 in a policy: a Deny of everything but the reviewed global services
 * (`NotAction` within GLOBAL_SERVICE_ACTIONS), on every resource, whose only condition is
 * `StringNotEquals aws:RequestedRegion` with allowed regions.
 */
function judgePolicy(policy: CfnResource, allowed: ReadonlySet<string>): Verdict {
  const document = rendered(policy).Properties?.PolicyDocument;
  let list;
  try {
    list = statements(document);
  } catch (error) {
    return { error: `${policy.node.path}: ${(error as Error).message}` };
  }
  const raw = get(document, 'Statement') as Record<string, unknown>[];
  const reviewed = new Set(GLOBAL_SERVICE_ACTIONS);
  let unevaluable: string | undefined;
  for (const [i, s] of list.entries()) {
    if (s.Effect !== 'Deny' || s.Action.length > 0 || s.NotAction.length === 0) continue;
    if (!s.NotAction.every((a) => reviewed.has(a))) continue;
    if (raw[i].NotResource !== undefined || !s.Resource.includes('*')) continue;
    const operators = Object.entries(s.Condition ?? {});
    if (operators.length !== 1 || operators[0][0] !== 'StringNotEquals') continue;
    const keys = Object.entries(operators[0][1] ?? {});
    if (keys.length !== 1 || keys[0][0].toLowerCase() !== 'aws:requestedregion') continue;
    const value = keys[0][1];
    const regions = Array.isArray(value) ? value : [value];
    if (!regions.every((r) => typeof r === 'string')) {
      unevaluable = `${policy.node.path}: aws:RequestedRegion ${JSON.stringify(value)} is not a literal list of regions`;
      continue;
    }
    if (regions.length > 0 && regions.every((r) => allowed.has(r as string))) return { compliant: true };
  }
  return unevaluable ? { error: unevaluable } : { compliant: false };
}

function createRoleBoundedRule(options: HdsCheckOptions): RuleFunction {
  const allowed = new Set(options.allowedRegions);
  const verdicts = new Map<CfnResource, Verdict>();
  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;
    const boundary = boundaryOf(node);
    if (boundary === undefined) return NagRuleCompliance.NON_COMPLIANT;
    if ('unknown' in boundary) {
      throw new UnresolvableValueError(`[RES-03] permissions boundary of ${node.node.path} (not a managed policy of this app)`, boundary.unknown);
    }
    let verdict = verdicts.get(boundary.policy);
    if (!verdict) {
      verdict = judgePolicy(boundary.policy, allowed);
      verdicts.set(boundary.policy, verdict);
    }
    if ('error' in verdict) throw new Error(`[RES-03] permissions boundary could not be evaluated: ${verdict.error}`);
    return verdict.compliant ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'RoleBounded' });
}

/**
 * RES-03: every IAM role has a permissions boundary that is a managed policy of the app containing the
 * region deny (`policies/guardrails/`) for allowed regions only. A boundary the rule cannot look into (an
 * ARN of a policy outside the app, a parameter) is reported as "could not be evaluated", never as compliant.
 */
export const RES03_ROLE_BOUNDED = defineRule({
  name: 'RoleBounded',
  control: 'RES-03',
  problem: 'This IAM role has no permissions boundary that denies API calls outside the allowed regions.',
  fix: 'call applyResidencyBoundary(stack, allowedRegions) (lib/aspects/residency-boundary.ts) on its stack, or set as its boundary a managed policy of the app built with permissionsBoundaryDocument (policies/guardrails/).',
  explanation:
    'HDS v2 EXI 28 and RGPD art. 44: health data stays in the allowed regions; the boundary stops any role of the platform from calling AWS in another region, whatever its own policies grant.',
  create: (options) => createRoleBoundedRule(options),
});
