/**
 * Lambda entry point of the export function (DATA-03); the steps and the contract with the state machine
 * are documented in `actions.ts`, the event in `events.ts`.
 *
 * Env:    DB_CLUSTER_IDENTIFIER, DOCUMENTS_BUCKET, EXPORT_BUCKET, EXPORT_KEY_ARN, EXPORT_ROLE_ARN,
 *         MAX_CONCURRENCY (optional, 1-32, default 8)
 * Errors: ConfigError, InvalidRequestError, SnapshotNotFoundError, ExportTaskError, CopyError, ManifestError,
 *         AccessDeniedError, DeadlineExceededError, UnexpectedResponseError, AwsCallError (retries exhausted)
 */
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_RETRY_POLICY, realSleep } from '../shared/retry';
import { type ExportResult, handleRequest } from './actions';
import { jsonLogger } from './log';
import { type Clients, DEFAULT_ABORT_MARGIN_MS, DEFAULT_BYTES_PER_MS, DEFAULT_STOP_MARGIN_MS, type InvocationContext, type Runtime } from './runtime';

export type { ExportEvent } from './events';
export type { ExportResult } from './actions';
export { API_CALLS, IAM_ACTIONS } from './permissions';

// Retries are done by withRetry (lambdas/shared/retry.ts), so that the policy is explicit and tested.
const clients: Clients = {
  rds: new RDSClient({ maxAttempts: 1 }),
  s3: new S3Client({ maxAttempts: 1 }),
};

export function createHandler(overrides: Partial<Runtime> = {}) {
  const runtime: Runtime = {
    clients,
    sleep: realSleep,
    random: Math.random,
    now: () => new Date(),
    log: jsonLogger,
    retry: DEFAULT_RETRY_POLICY,
    stopMarginMs: DEFAULT_STOP_MARGIN_MS,
    abortMarginMs: DEFAULT_ABORT_MARGIN_MS,
    bytesPerMs: DEFAULT_BYTES_PER_MS,
    ...overrides,
  };
  return (event: unknown, context?: InvocationContext): Promise<ExportResult> => handleRequest(event, process.env, runtime, context);
}

export const handler = createHandler();
