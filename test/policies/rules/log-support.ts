import type { NagPack } from 'cdk-nag';
import { findings, type FixtureBuilder } from '../support';
import { verboseDescription } from './hds-fixtures';

/**
 * Fixture assertions of the LOG rules, on top of `test/policies/support.ts`: they tell a non-compliant
 * finding from an evaluation error, so a rule that throws where it should judge (or the reverse) fails.
 */
function outcomes(rule: string, build: FixtureBuilder, pack?: NagPack): { path: string; evaluationError: boolean }[] {
  return findings(build, pack)
    .filter((f) => f.rule === rule)
    .map(({ path, evaluationError }) => ({ path, evaluationError }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** `rule` reports exactly `paths` as non-compliant (not as evaluation errors), and nothing else. */
export function expectNonCompliant(rule: string, build: FixtureBuilder, paths: readonly string[], pack?: NagPack): void {
  const expected = [...paths].sort((a, b) => a.localeCompare(b)).map((path) => ({ path, evaluationError: false }));
  expect(outcomes(rule, build, pack)).toStrictEqual(expected);
}

/** `rule` cannot evaluate the resource at `path` (it threw), and reports nothing else. */
export function expectEvaluationError(rule: string, build: FixtureBuilder, path: string, pack?: NagPack): void {
  expect(outcomes(rule, build, pack)).toStrictEqual([{ path, evaluationError: true }]);
}

/**
 * `rule` cannot evaluate the resource at `path`, and the verbose pack says why: its description matches
 * `reason` (the property the rule could not read, with the resource path), so an auditor knows what to fix.
 */
export function expectEvaluationErrorNaming(rule: string, build: FixtureBuilder, path: string, reason: RegExp): void {
  expectEvaluationError(rule, build, path);
  expect(verboseDescription(rule, build)).toMatch(reason);
}
