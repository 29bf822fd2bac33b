import * as path from 'node:path';
import { parseDocument, type CollectionTag, type Node as YamlNode, type ScalarTag } from 'yaml';
import type { Template } from './assembly';

/** A problem with the report's input: the message says which input, what is wrong and what to do. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

/**
 * CloudFormation's YAML short forms (`!Ref x`, `!GetAtt a.b`, `!Sub [..]`...), each turned into its
 * long form (`{ Ref: x }`, `{ 'Fn::GetAtt': [a, b] }`...), as CloudFormation itself reads them.
 */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  Ref: 'Ref',
  Condition: 'Condition',
  ...Object.fromEntries(
    ['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or', 'Select', 'Split', 'Sub', 'ToJsonString', 'Transform'].map(
      (f) => [f, `Fn::${f}`],
    ),
  ),
};

function longForm(name: string, value: unknown): Record<string, unknown> {
  // `!GetAtt Resource.Attribute` is the one short form whose scalar is split (at the first dot).
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [SHORT_FORMS[name]]: value };
}

/** One YAML tag per short form and node kind (scalar, sequence, mapping). */
const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = Object.keys(SHORT_FORMS).flatMap((name) => {
  const tag = `!${name}`;
  const toJs = (node: unknown) => (node as YamlNode & { toJSON(): unknown }).toJSON();
  return [
    { tag, identify: () => false, resolve: (value: string) => longForm(name, value) } satisfies ScalarTag,
    { tag, collection: 'seq', identify: () => false, resolve: (seq: unknown) => longForm(name, toJs(seq)) } as unknown as CollectionTag,
    { tag, collection: 'map', identify: () => false, resolve: (map: unknown) => longForm(name, toJs(map)) } as unknown as CollectionTag,
  ];
});

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // V8 states the position of some errors only; the yaml library (JSON schema) locates the others.
    const position = /position (\d+)/.exec(message)?.[1];
    let where: string;
    if (position !== undefined) {
      const { line, column } = lineAndColumn(text, Number(position));
      where = `at line ${line}, column ${column}`;
    } else {
      const pos = parseDocument(text, { schema: 'json', prettyErrors: true }).errors[0]?.linePos?.[0];
      where = pos ? `at line ${pos.line}, column ${pos.col}` : 'somewhere in the file';
    }
    const what = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    throw new ReportInputError(`${file}: malformed JSON ${where}: ${what}. Fix the file or export the template again`);
  }
}

/** The yaml library's message without its own position and excerpt (the report states the position once). */
const firstLine = (message: string) => message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');

function parseYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { customTags: CLOUDFORMATION_TAGS, prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? `at line ${pos.line}, column ${pos.col}` : 'somewhere in the file';
    throw new ReportInputError(`${file}: malformed YAML ${where}: ${firstLine(error.message)}. Fix the file or export the template again`);
  }
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) {
    const pos = unknownTag.linePos?.[0];
    throw new ReportInputError(
      `${file}: unknown YAML tag${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${firstLine(unknownTag.message)}. CloudFormation accepts only its short forms (${Object.keys(SHORT_FORMS)
        .map((f) => `!${f}`)
        .join(', ')})`,
    );
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

/**
 * Parses a CloudFormation template in JSON or YAML (short forms included). Refuses, with the file, the line
 * and the column, a file that is not valid JSON or YAML, and a document that is not a template.
 */
export function parseTemplate(file: string, text: string): Template {
  // A byte-order mark is not part of the document (editors on Windows write one).
  const body = text.replace(/^\uFEFF/, '');
  // By extension; a `.template` (or other) file is JSON when it looks like it. YAML files may use flow style.
  const json = /\.json$/i.test(file) || (!/\.ya?ml$/i.test(file) && body.trimStart().startsWith('{'));
  const parsed = json ? parseJson(file, body) : parseYaml(file, body);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ReportInputError(`${file} is not a CloudFormation template: expected a mapping with a "Resources" section, found ${Array.isArray(parsed) ? 'a list' : JSON.stringify(parsed)}`);
  }
  const resources = (parsed as { Resources?: unknown }).Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) {
    throw new ReportInputError(
      `${file} is not a CloudFormation template: it has no "Resources" mapping (found top-level keys: ${Object.keys(parsed).join(', ') || 'none'}). Pass a template, or a cdk.out directory`,
    );
  }
  for (const [id, resource] of Object.entries(resources as Record<string, unknown>)) {
    const type = (resource as { Type?: unknown } | null)?.Type;
    if (typeof type !== 'string') {
      throw new ReportInputError(`${file}: resource "${id}" has no "Type" string (received ${JSON.stringify(type)}); every resource of a template needs one, such as "AWS::S3::Bucket"`);
    }
  }
  return parsed as Template;
}

/** A stack name for a template file: its base name without the template extensions, as CloudFormation allows. */
export function stackNameOf(file: string): string {
  const base = path.basename(file).replace(/(\.template)?\.(json|ya?ml|template)$/i, '');
  const name = base.replace(/[^A-Za-z0-9-]/g, '-').replace(/^[^A-Za-z]+/, '');
  return name.length > 0 ? name : 'Template';
}
