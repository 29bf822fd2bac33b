import { InvalidRequestError, echo } from './errors';

/**
 * The request: a discriminated union on `action`. Each result is JSON the state machine passes back in
 * (with `action` set), so the fields of any result are accepted and ignored where they mean nothing;
 * any other field is refused, so that a misspelt `continuationToken` cannot silently restart a loop.
 */
export type ExportEvent =
  | { readonly action: 'start'; readonly exportId?: string }
  | { readonly action: 'status'; readonly exportId: string }
  | { readonly action: 'copy-documents'; readonly exportId: string; readonly continuationToken?: string }
  | { readonly action: 'manifest'; readonly exportId: string; readonly continuationToken?: string; readonly part?: number }
  | { readonly action: 'finalize'; readonly exportId: string; readonly snapshotArn?: string; readonly snapshotTime?: string };

export type Action = ExportEvent['action'];
export const ACTIONS: readonly Action[] = ['start', 'status', 'copy-documents', 'manifest', 'finalize'];

/** Where a token resumes: after `key`, in the listing of the action that issued it. */
export interface Cursor {
  readonly afterKey: string;
  /** manifest only: the run the parts belong to and the next part number. */
  readonly run?: string;
  readonly part?: number;
}

export type ValidRequest =
  | { readonly action: 'start'; readonly exportId: string; readonly derived: boolean }
  | { readonly action: 'status'; readonly exportId: string }
  | { readonly action: 'copy-documents'; readonly exportId: string; readonly cursor?: Cursor }
  | { readonly action: 'manifest'; readonly exportId: string; readonly cursor?: Cursor; readonly part: number }
  | { readonly action: 'finalize'; readonly exportId: string; readonly snapshotArn?: string; readonly snapshotTime?: Date };

export const MAX_EXPORT_ID_LENGTH = 60;
export const MAX_PART = 99_999;
const MAX_TOKEN_LENGTH = 4096;

/** RDS export task identifier rule: the export id is the task id. */
const EXPORT_ID = /^[a-z](?:[a-z0-9]|-(?!-))*$/;
export const EXPORT_ID_RULE = `1 to ${MAX_EXPORT_ID_LENGTH} characters a-z, 0-9 and single hyphens, starting with a letter and not ending with a hyphen (the RDS export task identifier rule), e.g. 'export-20261122t101500z'`;
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster-snapshot:[A-Za-z0-9:._-]{1,255}$/;

/** Fields any result carries, accepted back in and ignored. */
const RESULT_FIELDS = [
  'exportId',
  'snapshotArn',
  'snapshotTime',
  'exportTaskIdentifier',
  'status',
  'detail',
  'continuationToken',
  'copied',
  'done',
  'part',
  'files',
  'bytes',
  'manifestKey',
  'manifestSha256',
];

export function isValidExportId(value: string): boolean {
  return value.length >= 1 && value.length <= MAX_EXPORT_ID_LENGTH && EXPORT_ID.test(value) && !value.endsWith('-');
}

/** `export-YYYYMMDDtHHMMSSz`: the clock in UTC, lower-cased because export ids are [a-z0-9-]. */
export function deriveExportId(now: Date): string {
  return `export-${now.toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase()}z`;
}

