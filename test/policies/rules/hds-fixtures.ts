import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnParameter, type Stack } from 'aws-cdk-lib';
import * as include from 'aws-cdk-lib/cloudformation-include';
import { HdsChecks } from '../../../policies/hds-checks';
import { findings, type FixtureBuilder } from '../support';

/**
 * Fixture helpers of the BAK, DET, IAM and DATA rule tests: foreign templates, parameters (values a rule
 * cannot know at synth), and evaluation errors.
 */

/** Writes a foreign template and includes it, as the report tool reads a template from elsewhere. */
export function includeTemplate(stack: Stack, resources: Record<string, unknown>, parameters: Record<string, unknown> = {}): include.CfnInclude {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hds-rule-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify({ Parameters: parameters, Resources: resources }));
  return new include.CfnInclude(stack, 'Foreign', { templateFile: file });
}

/** A template parameter: its value is only known at deploy time. */
export function parameter(stack: Stack, id = 'Param', type = 'String'): CfnParameter {
  return new CfnParameter(stack, id, { type });
}

/** `rule` reports exactly `paths`, each as "could not be evaluated" (the rule threw), never as compliant. */
export function expectEvaluationErrors(rule: string, build: FixtureBuilder, paths: readonly string[]): void {
  const found = findings(build)
    .filter((f) => f.rule === rule)
    .map(({ path: p, evaluationError }) => ({ path: p, evaluationError }))
    .sort((a, b) => a.path.localeCompare(b.path));
  expect(found).toStrictEqual([...paths].sort().map((p) => ({ path: p, evaluationError: true })));
}

/** `rule` reports exactly `paths` as non-compliant (judged, not "could not be evaluated"). */
export function expectNonCompliant(rule: string, build: FixtureBuilder, paths: readonly string[]): void {
  const found = findings(build)
    .filter((f) => f.rule === rule)
    .map(({ path: p, evaluationError }) => ({ path: p, evaluationError }))
    .sort((a, b) => a.path.localeCompare(b.path));
  expect(found).toStrictEqual([...paths].sort().map((p) => ({ path: p, evaluationError: false })));
}

/** The description of `rule`'s single finding when the pack is verbose (an evaluation error carries its reason). */
export function verboseDescription(rule: string, build: FixtureBuilder): string {
  const found = findings(build, new HdsChecks(undefined, { verbose: true })).filter((f) => f.rule === rule);
  expect(found).toHaveLength(1);
  return found[0].description;
}
