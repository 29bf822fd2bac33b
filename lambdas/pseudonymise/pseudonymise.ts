/**
 * Pseudonymisation of patient identifiers for secondary use (DATA-02: research, analytics).
 *
 * What a pseudonym is. `pseudonym = hex(HMAC-SHA-256(K, message))`, computed by KMS `GenerateMac` with an
 * HMAC_256 key K that never leaves KMS; `message` is the canonical encoding of (encoding version, context,
 * identifier type, normalised identifier) in `encoding.ts`. Consequences:
 * - It is a keyed hash, not encryption: there is no decryption, and nothing turns a pseudonym back into an
 *   identifier. The same input always gives the same pseudonym (data sets can be joined on it); a different
 *   context or a different key gives an unrelated one (two studies cannot join their data without the key).
 * - Re-identification is possible only by recomputing: whoever can call GenerateMac with K can take a known
 *   identifier (or enumerate plausible ones: an INS has far fewer possible values than a MAC) and look its
 *   pseudonym up. That is why use of K is restricted to this function's role, with the condition
 *   `kms:MacAlgorithm = HMAC_SHA_256`, and every call is traced by CloudTrail. The output is pseudonymised
 *   data, still personal data under the RGPD (recital 26), not anonymous data.
 * - The pseudonym is 64 lower-case hex characters: safe in any file name, URL, CSV or spreadsheet cell and
 *   under case-insensitive collations (base64url can start with '-', which spreadsheets read as a formula).
 *
 * Rotation. KMS does not rotate HMAC keys automatically (automatic rotation is for symmetric encryption
 * keys only), and a key with new material would produce new pseudonyms anyway: rotating means creating a new
 * key, and every pseudonym changes, breaking joins with data sets made under the old key. Plan it as a
 * migration: keep the old key enabled (behind a versioned alias, say `alias/hds-pseudonym-v1`) while the
 * new one (`-v2`) recomputes the pseudonyms from the source identifiers, give each data set the key version
 * it was made with, then disable the old key. On a suspected key compromise the old key is disabled at
 * once, which stops this function (DisabledException) until PSEUDONYM_KEY_ID names the new key.
 *
 * Logs and errors carry counts, durations, the context and error codes only: never an identifier, a MAC
 * message or a MAC (`log.ts` has no field for them). Error messages name fields and indexes, not values,
 * since whoever catches them may log them.
 */
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { type Config, ConfigError, readConfig } from './config';
import { encodeMessage, formatPseudonym } from './encoding';
import { InvalidRequestError, type ValidRequest, validateRequest } from './input';
import { errorCode, type LogFields, type Logger } from './log';
import { MAC_ALGORITHM } from './permissions';
import { BatchAbortedError, CallFailure, KEY_PROBLEMS, type RetryPolicy, type Sleep, withRetry } from './retry';

export interface PseudonymiseResult {
  /** One per identifier, in input order: 64 lower-case hex characters. */
  readonly pseudonyms: string[];
}

/** Everything with a side effect or a clock, injectable so that tests neither wait nor call AWS. */
export interface Runtime {
  readonly kms: KMSClient;
  readonly sleep: Sleep;
  readonly random: () => number;
  /** Milliseconds from an arbitrary origin, for durations. */
  readonly clock: () => number;
  readonly log: Logger;
  readonly retry: RetryPolicy;
}

/** The key cannot be used (disabled, pending deletion, missing, wrong kind, not allowed): the batch fails. */
export class PseudonymKeyError extends Error {
  constructor(
    readonly keyId: string,
    readonly code: string,
  ) {
    super(`pseudonymisation key ${keyId} cannot be used: ${code}: ${KEY_PROBLEMS[code]}; no pseudonym was returned for the batch`);
    this.name = 'PseudonymKeyError';
  }
}

/** GenerateMac failed for another reason, or kept being throttled past the retry budget: the batch fails. */
export class KmsCallError extends Error {
  constructor(
    readonly code: string,
    readonly attempts: number,
    why: string,
  ) {
    super(`kms:GenerateMac failed with ${code} after ${attempts} attempt(s) (${why}); no pseudonym was returned for the batch`);
    this.name = 'KmsCallError';
  }
}

/** The invocation was about to time out: the calls still running were stopped and the batch fails. */
export class DeadlineExceededError extends Error {
  readonly code = 'DeadlineExceeded';
  constructor(done: number, total: number) {
    super(
      `time budget of the invocation exhausted after ${done} of ${total} distinct identifiers; no pseudonym was returned for the batch: send smaller batches or raise the function timeout`,
    );
    this.name = 'DeadlineExceededError';
  }
}

/** The part of the Lambda context this function reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept back from the calls to fail cleanly (and log why) before Lambda kills the invocation. */
export const SAFETY_MARGIN_MS = 2_000;

interface Stats {
  kmsCalls: number;
  retries: number;
}

