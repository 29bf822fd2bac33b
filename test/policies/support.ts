import type { App, Stack } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import { HdsChecks } from '../../policies/hds-checks';
import { testApp, testStack } from '../support/app';

/** The construct path of the stack every fixture starts with (`testStack()`). */
export const FIXTURE_STACK = 'TestStack';

/** One violating resource of one rule, as `validateScope` reports it. */
export interface Finding {
  /** The rule id, e.g. `HDS-BAK02-BackupCoverage`. */
  readonly rule: string;
  /** The construct path of the CloudFormation resource, e.g. `TestStack/Bucket/Resource`. */
  readonly path: string;
  /** The description of the rule's violation group (the first resource's, for a whole group). */
  readonly description: string;
  /**
   * cdk-nag turned an exception of the rule into this finding: the resource could not be evaluated.
   * (cdk-nag groups by rule id and keeps the first description, so this is per group, not per resource.)
   */
  readonly evaluationError: boolean;
}

/** Builds a fixture: construct resources in `stack` (`TestStack`), or in more stacks of `app`. */
export type FixtureBuilder = (stack: Stack, app: App) => void;

const EVALUATION_ERROR = /^Rule threw an error during validation\b/;

/**
 * Runs a rule pack over a fixture, as the synth would: builds the fixture in a plugin-free test app,
 * synthesizes once (aspects apply `Tags.of` and other deferred changes; no plugin registered, so it does
 * not throw), then validates the whole app with `pack` and returns every finding, one per resource.
 */
export function findings(build: FixtureBuilder, pack: NagPack = new HdsChecks()): Finding[] {
  const app = testApp();
  build(testStack(app, FIXTURE_STACK), app);
  app.synth();
  const report = pack.validateScope(app);
  const found = report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      path: r.constructPath ?? '(no construct path)',
      description: v.description,
      evaluationError: EVALUATION_ERROR.test(v.description),
    })),
  );
  // The report's own verdict must agree with its findings, or a fixture could pass on a broken report.
  expect(report.success).toBe(found.length === 0);
  return found;
}

/** The sorted construct paths that `rule` reports on the fixture; other rules of the pack are ignored. */
export function pathsFor(rule: string, build: FixtureBuilder, pack?: NagPack): string[] {
  return findings(build, pack)
    .filter((f) => f.rule === rule)
    .map((f) => f.path)
    .sort();
}

/** `rule` reports exactly `paths` (construct paths, in any order) on the fixture, and nothing else. */
export function expectFindings(rule: string, build: FixtureBuilder, paths: readonly string[], pack?: NagPack): void {
  expect(pathsFor(rule, build, pack)).toStrictEqual([...paths].sort());
}

/** `rule` reports nothing on the fixture. */
export function expectCompliant(rule: string, build: FixtureBuilder, pack?: NagPack): void {
  expectFindings(rule, build, [], pack);
}
