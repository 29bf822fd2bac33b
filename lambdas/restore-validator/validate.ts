import { DescribeRestoreJobCommand, type DescribeRestoreJobOutput } from '@aws-sdk/client-backup';
import { type CheckResult, checkAuroraCluster, checkExpectedKey, checkS3Bucket } from './checks';
import type { Config } from './config';
import { withFields } from './log';
import { type InvocationContext, type ValidationStatus, reportValidation, runBounded, truncate } from './report';
import { DeadlineExceededError, errorMessage, errorName, withDeadline } from '../shared/retry';
import { type CheckContext, type Runtime, callAws } from './runtime';

export type ValidationOutcome =
  | { readonly outcome: ValidationStatus; readonly message: string }
  | { readonly outcome: 'skipped'; readonly reason: string };

/** What a restore job restored, as far as this validator is concerned. */
export type RestoreTarget =
  | { readonly kind: 'S3'; readonly resourceType: 'S3'; readonly arn: string; readonly bucket: string }
  | { readonly kind: 'Aurora'; readonly resourceType: 'Aurora'; readonly arn: string }
  | { readonly kind: 'unvalidated'; readonly resourceType: string; readonly arn?: string; readonly reason: string };

export const VALIDATED_RESOURCE_TYPES = ['S3', 'Aurora'] as const;

const S3_BUCKET_ARN = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$/;
const RDS_CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;

export function resolveTarget(job: Pick<DescribeRestoreJobOutput, 'ResourceType' | 'CreatedResourceArn'>): RestoreTarget {
  const type = job.ResourceType ?? 'Unknown';
  const arn = job.CreatedResourceArn;
  const isCluster = arn !== undefined && RDS_CLUSTER_ARN.test(arn);
  const resourceType = type === 'Aurora' || (type === 'RDS' && isCluster) ? 'Aurora' : type;

  if (resourceType !== 'S3' && resourceType !== 'Aurora') {
    return {
      kind: 'unvalidated',
      resourceType,
      arn,
      reason: `resource type ${type} is not validated by the restore validator (validated types: ${VALIDATED_RESOURCE_TYPES.join(', ')}); restored resource ${arn ?? '(none reported)'}`,
    };
  }
  if (!arn) {
    return { kind: 'unvalidated', resourceType, reason: `${resourceType} restore job reports no CreatedResourceArn: there is no restored resource to validate` };
  }
  if (resourceType === 'S3') {
    const bucket = S3_BUCKET_ARN.exec(arn)?.[1];
    return bucket
      ? { kind: 'S3', resourceType, arn, bucket }
      : { kind: 'unvalidated', resourceType, arn, reason: `CreatedResourceArn ${arn} is not an S3 bucket ARN` };
  }
  return isCluster
    ? { kind: 'Aurora', resourceType, arn }
    : { kind: 'unvalidated', resourceType, arn, reason: `CreatedResourceArn ${arn} is not an RDS cluster ARN` };
}

export interface ValidationResult {
  readonly status: ValidationStatus;
  readonly message: string;
}

function verdict(target: RestoreTarget & { arn: string }, resource: CheckResult, key: CheckResult, keyArn: string): ValidationResult {
  const noun = target.kind === 'S3' ? 'bucket' : 'cluster';
  const problems = [...resource.problems, ...key.problems];
  if (problems.length > 0) {
    return { status: 'FAILED', message: `${target.resourceType} restore validation failed for ${target.arn}: ${problems.join('; ')}` };
  }
  return {
    status: 'SUCCESSFUL',
    message: `${target.resourceType} restore validated: ${noun} ${target.arn} ${resource.facts.join(', ')}; expected key ${keyArn} ${key.facts.join(', ')}`,
  };
}

