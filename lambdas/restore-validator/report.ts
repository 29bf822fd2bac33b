import { PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { type Dimension, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { Config } from './config';
import type { Logger } from './log';
import { withDeadline } from '../shared/retry';
import { type CheckContext, type Runtime, callAws } from './runtime';

export const METRIC_SUCCEEDED = 'RestoreValidationSucceeded';
export const METRIC_FAILED = 'RestoreValidationFailed';
export const METRIC_HOURS_SINCE_SUCCESS = 'HoursSinceLastSuccessfulRestoreTest';
export const MAX_VALIDATION_MESSAGE_LENGTH = 1000;

export type ValidationStatus = 'SUCCESSFUL' | 'FAILED';

/** Lambda context, reduced to what the validator reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export function truncate(message: string, max = MAX_VALIDATION_MESSAGE_LENGTH): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

/**
 * Runs AWS calls with the time left minus the report margin. Timing out counts as an error: a report
 * that cannot be made must fail the invocation.
 */
export async function runBounded<T>(
  config: Config,
  runtime: Runtime,
  context: InvocationContext,
  log: Logger,
  step: string,
  work: (ctx: CheckContext) => Promise<T>,
): Promise<T> {
  const budget = context.getRemainingTimeInMillis() - runtime.reportMarginMs;
  const progress = { step };
  const result = await withDeadline(budget, (signal) => work({ config, runtime, signal, log, progress }));
  if (result.timedOut) throw new Error(`timed out during ${progress.step}: the Lambda ran out of time (${budget} ms were left)`);
  return result.value;
}

export async function putMetric(
  ctx: CheckContext,
  metricName: string,
  value: number,
  unit: StandardUnit,
  dimensions: Dimension[] = [],
): Promise<void> {
  await callAws(ctx, 'cloudwatch:PutMetricData', (abortSignal) =>
    ctx.runtime.clients.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: ctx.config.metricNamespace,
        MetricData: [{ MetricName: metricName, Value: value, Unit: unit, ...(dimensions.length > 0 ? { Dimensions: dimensions } : {}) }],
      }),
      { abortSignal },
    ),
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Reports the validation result to AWS Backup, then publishes the outcome metric. Both are attempted
 * even if the first fails, so that the alarm still sees a failure; any failure is then thrown with context.
 */
export async function reportValidation(
  config: Config,
  runtime: Runtime,
  context: InvocationContext,
  log: Logger,
  report: { restoreJobId: string; resourceType: string; status: ValidationStatus; message: string },
): Promise<void> {
  const { restoreJobId, resourceType, status } = report;
  const message = truncate(report.message);
  const metricName = status === 'SUCCESSFUL' ? METRIC_SUCCEEDED : METRIC_FAILED;

  let reportError: unknown;
  try {
    await runBounded(config, runtime, context, log, 'backup:PutRestoreValidationResult', (ctx) =>
      callAws(ctx, 'backup:PutRestoreValidationResult', (abortSignal) =>
        runtime.clients.backup.send(
          new PutRestoreValidationResultCommand({ RestoreJobId: restoreJobId, ValidationStatus: status, ValidationStatusMessage: message }),
          { abortSignal },
        ),
      ),
    );
  } catch (err) {
    reportError = err;
    log('error', 'PutRestoreValidationResult failed', { outcome: status, errorMessage: messageOf(err) });
  }

  let metricError: unknown;
  try {
    await runBounded(config, runtime, context, log, 'cloudwatch:PutMetricData', (ctx) =>
      putMetric(ctx, metricName, 1, 'Count', [{ Name: 'ResourceType', Value: resourceType }]),
    );
    log('info', 'metric published', { metricName, metricValue: 1, outcome: status });
  } catch (err) {
    metricError = err;
    log('error', 'PutMetricData failed', { metricName, errorMessage: messageOf(err) });
  }

  if (reportError) {
    const also = metricError ? `; metric ${metricName} was not published either: ${messageOf(metricError)}` : '';
    throw new Error(
      `could not report validation result ${status} for restore job ${restoreJobId} (${resourceType}): ${messageOf(reportError)}${also}`,
      { cause: reportError },
    );
  }
  if (metricError) {
    throw new Error(
      `validation result ${status} was reported for restore job ${restoreJobId} (${resourceType}) but metric ${metricName} was not published in ${config.metricNamespace}: ${messageOf(metricError)}`,
      { cause: metricError },
    );
  }
}
