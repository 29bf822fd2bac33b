import { backoffDelay, type RetryPolicy, type Sleep } from '../shared/retry';
import { errorCode } from './log';

/**
 * Retries of GenerateMac with exponential backoff and jitter, owned here rather than by the SDK (the client
 * is built with maxAttempts: 1) so that the policy is explicit, bounded and tested. The backoff, the policy's
 * shape and the sleep are the platform's (`lambdas/shared/retry.ts`); what is KMS-specific is here: which
 * faults are worth a retry, which mean the key is unusable, and a batch that stops at its first failure.
 */

export { realSleep } from '../shared/retry';
export type { RetryPolicy, Sleep };

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 3000 };

/** KMS says retrying can succeed: throttling (the account's HMAC request quota) and internal faults. */
const RETRYABLE = new Set([
  'ThrottlingException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/** The key cannot be used: retrying is pointless and every pseudonym of the batch would fail the same way. */
export const KEY_PROBLEMS: Readonly<Record<string, string>> = {
  DisabledException: 'the key is disabled: enable it, or point PSEUDONYM_KEY_ID at the active key',
  KMSInvalidStateException: 'the key is not usable in its current state (pending deletion, pending import or unavailable)',
  NotFoundException: 'the key or alias does not exist in this account and region',
  InvalidKeyUsageException: 'the key is not an HMAC key for GenerateMac (key spec HMAC_256, key usage GENERATE_VERIFY_MAC)',
  AccessDeniedException: "the key policy or the function's role does not allow kms:GenerateMac with HMAC_SHA_256",
};

export type FaultKind = 'retryable' | 'key-unusable' | 'other';

export function classifyError(err: unknown): FaultKind {
  const code = errorCode(err);
  if (Object.hasOwn(KEY_PROBLEMS, code)) return 'key-unusable';
  if (RETRYABLE.has(code)) return 'retryable';
  const e = (err ?? {}) as { code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof e.code === 'string' && RETRYABLE.has(e.code)) return 'retryable';
  const status = e.$metadata?.httpStatusCode;
  if (e.$retryable || (typeof status === 'number' && (status === 429 || status >= 500))) return 'retryable';
  return 'other';
}

export interface RetryOptions extends RetryPolicy {
  readonly sleep: Sleep;
  /** Uniform in [0, 1): Math.random in production, fixed in tests. */
  readonly random: () => number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (info: { attempt: number; delayMs: number; errorName: string }) => void;
}

/** A call that failed for good, with its last error's code and the attempts made; no data. */
export class CallFailure extends Error {
  constructor(
    readonly kind: FaultKind,
    readonly errorName: string,
    readonly attempts: number,
  ) {
    super(`${errorName} after ${attempts} attempt(s)`);
    this.name = 'CallFailure';
  }
}

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(options.signal);
    try {
      return await fn();
    } catch (err) {
      throwIfAborted(options.signal);
      const kind = classifyError(err);
      if (kind !== 'retryable' || attempt >= options.maxAttempts) throw new CallFailure(kind, errorCode(err), attempt);
      const delayMs = backoffDelay(attempt, options, options.random);
      options.onRetry?.({ attempt, delayMs, errorName: errorCode(err) });
      await options.sleep(delayMs, options.signal);
    }
  }
}

/** Raised in the calls still running once another call of the batch has failed for good. */
export class BatchAbortedError extends Error {
  constructor() {
    super('aborted: another call of the batch failed');
    this.name = 'BatchAbortedError';
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BatchAbortedError();
}
