/**
 * The errors the export function throws. Each message names the field or resource, the value received
 * and what is allowed or what to do. Object keys may appear (they are logged by CloudTrail anyway);
 * object contents never do: no code path reads a body into a message.
 */

/** The longest value echoed in a message; longer ones are cut. */
const MAX_ECHO = 120;

export function echo(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO - 1)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

export class ConfigError extends Error {
  readonly code = 'InvalidConfiguration';
  constructor(readonly problems: readonly string[]) {
    super(`export configuration is invalid: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export class InvalidRequestError extends Error {
  readonly code = 'InvalidRequest';
  constructor(readonly problems: readonly string[]) {
    super(`export request is invalid: ${problems.join('; ')}`);
    this.name = 'InvalidRequestError';
  }
}

/** The cluster has no snapshot the export can start from. */
export class SnapshotNotFoundError extends Error {
  readonly code = 'SnapshotNotFound';
  constructor(
    readonly cluster: string,
    detail: string,
  ) {
    super(`no available snapshot of DB cluster '${cluster}' (automated, manual or awsbackup): ${detail}`);
    this.name = 'SnapshotNotFoundError';
  }
}

/** The RDS export task could not be started, was not found, failed, or does not belong to this export. */
export class ExportTaskError extends Error {
  readonly code = 'ExportTaskError';
  constructor(
    readonly exportId: string,
    message: string,
  ) {
    super(`export task '${exportId}': ${message}`);
    this.name = 'ExportTaskError';
  }
}

/** A document cannot be copied as asked (its destination key would be too long, its source changed). */
export class CopyError extends Error {
  readonly code = 'CopyError';
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

/** The manifest cannot be built or trusted: a part is missing, mixed, malformed, or an object changed. */
export class ManifestError extends Error {
  readonly code = 'ManifestError';
  constructor(
    readonly exportId: string,
    message: string,
  ) {
    super(`manifest of export '${exportId}': ${message}`);
    this.name = 'ManifestError';
  }
}

/** AWS answered something the API does not allow (a truncated page without a token, a part without an ETag). */
export class UnexpectedResponseError extends Error {
  readonly code = 'UnexpectedResponse';
  constructor(
    readonly api: string,
    readonly resource: string,
    what: string,
  ) {
    super(`${api} on ${resource}: unexpected response: ${what}`);
    this.name = 'UnexpectedResponseError';
  }
}

/** The role lacks a permission: the message names the call, the resource and the IAM actions it needs. */
export class AccessDeniedError extends Error {
  readonly code = 'AccessDenied';
  constructor(
    readonly api: string,
    readonly resource: string,
    readonly actions: readonly string[],
    errorName: string,
  ) {
    super(`${api} on ${resource} was denied (${errorName}): the function's role, the bucket policy or the key policy must allow ${actions.join(', ')}`);
    this.name = 'AccessDeniedError';
  }
}

/**
 * The invocation ran out of time. Thrown only when no progress at all could be made (one object too large
 * for the time left); otherwise the action stops early and returns a continuation token.
 */
export class DeadlineExceededError extends Error {
  readonly code = 'DeadlineExceeded';
  constructor(message = 'time budget of the invocation exhausted') {
    super(message);
    this.name = 'DeadlineExceededError';
  }
}
