import { parseIns } from './ins';

/**
 * Validation of the request. Every message names the field and the item's index, says what is allowed,
 * and at most describes the value by its type or length: never the value itself, which would carry an
 * identifier into the logs of whoever catches the error.
 */

export type IdentifierType = 'INS' | 'internal';

export interface PseudonymiseRequest {
  /** Purpose of the pseudonyms, a lower-case slug: `research-cohort-2026`, `analytics`. */
  readonly context: string;
  readonly identifiers: ReadonlyArray<{ readonly type: IdentifierType; readonly value: string }>;
}

export interface ValidRequest {
  readonly context: string;
  /** In input order, values normalised. */
  readonly identifiers: ReadonlyArray<{ readonly type: IdentifierType; readonly value: string }>;
}

export const MAX_BATCH = 1000;
export const MAX_CONTEXT_LENGTH = 64;
export const MAX_INTERNAL_ID_LENGTH = 128;
/** Problems listed in one error; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;

/** Starts with a letter, so that no NIR or numeric id can pass as a context (and be logged as one). */
const CONTEXT = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const INTERNAL_ID = /^[\x21-\x7e]+$/;

const CONTEXT_RULE = `a lower-case slug of 1 to ${MAX_CONTEXT_LENGTH} characters (a-z, 0-9, single hyphens, starting with a letter), e.g. 'research-cohort-2026'`;
const INS_RULE =
  '15 characters once spaces are removed: the 13-character NIR or NIA (digits, department 2A or 2B for Corsica) then its 2-digit key';
const INTERNAL_RULE = `1 to ${MAX_INTERNAL_ID_LENGTH} printable ASCII characters without spaces (compared exactly, case-sensitive)`;

export class InvalidRequestError extends Error {
  readonly code = 'InvalidRequest';
  constructor(readonly problems: readonly string[]) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
    const more = problems.length > listed.length ? `; and ${problems.length - listed.length} more` : '';
    super(`pseudonymise request is invalid (${problems.length} problem(s)): ${listed.join('; ')}${more}`);
    this.name = 'InvalidRequestError';
  }
}

/** What was received, by type and length only. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} character(s)`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Checks the whole request, collects every problem and throws once; returns the normalised request. */
export function validateRequest(event: unknown): ValidRequest {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidRequestError([`the request must be an object { context, identifiers }, received ${describe(event)}`]);
  }
  const { context, identifiers } = event as { context?: unknown; identifiers?: unknown };
  const problems: string[] = [];

  if (typeof context !== 'string') {
    problems.push(`context: required, ${CONTEXT_RULE}; received ${describe(context)}`);
  } else if (context.length === 0 || context.length > MAX_CONTEXT_LENGTH || !CONTEXT.test(context)) {
    problems.push(`context: expected ${CONTEXT_RULE}; received ${describe(context)}`);
  }

  const valid: Array<{ type: IdentifierType; value: string }> = [];
  if (!Array.isArray(identifiers)) {
    problems.push(`identifiers: required, an array of 0 to ${MAX_BATCH} { type: 'INS' | 'internal', value: string }; received ${describe(identifiers)}`);
  } else if (identifiers.length > MAX_BATCH) {
    problems.push(`identifiers: ${identifiers.length} items, at most ${MAX_BATCH} per call: split the batch`);
  } else {
    identifiers.forEach((item: unknown, i) => {
      const problem = checkIdentifier(item, i);
      if (typeof problem === 'string') problems.push(problem);
      else valid.push(problem);
    });
  }

  if (problems.length > 0) throw new InvalidRequestError(problems);
  return { context: context as string, identifiers: valid };
}

function checkIdentifier(item: unknown, i: number): string | { type: IdentifierType; value: string } {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return `identifiers[${i}]: expected an object { type: 'INS' | 'internal', value: string }, received ${describe(item)}`;
  }
  const { type, value } = item as { type?: unknown; value?: unknown };
  // The type's value is not echoed either: a caller that swapped the fields would put an identifier there.
  if (type !== 'INS' && type !== 'internal') return `identifiers[${i}].type: expected 'INS' or 'internal', received ${describe(type)}`;
  if (typeof value !== 'string') return `identifiers[${i}].value: expected a string, received ${describe(value)}`;

  if (type === 'INS') {
    const ins = parseIns(value);
    if (ins.ok) return { type, value: ins.normalised };
    switch (ins.problem) {
      case 'length':
        return `identifiers[${i}].value: not an INS, expected ${INS_RULE}; received ${ins.length} character(s) once spaces are removed`;
      case 'characters':
        return `identifiers[${i}].value: not an INS, expected ${INS_RULE}; received other characters`;
      case 'key':
        return `identifiers[${i}].value: INS control key does not match (key = 97 - (NIR mod 97), 2A read as 19 and 2B as 18): check the number for a typo`;
    }
  }
  if (value.length === 0 || value.length > MAX_INTERNAL_ID_LENGTH || !INTERNAL_ID.test(value)) {
    const why = value.length === 0 || value.length > MAX_INTERNAL_ID_LENGTH ? `${value.length} character(s)` : 'a space or a character outside printable ASCII';
    return `identifiers[${i}].value: not an internal id, expected ${INTERNAL_RULE}; received ${why}`;
  }
  return { type, value };
}
