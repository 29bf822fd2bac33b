import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { readConfig } from './config';
import { describeEvent, isRestoreJobStateChange, isScheduledEvent, type ValidatorEvent } from './events';
import { jsonLogger } from './log';
import type { InvocationContext } from './report';
import { DEFAULT_RETRY_POLICY, realSleep } from '../shared/retry';
import { type Clients, DEFAULT_REPORT_MARGIN_MS, DEFAULT_SAFETY_MARGIN_MS, type Runtime } from './runtime';
import { connectTcp } from './tcp';
import { type ValidationOutcome, validateRestoreJob } from './validate';
import { runWatchdog, type WatchdogOutcome } from './watchdog';

export { API_CALLS, IAM_ACTIONS } from './permissions';

// Retries are done by withRetry (retry.ts), so that the policy is explicit and tested.
const clients: Clients = {
  backup: new BackupClient({ maxAttempts: 1 }),
  kms: new KMSClient({ maxAttempts: 1 }),
  s3: new S3Client({ maxAttempts: 1 }),
  rds: new RDSClient({ maxAttempts: 1 }),
  cloudwatch: new CloudWatchClient({ maxAttempts: 1 }),
};

export type HandlerResult = ValidationOutcome | WatchdogOutcome;

export function createHandler(overrides: Partial<Runtime> = {}) {
  const runtime: Runtime = {
    clients,
    sleep: realSleep,
    random: Math.random,
    now: () => new Date(),
    connect: connectTcp,
    log: jsonLogger,
    retry: DEFAULT_RETRY_POLICY,
    safetyMarginMs: DEFAULT_SAFETY_MARGIN_MS,
    reportMarginMs: DEFAULT_REPORT_MARGIN_MS,
    ...overrides,
  };
  return async (event: ValidatorEvent, context: InvocationContext): Promise<HandlerResult> => {
    const config = readConfig(process.env);
    if (isRestoreJobStateChange(event)) return validateRestoreJob(event.detail.restoreJobId, config, runtime, context);
    if (isScheduledEvent(event)) return runWatchdog(config, runtime, context);
    throw new Error(
      `unsupported event (${describeEvent(event)}): expected aws.backup 'Restore Job State Change' or aws.events 'Scheduled Event'`,
    );
  };
}

export const handler = createHandler();
