import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { evaluateHdsRules, type RuleResult } from '../../policies/evaluate';
import type { HdsCheckOptions } from '../../policies/rules';
import type { StackArtifact, Template } from './assembly';
import { ReportInputError } from './templates';

/** Where a cross-stack value comes from: an output of another input stack. */
interface OutputRef {
  readonly stack: string;
  readonly output: string;
}

/** Prefix of the parameters that stand for cross-stack values while a template is loaded. */
const XREF = 'HdsReportCrossStack';

/**
 * Cross-stack values (`Fn::GetStackOutput`, which `cloudformation-include` does not know, and `Fn::ImportValue`
 * of an export another input stack declares) are replaced by parameters, so that each can be given back as a
 * reference to the resource it designates in the other stack: the rules then follow it as they do at synth
 * (a bucket encrypted with a key of another stack is judged with that key). A value whose source is not in
 * the input stays an `Fn::ImportValue`, which the rules report as unresolvable.
 */
function rewriteCrossStack(template: Template, exportsByName: ReadonlyMap<string, OutputRef>): { template: Template; refs: Map<string, OutputRef> } {
  const refs = new Map<string, OutputRef>();
  const keyOf = new Map<string, string>();
  const paramFor = (ref: OutputRef) => {
    const key = `${ref.stack}\u0000${ref.output}`;
    let name = keyOf.get(key);
    if (name === undefined) {
      name = `${XREF}${keyOf.size}`;
      keyOf.set(key, name);
      refs.set(name, ref);
    }
    return { Ref: name };
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      if (fn === 'Fn::GetStackOutput') {
        const a = arg as { StackName?: unknown; OutputName?: unknown };
        if (typeof a?.StackName === 'string' && typeof a.OutputName === 'string') return paramFor({ stack: a.StackName, output: a.OutputName });
        return { 'Fn::ImportValue': JSON.stringify(arg) };
      }
      if (fn === 'Fn::ImportValue' && typeof arg === 'string' && exportsByName.has(arg)) return paramFor(exportsByName.get(arg)!);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, walk(v)]));
  };
  const rewritten = walk(template) as Template & { Parameters?: Record<string, unknown> };
  if (refs.size > 0) {
    rewritten.Parameters = { ...rewritten.Parameters, ...Object.fromEntries([...refs.keys()].map((p) => [p, { Type: 'String' }])) };
  }
  return { template: rewritten, refs };
}

/** The value an output designates, as a reference into the included stack (Ref and Fn::GetAtt only). */
function outputValue(include: CfnInclude, template: Template, output: string): unknown {
  const value = template.Outputs?.[output]?.Value as Record<string, unknown> | undefined;
  try {
    if (value && typeof value.Ref === 'string') return include.getResource(value.Ref).ref;
    const getAtt = value?.['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') return include.getResource(getAtt[0]).getAtt(getAtt[1]);
  } catch {
    // Not a resource of the template (a parameter, a condition...): left unresolved below.
  }
  return undefined;
}

/**
 * Judges the stacks with the HDS rule pack, whatever produced their templates: each template is loaded into
 * a construct tree with `cloudformation-include` (typed L1 resources, logical ids kept) and every rule runs on
 * it. The same rules judge this project's platform at synth and anyone else's template here.
 */
export function evaluateStacks(stacks: readonly StackArtifact[], options: Partial<HdsCheckOptions>): RuleResult[] {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'hds-report-app-')) });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-report-'));
  const exportsByName = new Map<string, OutputRef>();
  for (const s of stacks) {
    for (const [output, o] of Object.entries(s.template.Outputs ?? {})) {
      if (typeof o.Export?.Name === 'string') exportsByName.set(o.Export.Name, { stack: s.name, output });
    }
  }
  const prepared = new Map(stacks.map((s) => [s.name, { input: s, ...rewriteCrossStack(s.template, exportsByName) }]));
  const included = new Map<string, CfnInclude>();

  const include = (name: string, visiting: Set<string>): void => {
    const entry = prepared.get(name);
    if (!entry || included.has(name) || visiting.has(name)) return;
    visiting.add(name);
    const sources = [...new Set([...entry.refs.values()].map((r) => r.stack))];
    for (const source of sources) include(source, visiting);
    const parameters: Record<string, unknown> = {};
    for (const [param, ref] of entry.refs) {
      const source = included.get(ref.stack);
      const value = source && outputValue(source, prepared.get(ref.stack)!.input.template, ref.output);
      parameters[param] = value ?? { 'Fn::ImportValue': `${ref.stack}:${ref.output}` };
    }
    const input = entry.input;
    // The input's name is the construct id, so findings name the stack as the auditor knows it.
    const stack = new Stack(app, input.name, {
      env: input.region === undefined ? undefined : { account: input.account, region: input.region },
    });
    const file = path.join(workDir, `${included.size}.json`);
    fs.writeFileSync(file, JSON.stringify(entry.template));
    try {
      included.set(name, new CfnInclude(stack, 'Template', { templateFile: file, allowCyclicalReferences: true, parameters }));
    } catch (error) {
      throw new ReportInputError(
        `${input.source}: cannot load the template to evaluate it: ${(error as Error).message}. (Fn::Transform over a whole section and Fn::ForEach are not supported: pass the processed template, as "aws cloudformation get-template --template-stage Processed" returns it)`,
      );
    }
  };

  try {
    for (const s of stacks) include(s.name, new Set());
    // Each input stack is a top-level stack whose construct id is its name: `stackPath` is that name.
    return evaluateHdsRules(app, options);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}