/** Validates the environment and the event, pseudonymises the batch, logs one summary line (or the failure). */
export async function handleRequest(
  event: unknown,
  env: NodeJS.ProcessEnv,
  runtime: Runtime,
  invocation?: InvocationContext,
): Promise<PseudonymiseResult> {
  const started = runtime.clock();
  const stats: Stats = { kmsCalls: 0, retries: 0 };
  let summary: LogFields = {};
  try {
    const config = readConfig(env);
    const request = validateRequest(event);
    summary = { context: request.context, identifiers: request.identifiers.length };
    const budgetMs = invocation ? invocation.getRemainingTimeInMillis() - SAFETY_MARGIN_MS : undefined;
    const { result, distinct } = await pseudonymise(request, config, runtime, stats, budgetMs);
    runtime.log('info', 'pseudonyms computed', { ...summary, distinct, ...stats, durationMs: elapsed(runtime, started), outcome: 'ok' });
    return result;
  } catch (err) {
    const fields: LogFields = { ...summary, ...stats, durationMs: elapsed(runtime, started), errorName: errorCode(err) };
    if (err instanceof InvalidRequestError) {
      // The problems are counted, not logged: the caller gets them in the error, which names no value anyway.
      runtime.log('error', 'request rejected', { ...fields, outcome: 'invalid-request', problems: err.problems.length });
    } else if (err instanceof ConfigError) {
      runtime.log('error', 'configuration invalid', { ...fields, outcome: 'invalid-config' });
    } else if (err instanceof PseudonymKeyError) {
      runtime.log('error', 'pseudonymisation key unusable', { ...fields, outcome: 'key-unusable', errorName: err.code });
    } else if (err instanceof KmsCallError) {
      runtime.log('error', 'GenerateMac failed', { ...fields, outcome: 'kms-failed', errorName: err.code });
    } else if (err instanceof DeadlineExceededError) {
      runtime.log('error', 'time budget exhausted', { ...fields, outcome: 'deadline', errorName: err.code });
    } else {
      runtime.log('error', 'pseudonymisation failed', { ...fields, outcome: 'error' });
    }
    throw err;
  }
}

function elapsed(runtime: Runtime, started: number): number {
  return Math.round(runtime.clock() - started);
}

/**
 * One GenerateMac per distinct (type, value) of the batch, at most `config.concurrency` in flight. The
 * first call that fails for good, or the end of the time budget, aborts the others: the batch returns every
 * pseudonym or none.
 */
export async function pseudonymise(
  request: ValidRequest,
  config: Config,
  runtime: Runtime,
  stats: Stats = { kmsCalls: 0, retries: 0 },
  budgetMs?: number,
): Promise<{ result: PseudonymiseResult; distinct: number }> {
  const messages: Buffer[] = [];
  const slotOf: number[] = [];
  const slotByMessage = new Map<string, number>();
  for (const { type, value } of request.identifiers) {
    const message = encodeMessage(request.context, type, value);
    const key = message.toString('base64');
    let slot = slotByMessage.get(key);
    if (slot === undefined) {
      slot = messages.length;
      slotByMessage.set(key, slot);
      messages.push(message);
    }
    slotOf.push(slot);
  }

  const macs: string[] = new Array<string>(messages.length);
  const controller = new AbortController();
  let next = 0;
  let done = 0;
  let failure: unknown;
  const fail = (err: unknown) => {
    if (failure === undefined) {
      failure = err;
      // Sleeps and SDK calls still running reject with this reason.
      controller.abort(new BatchAbortedError());
    }
  };
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < messages.length) {
      const slot = next++;
      try {
        macs[slot] = await generateMac(messages[slot], config, runtime, controller.signal, request.context, stats);
        done++;
      } catch (err) {
        fail(err);
        return;
      }
    }
  };
  const timer =
    budgetMs === undefined || messages.length === 0
      ? undefined
      : setTimeout(() => {
          if (done < messages.length) fail(new DeadlineExceededError(done, messages.length));
        }, Math.max(0, budgetMs));
  try {
    await Promise.all(Array.from({ length: Math.min(config.concurrency, messages.length) }, worker));
  } finally {
    clearTimeout(timer);
  }
  if (failure !== undefined) throw batchError(failure, config);

  return { result: { pseudonyms: slotOf.map((slot) => macs[slot]) }, distinct: messages.length };
}

async function generateMac(
  message: Buffer,
  config: Config,
  runtime: Runtime,
  signal: AbortSignal,
  context: string,
  stats: Stats,
): Promise<string> {
  const output = await withRetry(
    () => {
      stats.kmsCalls++;
      return runtime.kms.send(new GenerateMacCommand({ KeyId: config.keyId, MacAlgorithm: MAC_ALGORITHM, Message: message }), {
        abortSignal: signal,
      });
    },
    {
      ...runtime.retry,
      sleep: runtime.sleep,
      random: runtime.random,
      signal,
      onRetry: (info) => {
        stats.retries++;
        runtime.log('warn', 'GenerateMac retried after a throttling or transient fault', { context, ...info });
      },
    },
  );
  if (!output.Mac || output.Mac.byteLength !== 32 || (output.MacAlgorithm !== undefined && output.MacAlgorithm !== MAC_ALGORITHM)) {
    throw new KmsCallError('UnexpectedMacResponse', 1, `expected a 32-byte ${MAC_ALGORITHM} MAC`);
  }
  return formatPseudonym(output.Mac);
}

function batchError(err: unknown, config: Config): Error {
  if (err instanceof CallFailure) {
    if (err.kind === 'key-unusable') return new PseudonymKeyError(config.keyId, err.errorName);
    const why = err.kind === 'retryable' ? 'retry budget exhausted: KMS kept throttling or failing, retry the batch later' : 'not retryable';
    return new KmsCallError(err.errorName, err.attempts, why);
  }
  if (err instanceof KmsCallError || err instanceof DeadlineExceededError) return err;
  // Not expected; its message is not trusted to be free of data, so only its code goes on.
  return new KmsCallError(errorCode(err), 1, 'unexpected error');
}
