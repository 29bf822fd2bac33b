import { CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { Construct } from 'constructs';
import { HdsChecks } from '../../../policies/hds-checks';
import { DEFAULT_CHECK_OPTIONS, type HdsRule } from '../../../policies/rules/rule';
import { testApp, testStack } from '../../support/app';
import { FIXTURE_STACK, expectFindings, findings, type FixtureBuilder } from '../support';

/**
 * Shared by the RES fixtures: stacks in given regions, parameters, and the three outcomes of a rule
 * (non-compliant, could not be evaluated, compliant), each asserted both through the pack (the shared
 * helper) and by calling the rule function on every resource: cdk-nag groups findings per rule id with the
 * first description, so the pack alone cannot tell, per resource, a definite finding from a rule that threw.
 */

export const ACCOUNT = '111111111111';

/** Regions RES-02 must refuse: outside the EEA (London, Zurich) and outside Europe. */
export const REFUSED_REGIONS = ['eu-west-2', 'us-east-1', 'eu-central-2'] as const;

/** A deployment that allows only Paris (a narrowed allow-list). */
export const PARIS_ONLY = ['eu-west-3'] as const;

/** A second stack of the fixture app (or of a stage), pinned to `region`, or environment-agnostic when `region` is undefined. */
export function stackIn(scope: Construct, id: string, region: string | undefined): Stack {
  return region === undefined ? new Stack(scope, id) : new Stack(scope, id, { env: { account: ACCOUNT, region } });
}

/** A `Ref` to a template parameter: a value no rule can know at synth. */
export function parameterRef(stack: Stack, id = 'Unknown'): string {
  return new CfnParameter(stack, id, { type: 'String' }).valueAsString;
}

function pack(allowedRegions?: readonly string[], verbose = false): HdsChecks {
  return new HdsChecks(undefined, { verbose, options: allowedRegions ? { allowedRegions } : undefined });
}

/** The outcome of the rule function on every resource it applies to: path -> result or `threw`. */
export function verdicts(rule: HdsRule, build: FixtureBuilder, allowedRegions?: readonly string[]): Record<string, string> {
  const app = testApp();
  build(testStack(app, FIXTURE_STACK), app);
  app.synth();
  const fn = rule.create({ ...DEFAULT_CHECK_OPTIONS, ...(allowedRegions ? { allowedRegions } : {}) });
  const result: Record<string, string> = {};
  for (const node of app.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    try {
      const verdict = fn(node);
      if (verdict !== NagRuleCompliance.NOT_APPLICABLE) result[node.node.path] = String(verdict);
    } catch {
      result[node.node.path] = 'threw';
    }
  }
  return result;
}

function pathsWith(all: Record<string, string>, outcome: string): string[] {
  return Object.keys(all)
    .filter((p) => all[p] === outcome)
    .sort();
}

/** The pack reports exactly `paths` for `rule`, each a definite non-compliance; nothing else throws. */
export function expectNonCompliant(rule: HdsRule, build: FixtureBuilder, paths: readonly string[], allowedRegions?: readonly string[]): void {
  expectFindings(`HDS-${rule.id}`, build, paths, pack(allowedRegions));
  const all = verdicts(rule, build, allowedRegions);
  expect({ nonCompliant: pathsWith(all, NagRuleCompliance.NON_COMPLIANT), threw: pathsWith(all, 'threw') }).toStrictEqual({
    nonCompliant: [...paths].sort(),
    threw: [],
  });
}

/** `rule` reports exactly one finding, at `path`, as "could not be evaluated" (and nothing is non-compliant). */
export function expectEvaluationError(rule: HdsRule, build: FixtureBuilder, path: string): void {
  const found = findings(build, pack()).filter((f) => f.rule === `HDS-${rule.id}`);
  expect(found.map(({ path: p, evaluationError }) => ({ path: p, evaluationError }))).toStrictEqual([{ path, evaluationError: true }]);
  const all = verdicts(rule, build);
  expect({ nonCompliant: pathsWith(all, NagRuleCompliance.NON_COMPLIANT), threw: pathsWith(all, 'threw') }).toStrictEqual({
    nonCompliant: [],
    threw: [path],
  });
}

/**
 * The pack reports nothing for `rule`, nothing throws, and the rule judged each of `compliant` compliant
 * (so a passing fixture cannot pass because the rule did not look at the resource).
 */
export function expectCompliantResources(
  rule: HdsRule,
  build: FixtureBuilder,
  compliant: readonly string[],
  allowedRegions?: readonly string[],
): void {
  expectFindings(`HDS-${rule.id}`, build, [], pack(allowedRegions));
  const all = verdicts(rule, build, allowedRegions);
  expect({ nonCompliant: pathsWith(all, NagRuleCompliance.NON_COMPLIANT), threw: pathsWith(all, 'threw') }).toStrictEqual({
    nonCompliant: [],
    threw: [],
  });
  expect(pathsWith(all, NagRuleCompliance.COMPLIANT)).toEqual(expect.arrayContaining([...compliant]));
}

/** The pack reports nothing for `rule`, and the rule applies to none of the fixture's resources. */
export function expectNotApplicable(rule: HdsRule, build: FixtureBuilder): void {
  expectFindings(`HDS-${rule.id}`, build, [], pack());
  expect(verdicts(rule, build)).toStrictEqual({});
}

/** The description of `rule`'s single finding when the pack is verbose (an evaluation error carries its reason). */
export function verboseDescription(rule: HdsRule, build: FixtureBuilder): string {
  const found = findings(build, pack(undefined, true)).filter((f) => f.rule === `HDS-${rule.id}`);
  expect(found).toHaveLength(1);
  return found[0].description;
}