/** Runs the checks for one target. Never throws except when the deadline aborts it. */
export async function runChecks(target: RestoreTarget, ctx: CheckContext, accountId?: string): Promise<ValidationResult> {
  try {
    switch (target.kind) {
      case 'unvalidated':
        return { status: 'FAILED', message: target.reason };
      case 'S3': {
        const resource = await checkS3Bucket(ctx, target.arn, target.bucket, accountId);
        const key = await checkExpectedKey(ctx);
        return verdict(target, resource, key, ctx.config.expectedKeyArn);
      }
      case 'Aurora': {
        const resource = await checkAuroraCluster(ctx, target.arn);
        const key = await checkExpectedKey(ctx);
        return verdict(target, resource, key, ctx.config.expectedKeyArn);
      }
    }
  } catch (err) {
    if (ctx.signal.aborted || err instanceof DeadlineExceededError) throw err;
    return {
      status: 'FAILED',
      message: `unexpected error validating ${target.resourceType} ${target.arn ?? ''} during ${ctx.progress.step}: ${errorName(err)}: ${errorMessage(err, 300)}`,
    };
  }
}

/**
 * Validates the resource restored by one restore job and reports the result. Jobs not started by the
 * configured restore testing plan, or not completed, are skipped without reporting.
 */
export async function validateRestoreJob(
  restoreJobId: string,
  config: Config,
  runtime: Runtime,
  context: InvocationContext,
): Promise<ValidationOutcome> {
  const log = withFields(runtime.log, { restoreJobId });

  let job: DescribeRestoreJobOutput;
  try {
    job = await runBounded(config, runtime, context, log, 'backup:DescribeRestoreJob', (ctx) =>
      callAws(ctx, 'backup:DescribeRestoreJob', (abortSignal) =>
        runtime.clients.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }), { abortSignal }),
      ),
    );
  } catch (err) {
    // Without the job we cannot tell whether it is a restore test, so there is nothing safe to report: fail the invocation.
    const message = `cannot describe restore job ${restoreJobId}: ${err instanceof Error ? err.message : String(err)}`;
    log('error', message, { errorName: errorName(err) });
    throw new Error(message, { cause: err });
  }

  const plan = job.CreatedBy?.RestoreTestingPlanArn;
  const skip = (reason: string): ValidationOutcome => {
    log('info', 'restore job skipped', { outcome: 'skipped', reason, resourceType: job.ResourceType });
    return { outcome: 'skipped', reason };
  };
  if (!plan) return skip('not created by a restore testing plan (no CreatedBy.RestoreTestingPlanArn)');
  if (plan !== config.restoreTestingPlanArn) {
    return skip(`created by restore testing plan ${plan}, not by ${config.restoreTestingPlanArn}`);
  }
  if (job.Status !== 'COMPLETED') {
    return skip(`restore job status is ${job.Status ?? 'unknown'}; only COMPLETED jobs are validated (failed jobs are alarmed separately)`);
  }

  const target = resolveTarget(job);
  const rlog = withFields(log, { resourceType: target.resourceType, ...(target.arn ? { resourceArn: target.arn } : {}) });
  rlog('info', 'validating restored resource');

  const remaining = context.getRemainingTimeInMillis();
  const budget = remaining - runtime.safetyMarginMs;
  const progress = { step: 'start of validation' };
  const checked = await withDeadline(budget, (signal) =>
    runChecks(target, { config, runtime, signal, log: rlog, progress }, job.AccountId),
  );
  const result: ValidationResult = checked.timedOut
    ? {
        status: 'FAILED',
        message:
          budget <= 0
            ? `timed out before validating ${target.resourceType} ${target.arn ?? ''}: only ${remaining} ms were left and ${runtime.safetyMarginMs} ms are kept to report`
            : `timed out validating ${target.resourceType} ${target.arn ?? ''} after ${budget} ms (the Lambda's remaining time minus a ${runtime.safetyMarginMs} ms safety margin to report), during ${progress.step}`,
      }
    : checked.value;
  const message = truncate(result.message);

  rlog(result.status === 'SUCCESSFUL' ? 'info' : 'error', message, { outcome: result.status });
  await reportValidation(config, runtime, context, rlog, { restoreJobId, resourceType: target.resourceType, status: result.status, message });
  return { outcome: result.status, message };
}
