/**
 * Retries with exponential backoff and jitter, owned here rather than by the SDK (clients are built
 * with maxAttempts: 1) so that the policy is explicit, bounded and testable.
 */

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  /** Total attempts, first one included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5000 };

export type FaultKind = 'throttled' | 'transient' | 'access-denied' | 'not-found' | 'other';

export interface RetryInfo {
  readonly api: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly errorName: string;
}

export interface RetryOptions extends RetryPolicy {
  readonly sleep: Sleep;
  /** Uniform in [0, 1): Math.random in production, fixed in tests. */
  readonly random: () => number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (info: RetryInfo) => void;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
  'RequestThrottledException',
  'ThrottledException',
  'ProvisionedThroughputExceededException',
]);
const TRANSIENT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden']);
const NOT_FOUND = new Set(['NoSuchBucket', 'NotFound', 'DBClusterNotFoundFault', 'NotFoundException', 'ResourceNotFoundException']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The error's code; for body-less S3 HEAD errors, which the SDK names 'Unknown', the HTTP status. */
export function errorName(err: unknown): string {
  const e = (err ?? {}) as ErrorShape;
  for (const candidate of [e.name, e.Code, e.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error' && candidate !== 'Unknown') return candidate;
  }
  const status = httpStatus(err);
  return status !== undefined ? `HTTP ${status}` : 'Error';
}

export function errorMessage(err: unknown, max = 300): string {
  const raw = err instanceof Error ? err.message : String(err);
  return raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
}

function httpStatus(err: unknown): number | undefined {
  const status = ((err ?? {}) as ErrorShape).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

export function classifyError(err: unknown): FaultKind {
  const name = errorName(err);
  const code = ((err ?? {}) as ErrorShape).code;
  const status = httpStatus(err);
  if (THROTTLING.has(name) || status === 429) return 'throttled';
  if (ACCESS_DENIED.has(name) || status === 403) return 'access-denied';
  if (NOT_FOUND.has(name) || status === 404) return 'not-found';
  const retryable = ((err ?? {}) as ErrorShape).$retryable;
  if (typeof retryable === 'object' && retryable !== null && (retryable as { throttling?: unknown }).throttling === true) {
    return 'throttled';
  }
  if (retryable || TRANSIENT.has(name) || (typeof code === 'string' && TRANSIENT.has(code)) || (status !== undefined && status >= 500)) {
    return 'transient';
  }
  return 'other';
}

/** An AWS call that failed for good: after retries, or at once when retrying cannot help. */
export class AwsCallError extends Error {
  constructor(
    readonly api: string,
    readonly attempts: number,
    readonly kind: FaultKind,
    readonly errorName: string,
    readonly cause: unknown,
  ) {
    super(`${api} failed after ${attempts} attempt(s): ${errorName}: ${errorMessage(cause)}`);
    this.name = 'AwsCallError';
  }
}

/** Raised when the invocation's time budget is spent; never reported as an AWS fault. */
export class DeadlineExceededError extends Error {
  constructor(message = 'time budget exhausted') {
    super(message);
    this.name = 'DeadlineExceededError';
  }
}

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // Half fixed, half jittered: the delay still grows with each attempt while concurrent callers spread out.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DeadlineExceededError();
}

export async function withRetry<T>(api: string, fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await fn(attempt);
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      const kind = classifyError(err);
      const retryable = kind === 'throttled' || kind === 'transient';
      if (!retryable || attempt >= options.maxAttempts) {
        throw new AwsCallError(api, attempt, kind, errorName(err), err);
      }
      const delayMs = backoffDelay(attempt, options, options.random);
      options.onRetry?.({ api, attempt, delayMs, errorName: errorName(err) });
      await options.sleep(delayMs, signal);
    }
  }
}

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal ? abortReason(signal) : new DeadlineExceededError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export type DeadlineResult<T> = { readonly timedOut: false; readonly value: T } | { readonly timedOut: true };

/**
 * Runs work with a time budget. When the budget runs out the work's signal is aborted (in-flight SDK
 * calls, sleeps and sockets stop) and { timedOut: true } is returned at once, leaving time to report.
 * Errors thrown by the work before the deadline propagate.
 */
export async function withDeadline<T>(budgetMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<DeadlineResult<T>> {
  const controller = new AbortController();
  if (budgetMs <= 0) {
    controller.abort(new DeadlineExceededError());
    return { timedOut: true };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DeadlineResult<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DeadlineExceededError());
      resolve({ timedOut: true });
    }, budgetMs);
  });
  const run = work(controller.signal).then((value): DeadlineResult<T> => ({ timedOut: false, value }));
  // After a timeout the abandoned work usually rejects with the abort reason; nobody awaits it any more.
  run.catch(() => undefined);
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
