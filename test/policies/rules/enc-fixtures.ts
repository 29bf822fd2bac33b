import { CfnParameter, CfnResource, Duration, RemovalPolicy, Stack, type App } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import type { Construct } from 'constructs';
import { DEFAULT_CHECK_OPTIONS, type HdsRule } from '../../../policies/rules/rule';
import { testApp, testStack } from '../../support/app';
import { FIXTURE_STACK, findings, type FixtureBuilder } from '../support';
import { verboseDescription } from './hds-fixtures';

/**
 * Shared by the ENC fixtures: keys, key references a rule cannot evaluate, and the outcome of a rule per
 * resource. cdk-nag groups findings per rule id with the first description, so the pack alone cannot tell,
 * per resource, a definite finding from a rule that threw: `expectNotEvaluated` asserts both.
 */

export const ENV = { account: '111111111111', region: 'eu-west-3' };
export const KEY_ARN = 'arn:aws:kms:eu-west-3:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** A customer-managed key as the platform makes them (rotation, 30 days, retained). */
export function cmk(scope: Construct, id = 'Key'): kms.Key {
  return new kms.Key(scope, id, { enableKeyRotation: true, pendingWindow: Duration.days(30), removalPolicy: RemovalPolicy.RETAIN });
}

/** A `Ref` to a template parameter: a value no rule can know at synth. */
export function parameterRef(stack: Stack, id = 'Unknown'): string {
  return new CfnParameter(stack, id, { type: 'String' }).valueAsString;
}

/** A second stack of the fixture app, in the same environment. */
export function secondStack(app: App, id = 'Keys'): Stack {
  return new Stack(app, id, { env: ENV });
}

/** The outcome of the rule function on every resource it applies to: path -> result, or `threw <error name>`. */
export function verdicts(rule: HdsRule, build: FixtureBuilder): Record<string, string> {
  const app = testApp();
  build(testStack(app, FIXTURE_STACK), app);
  app.synth();
  const fn = rule.create(DEFAULT_CHECK_OPTIONS);
  const result: Record<string, string> = {};
  for (const node of app.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    try {
      const verdict = fn(node);
      if (verdict !== NagRuleCompliance.NOT_APPLICABLE) result[node.node.path] = String(verdict);
    } catch (error) {
      result[node.node.path] = `threw ${(error as Error).name}`;
    }
  }
  return result;
}

/**
 * The pack reports exactly `paths` for `rule`, as "could not be evaluated", and the rule function throws an
 * UnresolvableValueError (not a crash) on each of them. With `reason` (one path), the verbose pack's
 * description says what could not be evaluated: the error message names the property path the rule read,
 * e.g. `/^KmsKeyId \(a parameter\) cannot be evaluated/`.
 */
export function expectNotEvaluated(rule: HdsRule, build: FixtureBuilder, paths: readonly string[], reason?: RegExp): void {
  const id = `HDS-${rule.id}`;
  const found = findings(build).filter((f) => f.rule === id);
  expect(found.map((f) => f.path).sort()).toStrictEqual([...paths].sort());
  expect(found.every((f) => f.evaluationError)).toBe(true);
  const all = verdicts(rule, build);
  expect(Object.keys(all).filter((p) => all[p].startsWith('threw')).sort()).toStrictEqual([...paths].sort());
  for (const path of paths) expect(all[path]).toBe('threw UnresolvableValueError');
  if (reason) {
    const description = verboseDescription(id, build);
    expect(description.replace(/^Rule threw an error during validation\. /, '')).toMatch(reason);
  }
}

/** The rule function's result on one resource (`Compliant`, `Non-Compliant`, `threw ...`, or undefined: not applicable). */
export function verdictOf(rule: HdsRule, build: FixtureBuilder, path: string): string | undefined {
  return verdicts(rule, build)[path];
}
