import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { DEFAULT_CHECK_OPTIONS, HDS_RULES, type HdsCheckOptions } from './rules';
import { checkStackRegions, RES01_STACK_REGION } from './rules/res';
import { stacksOf } from './rules/res/support';

/**
 * What one rule said of one resource (or stack, for RES-01):
 * - `compliant` / `non-compliant`: the rule judged it;
 * - `not-evaluated`: the rule threw (cdk-nag reports that as a finding too, never as compliant).
 * Resources a rule does not apply to are not listed.
 */
export type RuleOutcome = 'compliant' | 'non-compliant' | 'not-evaluated';

export interface RuleResult {
  /** The full rule id, as findings and acknowledgements name it: `HDS-ENC01-KeyRotation`. */
  readonly ruleId: string;
  readonly control: string;
  readonly level: 'error' | 'warning';
  readonly outcome: RuleOutcome;
  /** Stack holding the resource (its construct path). */
  readonly stackPath: string;
  /** Logical id of the resource in its template; undefined for the stack itself (RES-01). */
  readonly logicalId?: string;
  readonly resourceType?: string;
  readonly constructPath: string;
  /** For non-compliant and not-evaluated results: what is wrong and the fix, or why it could not be judged. */
  readonly message?: string;
}

/**
 * Runs every rule of the HDS pack on `scope` and records every outcome, where the pack (a cdk-nag
 * `NagPack`) keeps only the violations. The evidence report uses it to say, control by control, where a
 * control is met, not only where it is broken. Same rule functions, same options, so both always agree.
 * Acknowledgements are not applied here: the report matches them to the results.
 */
export function evaluateHdsRules(scope: IConstruct, options: Partial<HdsCheckOptions> = {}): RuleResult[] {
  const opts: HdsCheckOptions = { ...DEFAULT_CHECK_OPTIONS, ...options };
  const rules = HDS_RULES.map((rule) => ({ rule, fn: rule.create(opts) }));
  const results: RuleResult[] = [];
  const visit = (node: IConstruct) => {
    if (CfnResource.isCfnResource(node)) {
      const stack = Stack.of(node);
      const logicalId = stack.resolve(node.logicalId) as string;
      for (const { rule, fn } of rules) {
        const base = {
          ruleId: `HDS-${rule.id}`,
          control: rule.control,
          level: rule.level === NagMessageLevel.ERROR ? ('error' as const) : ('warning' as const),
          stackPath: stack.node.path,
          logicalId,
          resourceType: node.cfnResourceType,
          constructPath: node.node.path,
        };
        try {
          const result = fn(node);
          if (result === NagRuleCompliance.COMPLIANT) results.push({ ...base, outcome: 'compliant' });
          else if (result === NagRuleCompliance.NON_COMPLIANT) results.push({ ...base, outcome: 'non-compliant', message: rule.info });
          else if (Array.isArray(result)) {
            for (const finding of result) {
              results.push({ ...base, ruleId: `${base.ruleId}[${finding}]`, outcome: 'non-compliant', message: rule.info });
            }
          }
        } catch (error) {
          results.push({ ...base, outcome: 'not-evaluated', message: (error as Error).message });
        }
      }
    }
    for (const child of node.node.children) visit(child);
  };
  visit(scope);

  const problems = new Map(checkStackRegions(scope, opts).map((p) => [p.stackPath, p.problem]));
  for (const stack of stacksOf(scope)) {
    const problem = problems.get(stack.node.path);
    results.push({
      ruleId: `HDS-${RES01_STACK_REGION.id}`,
      control: RES01_STACK_REGION.control,
      level: 'error',
      outcome: problem === undefined ? 'compliant' : 'non-compliant',
      stackPath: stack.node.path,
      constructPath: stack.node.path,
      message: problem,
    });
  }
  return results;
}
