import { setMaxListeners } from 'node:events';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
// The retry policy and error classification are the restore validator's, shared rather than copied.
import { AwsCallError, DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep, withRetry } from '../shared/retry';
import type { Config } from './config';
import { AccessDeniedError, DeadlineExceededError } from './errors';
import type { Logger } from './log';
import { type ApiCall, IAM_ACTIONS_BY_API_CALL } from './permissions';

export interface Clients {
  readonly rds: RDSClient;
  readonly s3: S3Client;
}

/** Everything with a side effect or a clock, injectable so that tests neither wait nor call AWS. */
export interface Runtime {
  readonly clients: Clients;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly now: () => Date;
  readonly log: Logger;
  readonly retry: RetryPolicy;
  /** No new object is started once less than this is left (the objects in flight go on). */
  readonly stopMarginMs: number;
  /** Objects still in flight are aborted when this is left: the time to write a part and return. */
  readonly abortMarginMs: number;
  /** Bytes per millisecond assumed for a copy or a hash, to leave an object too big for the time left to the next call. */
  readonly bytesPerMs: number;
}

export const DEFAULT_STOP_MARGIN_MS = 30_000;
export const DEFAULT_ABORT_MARGIN_MS = 5_000;
/** 50 MB/s: a conservative pace for a server-side copy or a streamed hash in the same Region. */
export const DEFAULT_BYTES_PER_MS = 50_000;
export { DEFAULT_RETRY_POLICY };

/** The part of the Lambda context this function reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * The invocation's time. `work` aborts the calls in flight at the abort margin; `finish` aborts what is
 * left (writing the part, returning) just before Lambda would kill the invocation. Without a context
 * (tests, local runs) there is no deadline.
 */
export class Deadline {
  readonly work = new AbortController();
  readonly finish = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly context: InvocationContext | undefined,
    private readonly runtime: Pick<Runtime, 'stopMarginMs' | 'abortMarginMs' | 'bytesPerMs'>,
  ) {
    shared(this.work.signal);
    shared(this.finish.signal);
    if (!context) return;
    const left = context.getRemainingTimeInMillis();
    this.arm(this.work, left - runtime.abortMarginMs, 'the calls in flight were stopped to return before the Lambda timeout');
    this.arm(this.finish, left - 500, 'the Lambda timeout was reached while finishing the invocation');
  }

  private arm(controller: AbortController, ms: number, why: string): void {
    const abort = () => controller.abort(new DeadlineExceededError(`time budget of the invocation exhausted: ${why}`));
    if (ms <= 0) abort();
    else this.timers.push(setTimeout(abort, ms));
  }

  /** Milliseconds left, read live from the Lambda context. */
  remainingMs(): number {
    return this.context ? this.context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY;
  }

  /**
   * Whether to start one more object of `bytes`. The first object of an invocation is always started when
   * the stop margin allows it, however large: otherwise nothing would ever progress.
   */
  canStart(bytes: number, first: boolean): boolean {
    if (this.work.signal.aborted) return false;
    const spare = this.remainingMs() - this.runtime.stopMarginMs;
    if (spare <= 0) return false;
    return first || bytes / this.runtime.bytesPerMs < spare;
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}

/** What every step needs. */
export interface StepContext {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly log: Logger;
  readonly deadline: Deadline;
}

/**
 * One AWS call, retried on throttling and transient faults, aborted with `signal`. Access denied is turned
 * into an AccessDeniedError that names the resource and the IAM actions the call needs.
 */
export async function callAws<T>(
  ctx: StepContext,
  api: ApiCall,
  resource: string,
  signal: AbortSignal,
  send: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await withRetry(api, () => abortable(send(signal), signal), {
      ...ctx.runtime.retry,
      sleep: ctx.runtime.sleep,
      random: ctx.runtime.random,
      signal,
      onRetry: (info) => ctx.log('warn', 'retrying after a throttling or transient fault', { ...info, resource }),
    });
  } catch (err) {
    if (err instanceof AwsCallError && err.kind === 'access-denied') throw new AccessDeniedError(api, resource, IAM_ACTIONS_BY_API_CALL[api], err.errorName);
    throw err;
  }
}

/**
 * A signal shared by every call in flight: each adds an abort listener (removed when it settles), so Node's
 * default of 10 would warn of a leak at concurrency 8 with retries and parts.
 */
export function shared(signal: AbortSignal): AbortSignal {
  setMaxListeners(0, signal);
  return signal;
}

/**
 * Settles with the signal's reason as soon as it aborts, even if the call does not: what was not done
 * by the deadline is not counted as done, whatever the call does later.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}


/** Runs `fn` over `items` in order, at most `limit` in flight; starts nothing more once `start` refuses an item. */
export async function runPool<T>(items: readonly T[], limit: number, start: (item: T, index: number) => boolean, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < items.length) {
      const index = next;
      if (!start(items[index], index)) {
        stopped = true;
        return;
      }
      next++;
      await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
