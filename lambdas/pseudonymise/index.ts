/**
 * Lambda entry point of the pseudonymisation function (DATA-02); what a pseudonym is, its guarantees and
 * key rotation are documented in `pseudonymise.ts`.
 *
 * Event:  { context: 'research-cohort-2026', identifiers: [{ type: 'INS' | 'internal', value: string }, ...] }
 *         (0 to 1,000 identifiers)
 * Env:    PSEUDONYM_KEY_ID (HMAC_256 key ARN, id or alias), KMS_MAX_CONCURRENCY (optional, default 8)
 * Result: { pseudonyms: string[] } in input order, 64 lower-case hex characters each
 * Errors: InvalidRequestError, ConfigError, PseudonymKeyError, KmsCallError, DeadlineExceededError (stops
 *         2 s before the Lambda timeout); none names an identifier. A batch returns every pseudonym or none.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { jsonLogger } from './log';
import { type InvocationContext, type PseudonymiseResult, type Runtime, handleRequest } from './pseudonymise';
import { DEFAULT_RETRY_POLICY, realSleep } from './retry';

export type { PseudonymiseRequest } from './input';
export type { PseudonymiseResult } from './pseudonymise';
export { API_CALLS, IAM_ACTIONS } from './permissions';

// Retries are done by withRetry (retry.ts), so that the policy is explicit and tested.
const kms = new KMSClient({ maxAttempts: 1 });

export function createHandler(overrides: Partial<Runtime> = {}) {
  const runtime: Runtime = {
    kms,
    sleep: realSleep,
    random: Math.random,
    clock: () => performance.now(),
    log: jsonLogger,
    retry: DEFAULT_RETRY_POLICY,
    ...overrides,
  };
  return (event: unknown, context?: InvocationContext): Promise<PseudonymiseResult> => handleRequest(event, process.env, runtime, context);
}

export const handler = createHandler();
