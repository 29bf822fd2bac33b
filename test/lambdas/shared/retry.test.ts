import {
  AwsCallError,
  DeadlineExceededError,
  backoffDelay,
  classifyError,
  errorName,
  realSleep,
  withDeadline,
  withRetry,
} from '../../../lambdas/shared/retry';
import { awsError } from '../restore-validator/fixtures';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

function options(sleeps: number[] = [], extra: { signal?: AbortSignal } = {}) {
  return {
    ...policy,
    random: () => 0.5,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    ...extra,
  };
}

describe('classifyError', () => {
  test.each([
    ['ThrottlingException', 400, 'throttled'],
    ['TooManyRequestsException', 429, 'throttled'],
    ['Throttling', 400, 'throttled'],
    ['RequestLimitExceeded', 400, 'throttled'],
    ['SlowDown', 503, 'throttled'],
    ['Unknown', 429, 'throttled'],
    ['InternalError', 500, 'transient'],
    ['Unknown', 503, 'transient'],
    ['AccessDenied', 403, 'access-denied'],
    ['AccessDeniedException', 400, 'access-denied'],
    ['Unknown', 403, 'access-denied'],
    ['NoSuchBucket', 404, 'not-found'],
    ['NotFound', 404, 'not-found'],
    ['DBClusterNotFoundFault', 404, 'not-found'],
    ['ValidationException', 400, 'other'],
  ])('%s (HTTP %d) is %s', (name, status, kind) => {
    expect(classifyError(awsError(name, status))).toBe(kind);
  });

  test('$retryable marks throttling or transient faults the SDK knows about', () => {
    expect(classifyError(Object.assign(awsError('SomeNewThrottle'), { $retryable: { throttling: true } }))).toBe('throttled');
    expect(classifyError(Object.assign(awsError('SomeNewFault'), { $retryable: {} }))).toBe('transient');
  });

  test('socket errors are transient', () => {
    expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('transient');
  });

  test('errorName falls back to the HTTP status when the SDK has no code', () => {
    expect(errorName(awsError('Unknown', 403))).toBe('HTTP 403');
    expect(errorName(new Error('plain'))).toBe('Error');
  });
});

describe('backoffDelay', () => {
  test('grows exponentially up to the cap, with jitter in the upper half', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('withRetry', () => {
  test('throttling then success: retried, attempts counted', async () => {
    const sleeps: number[] = [];
    const fn = jest.fn().mockRejectedValueOnce(awsError('ThrottlingException')).mockRejectedValueOnce(awsError('SlowDown', 503)).mockResolvedValue('ok');
    await expect(withRetry('kms:DescribeKey', fn, options(sleeps))).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(fn.mock.calls.map((c) => c[0])).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([75, 150]);
  });

  test('throttling exhausted: stops at maxAttempts with an AwsCallError', async () => {
    const sleeps: number[] = [];
    const fn = jest.fn().mockRejectedValue(awsError('ThrottlingException'));
    const error = await withRetry('kms:DescribeKey', fn, options(sleeps)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ api: 'kms:DescribeKey', attempts: 4, kind: 'throttled', errorName: 'ThrottlingException' });
    expect(fn).toHaveBeenCalledTimes(4);
    expect(sleeps).toEqual([75, 150, 300]);
  });

  test.each(['AccessDenied', 'NoSuchBucket', 'ValidationException'])('%s is not retried', async (name) => {
    const sleeps: number[] = [];
    const fn = jest.fn().mockRejectedValue(awsError(name, name === 'AccessDenied' ? 403 : 400));
    await expect(withRetry('s3:HeadBucket', fn, options(sleeps))).rejects.toBeInstanceOf(AwsCallError);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
  });

  test('an aborted signal stops retrying with the deadline error', async () => {
    const controller = new AbortController();
    const fn = jest.fn().mockImplementation(async () => {
      controller.abort(new DeadlineExceededError());
      throw awsError('ThrottlingException');
    });
    await expect(withRetry('s3:HeadBucket', fn, options([], { signal: controller.signal }))).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('realSleep and withDeadline', () => {
  test('realSleep waits, and rejects as soon as its signal aborts', async () => {
    await expect(realSleep(5)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = realSleep(60_000, controller.signal);
    controller.abort(new DeadlineExceededError('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  test('withDeadline returns the value in time, times out otherwise and aborts the work', async () => {
    await expect(withDeadline(1000, async () => 42)).resolves.toEqual({ timedOut: false, value: 42 });
    let signalSeen: AbortSignal | undefined;
    const result = await withDeadline(20, (signal) => {
      signalSeen = signal;
      return new Promise(() => undefined);
    });
    expect(result).toEqual({ timedOut: true });
    expect(signalSeen?.aborted).toBe(true);
    await expect(withDeadline(0, async () => 1)).resolves.toEqual({ timedOut: true });
  });

  test('withDeadline lets errors of the work through', async () => {
    await expect(withDeadline(1000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