export function validateRequest(event: unknown, now: Date): ValidRequest {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidRequestError([`the request must be an object with an 'action' (${ACTIONS.join(', ')}), received ${echo(event)}`]);
  }
  const e = event as Record<string, unknown>;
  const action = e.action;
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw new InvalidRequestError([`action is ${echo(action)}, expected one of ${ACTIONS.map((a) => `'${a}'`).join(', ')}`]);
  }
  const problems: string[] = [];
  const unknown = Object.keys(e).filter((k) => k !== 'action' && !RESULT_FIELDS.includes(k));
  for (const field of unknown) problems.push(`${field}: not a field of the '${action}' request (fields: exportId, continuationToken, part, snapshotArn, snapshotTime as the action allows)`);

  const optional = (field: string): unknown => (e[field] === null ? undefined : e[field]);
  const rawId = optional('exportId');
  let exportId = '';
  let derived = false;
  if (rawId === undefined && action === 'start') {
    exportId = deriveExportId(now);
    derived = true;
  } else if (typeof rawId !== 'string' || !isValidExportId(rawId)) {
    problems.push(`exportId is ${echo(rawId)}, expected ${EXPORT_ID_RULE}`);
  } else {
    exportId = rawId;
  }

  switch (action) {
    case 'start':
      done(problems);
      return { action, exportId, derived };
    case 'status':
      done(problems);
      return { action, exportId };
    case 'copy-documents': {
      const cursor = readToken(optional('continuationToken'), 'copy-documents', exportId, problems);
      done(problems);
      return { action, exportId, ...(cursor ? { cursor } : {}) };
    }
    case 'manifest': {
      const cursor = readToken(optional('continuationToken'), 'manifest', exportId, problems);
      const rawPart = optional('part');
      let part = cursor?.part ?? 0;
      if (rawPart !== undefined) {
        if (typeof rawPart !== 'number' || !Number.isSafeInteger(rawPart) || rawPart < 0 || rawPart > MAX_PART) {
          problems.push(`part is ${echo(rawPart)}, expected an integer from 0 to ${MAX_PART}, the 'part' returned by the previous manifest call`);
        } else if (cursor && rawPart !== cursor.part) {
          problems.push(`part is ${rawPart} but the continuationToken continues at part ${cursor.part}: pass back the result of the previous manifest call unchanged`);
        } else if (!cursor && rawPart !== 0) {
          problems.push(`part is ${rawPart} without a continuationToken: a manifest run starts at part 0 (omit part), later parts come with the token`);
        } else {
          part = rawPart;
        }
      }
      done(problems);
      return { action, exportId, part, ...(cursor ? { cursor } : {}) };
    }
    case 'finalize': {
      const snapshotArn = optional('snapshotArn');
      const snapshotTime = optional('snapshotTime');
      if (snapshotArn !== undefined && (typeof snapshotArn !== 'string' || !SNAPSHOT_ARN.test(snapshotArn))) {
        problems.push(`snapshotArn is ${echo(snapshotArn)}, expected a DB cluster snapshot ARN (arn:aws:rds:<region>:<account>:cluster-snapshot:<id>), as returned by 'start'`);
      }
      const time = typeof snapshotTime === 'string' ? new Date(snapshotTime) : undefined;
      if (snapshotTime !== undefined && (time === undefined || Number.isNaN(time.getTime()))) {
        problems.push(`snapshotTime is ${echo(snapshotTime)}, expected an ISO 8601 date-time, as returned by 'start'`);
      }
      done(problems);
      return {
        action,
        exportId,
        ...(typeof snapshotArn === 'string' ? { snapshotArn } : {}),
        ...(time ? { snapshotTime: time } : {}),
      };
    }
  }
  /* c8 ignore next */
  throw new InvalidRequestError([`action ${echo(action)} is not handled`]);
}

function done(problems: string[]): void {
  if (problems.length > 0) throw new InvalidRequestError(problems);
}

interface TokenBody {
  v: 1;
  a: 'copy-documents' | 'manifest';
  x: string;
  k: string;
  r?: string;
  p?: number;
}

/** Opaque to the state machine: base64url of a small JSON naming the action, the export and the last key done. */
export function encodeToken(action: 'copy-documents' | 'manifest', exportId: string, cursor: Cursor): string {
  const body: TokenBody = { v: 1, a: action, x: exportId, k: cursor.afterKey, ...(cursor.run ? { r: cursor.run } : {}), ...(cursor.part !== undefined ? { p: cursor.part } : {}) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function readToken(raw: unknown, action: 'copy-documents' | 'manifest', exportId: string, problems: string[]): Cursor | undefined {
  if (raw === undefined) return undefined;
  const rule = `the continuationToken returned by the previous '${action}' call of export '${exportId}', or nothing to start over`;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    problems.push(`continuationToken is ${typeof raw === 'string' ? `a string of ${raw.length} character(s)` : echo(raw)}, expected ${rule}`);
    return undefined;
  }
  let body: Partial<TokenBody> | undefined;
  try {
    body = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    body = undefined;
  }
  const valid =
    typeof body === 'object' &&
    body !== null &&
    body.v === 1 &&
    typeof body.k === 'string' &&
    body.k.length > 0 &&
    (body.a === 'copy-documents' || (body.a === 'manifest' && typeof body.r === 'string' && typeof body.p === 'number' && Number.isSafeInteger(body.p) && body.p > 0 && body.p <= MAX_PART));
  if (!valid || !body) {
    problems.push(`continuationToken is not a token this function issued: expected ${rule}`);
    return undefined;
  }
  if (body.a !== action || body.x !== exportId) {
    problems.push(`continuationToken was issued by '${String(body.a)}' of export '${String(body.x)}', expected ${rule}`);
    return undefined;
  }
  return { afterKey: body.k as string, ...(body.r ? { run: body.r } : {}), ...(body.p !== undefined ? { part: body.p } : {}) };
}

/** Where everything of one export lives in EXPORT_BUCKET. */
export const layout = (exportId: string) => {
  const root = `exports/${exportId}/`;
  return {
    root,
    /** S3Prefix of the RDS export task; RDS adds `/<task id>/...`. */
    databasePrefix: `${root}database`,
    documentsPrefix: `${root}documents/`,
    partsPrefix: `${root}manifest/`,
    partKey: (n: number) => `${root}manifest/part-${String(n).padStart(5, '0')}.json`,
    manifestKey: `${root}manifest.json`,
    checksumKey: `${root}manifest.json.sha256`,
  };
};
