import type { BackupClient } from '@aws-sdk/client-backup';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from './config';
import type { Logger } from './log';
import type { ApiCall } from './permissions';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep, withRetry } from '../shared/retry';
import type { TcpConnector } from './tcp';

export interface Clients {
  readonly backup: BackupClient;
  readonly kms: KMSClient;
  readonly s3: S3Client;
  readonly rds: RDSClient;
  readonly cloudwatch: CloudWatchClient;
}

/** Everything with a side effect or a clock, injectable so that tests neither wait nor open sockets. */
export interface Runtime {
  readonly clients: Clients;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly now: () => Date;
  readonly connect: TcpConnector;
  readonly log: Logger;
  readonly retry: RetryPolicy;
  /** Time kept back from the checks to report the result before the Lambda is killed. */
  readonly safetyMarginMs: number;
  /** Time kept back from reporting itself, so that its failure can still be thrown and logged. */
  readonly reportMarginMs: number;
}

export const DEFAULT_SAFETY_MARGIN_MS = 10_000;
export const DEFAULT_REPORT_MARGIN_MS = 1_000;
export { DEFAULT_RETRY_POLICY };

/** What every check needs: configuration, runtime, the deadline's signal and where it is at. */
export interface CheckContext {
  readonly config: Config;
  readonly runtime: Runtime;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The API call or step in progress, named in the message when time runs out. */
  readonly progress: { step: string };
}

/** One AWS call, retried on throttling and transient faults, aborted with the deadline. */
export function callAws<T>(ctx: CheckContext, api: ApiCall, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  ctx.progress.step = api;
  return withRetry(api, () => send(ctx.signal), {
    ...ctx.runtime.retry,
    sleep: ctx.runtime.sleep,
    random: ctx.runtime.random,
    signal: ctx.signal,
    onRetry: (info) => ctx.log('warn', 'retrying after a throttling or transient fault', info),
  });
}
