import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { configSchema, type HdsConfig } from './schema';

/** Thrown for an invalid or unreadable config; its message lists every problem. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem, without the header. */
    public readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Where a config came from, so that messages say which file to fix. */
export type ConfigSource = { kind: 'file'; path: string } | { kind: 'context' } | { kind: 'defaults' };

/** Anything that can answer context lookups (an `App`'s node, or a plain map in tests). */
export interface ContextReader {
  tryGetContext(key: string): unknown;
}

function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'file':
      return `config file ${source.path}`;
    case 'context':
      return 'the "hds" context value (cdk.json or -c hds=...)';
    case 'defaults':
      return 'the built-in defaults';
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function fieldPath(segments: readonly PropertyKey[]): string {
  return segments.length === 0 ? '(root)' : segments.map(String).join('.');
}

function valueAt(raw: unknown, segments: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** One line per problem: field path, the value received, what is allowed. */
export function formatIssues(raw: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const where = [...issue.path, key];
        lines.push(
          `${fieldPath(where)}: received ${show(valueAt(raw, where))}; this field is unknown: remove it or check its spelling (see docs/configuration.md)`,
        );
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const allowed = issue.issues.map((i) => i.message).join('; ');
      lines.push(`${fieldPath(issue.path)}: received the key ${show(issue.input)}; allowed: ${allowed}`);
      continue;
    }
    lines.push(`${fieldPath(issue.path)}: received ${show(valueAt(raw, issue.path))}; allowed: ${issue.message}`);
  }
  return lines;
}

/** Validates a raw config object; throws a `ConfigError` listing every problem at once. */
export function parseConfig(raw: unknown, source?: ConfigSource): HdsConfig {
  const result = configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const problems = formatIssues(raw ?? {}, result.error.issues);
  throw new ConfigError(
    `Invalid hds-blueprint configuration${source ? ` (${describeSource(source)})` : ''}, ${problems.length} problem(s); nothing was synthesized:\n` +
      problems.map((p) => `  - ${p}`).join('\n'),
    problems,
  );
}

function readConfigFile(file: string, cwd: string): unknown {
  const resolved = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error);
    const problem = `config: received "${file}"; cannot read ${resolved}: ${reason}. Pass an existing JSON file with -c config=path/to/file.json`;
    throw new ConfigError(`Invalid hds-blueprint configuration:\n  - ${problem}`, [problem]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const problem = `config: ${resolved} is not valid JSON (${(error as Error).message}). Fix the syntax; the file must hold one JSON object`;
    throw new ConfigError(`Invalid hds-blueprint configuration:\n  - ${problem}`, [problem]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const problem = `config: ${resolved} holds ${show(parsed)}; allowed: one JSON object such as {"region": "eu-west-3"}`;
    throw new ConfigError(`Invalid hds-blueprint configuration:\n  - ${problem}`, [problem]);
  }
  return parsed;
}

/**
 * Loads the config as DESIGN.md says: the JSON file named by the context key `config`
 * (`cdk synth -c config=FILE`), else the `hds` object of the cdk.json context, else the defaults.
 */
export function loadConfig(context: ContextReader, cwd: string = process.cwd()): { config: HdsConfig; source: ConfigSource } {
  const file = context.tryGetContext('config');
  if (file !== undefined) {
    if (typeof file !== 'string' || file.length === 0) {
      const problem = `config: received ${show(file)}; allowed: a path to a JSON file (-c config=path/to/file.json)`;
      throw new ConfigError(`Invalid hds-blueprint configuration:\n  - ${problem}`, [problem]);
    }
    const source: ConfigSource = { kind: 'file', path: file };
    return { config: parseConfig(readConfigFile(file, cwd), source), source };
  }
  let inline = context.tryGetContext('hds');
  if (inline !== undefined) {
    // `-c hds='{"region":"eu-west-1"}'` arrives as a string.
    if (typeof inline === 'string') {
      try {
        inline = JSON.parse(inline);
      } catch {
        const problem = `hds: received ${show(inline)}; allowed: a JSON object`;
        throw new ConfigError(`Invalid hds-blueprint configuration:\n  - ${problem}`, [problem]);
      }
    }
    const source: ConfigSource = { kind: 'context' };
    return { config: parseConfig(inline, source), source };
  }
  const source: ConfigSource = { kind: 'defaults' };
  return { config: parseConfig({}, source), source };
}
