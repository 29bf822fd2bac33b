import { DescribeDBClusterSnapshotsCommand, DescribeExportTasksCommand, type ExportTask, StartExportTaskCommand } from '@aws-sdk/client-rds';
import { AwsCallError } from '../shared/retry';
import { ExportTaskError, SnapshotNotFoundError, UnexpectedResponseError } from './errors';
import { layout } from './events';
import { type StepContext, callAws } from './runtime';

export interface StartResult {
  readonly exportId: string;
  readonly snapshotArn: string;
  /** ISO 8601, UTC: when the snapshot was taken, i.e. the point in time the database export shows. */
  readonly snapshotTime: string;
  readonly exportTaskIdentifier: string;
}

export type ExportStatus = 'running' | 'complete' | 'failed';

export interface StatusResult {
  readonly exportId: string;
  readonly status: ExportStatus;
  /** running: progress; complete: RDS's warning (tables it skipped), if any; failed: RDS's failure cause. */
  readonly detail?: string;
}

/**
 * DescribeDBClusterSnapshots returns automated and manual snapshots by default, and AWS Backup's only when
 * asked with SnapshotType 'awsbackup': each type is asked for explicitly, so none is forgotten.
 */
export const SNAPSHOT_TYPES = ['automated', 'manual', 'awsbackup'] as const;
/** A guard against a Marker that never ends: 100 pages of 100 snapshots is far above any retention. */
export const MAX_SNAPSHOT_PAGES = 100;

export interface Snapshot {
  readonly arn: string;
  readonly time: Date;
  readonly type: string;
}

/** The most recent `available` snapshot of the cluster among every type; ties go to the greater ARN, for determinism. */
export async function findLatestSnapshot(ctx: StepContext): Promise<Snapshot> {
  const cluster = ctx.config.clusterIdentifier;
  const statuses = new Map<string, number>();
  let latest: Snapshot | undefined;
  let seen = 0;
  for (const type of SNAPSHOT_TYPES) {
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await callAws(ctx, 'rds:DescribeDBClusterSnapshots', `cluster ${cluster}`, ctx.deadline.work.signal, (abortSignal) =>
        ctx.runtime.clients.rds.send(
          new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: cluster, SnapshotType: type, MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }),
          { abortSignal },
        ),
      ).catch((err: unknown) => {
        if (err instanceof AwsCallError && (err.kind === 'not-found' || err.errorName === 'DBClusterNotFoundFault')) {
          throw new SnapshotNotFoundError(cluster, 'the cluster does not exist in this account and Region: check DB_CLUSTER_IDENTIFIER');
        }
        throw err;
      });
      pages++;
      for (const s of page.DBClusterSnapshots ?? []) {
        seen++;
        const status = s.Status ?? 'unknown';
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status !== 'available' || !s.DBClusterSnapshotArn || !s.SnapshotCreateTime) continue;
        const candidate = { arn: s.DBClusterSnapshotArn, time: s.SnapshotCreateTime, type: s.SnapshotType ?? type };
        if (!latest || candidate.time > latest.time || (candidate.time.getTime() === latest.time.getTime() && candidate.arn > latest.arn)) latest = candidate;
      }
      const next = page.Marker;
      if (next && (next === marker || pages >= MAX_SNAPSHOT_PAGES)) {
        throw new UnexpectedResponseError('rds:DescribeDBClusterSnapshots', `cluster ${cluster}`, `pagination did not end after ${pages} pages of ${type} snapshots`);
      }
      marker = next;
    } while (marker);
  }
  if (latest) return latest;
  if (seen === 0) throw new SnapshotNotFoundError(cluster, 'the cluster has no snapshot: wait for the first automated backup or take a manual snapshot');
  const listed = [...statuses].map(([status, n]) => `${n} ${status}`).join(', ');
  throw new SnapshotNotFoundError(cluster, `${seen} snapshot(s) found, none available (${listed}): wait until one is available, then start again`);
}

/** What RDS says when it refuses to start a task, and what to do. */
const START_FAULTS: Readonly<Record<string, string>> = {
  IamRoleNotFoundFault: 'the role EXPORT_ROLE_ARN does not exist',
  IamRoleMissingPermissionsFault: 'the role EXPORT_ROLE_ARN lacks s3:PutObject*, s3:GetObject*, s3:ListBucket, s3:DeleteObject* or s3:GetBucketLocation on EXPORT_BUCKET, or cannot be assumed by export.rds.amazonaws.com',
  InvalidS3BucketFault: 'EXPORT_BUCKET does not exist or is not reachable with the export role',
  KMSKeyNotAccessibleFault: 'EXPORT_KEY_ARN is disabled or not usable: the function needs kms:CreateGrant and kms:DescribeKey on it, the export role kms:Encrypt, kms:Decrypt, kms:GenerateDataKey* and kms:ReEncrypt*',
  InvalidExportSourceStateFault: 'the snapshot cannot be exported in its current state',
  InvalidExportOnlyFault: 'the ExportOnly list is invalid',
  InvalidExportTaskStateFault: 'the export task is not in a state that allows this',
  DBClusterSnapshotNotFoundFault: 'the snapshot was deleted after it was found: start again',
};

export async function startExport(ctx: StepContext, exportId: string): Promise<StartResult> {
  const snapshot = await findLatestSnapshot(ctx);
  ctx.log('info', 'latest available snapshot found', { snapshotArn: snapshot.arn, snapshotType: snapshot.type });
  const { config } = ctx;
  try {
    const out = await callAws(ctx, 'rds:StartExportTask', `snapshot ${snapshot.arn}`, ctx.deadline.finish.signal, (abortSignal) =>
      ctx.runtime.clients.rds.send(
        new StartExportTaskCommand({
          ExportTaskIdentifier: exportId,
          SourceArn: snapshot.arn,
          S3BucketName: config.exportBucket,
          S3Prefix: layout(exportId).databasePrefix,
          IamRoleArn: config.exportRoleArn,
          KmsKeyId: config.exportKeyArn,
        }),
        { abortSignal },
      ),
    );
    return { exportId, snapshotArn: snapshot.arn, snapshotTime: snapshot.time.toISOString(), exportTaskIdentifier: out.ExportTaskIdentifier ?? exportId };
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    if (err.errorName === 'ExportTaskAlreadyExistsFault' || err.errorName === 'ExportTaskAlreadyExists') {
      // A retried 'start': the task of this id is ours if it writes where this export does; then it is the answer.
      const task = await describeTask(ctx, exportId);
      if (!task) throw new ExportTaskError(exportId, 'RDS says the task exists but does not describe it: retry later');
      checkOwnTask(ctx, exportId, task);
      if (!task.SourceArn || !task.SnapshotTime) throw new UnexpectedResponseError('rds:DescribeExportTasks', exportId, 'the task has no SourceArn or SnapshotTime');
      ctx.log('warn', 'export task already started with this id: returning it', { snapshotArn: task.SourceArn, status: task.Status });
      return { exportId, snapshotArn: task.SourceArn, snapshotTime: task.SnapshotTime.toISOString(), exportTaskIdentifier: task.ExportTaskIdentifier ?? exportId };
    }
    const why = START_FAULTS[err.errorName];
    if (why) throw new ExportTaskError(exportId, `StartExportTask refused (${err.errorName}): ${why}`);
    throw err;
  }
}

/** The task of this id, or undefined when RDS knows none. */
export async function describeTask(ctx: StepContext, exportId: string): Promise<ExportTask | undefined> {
  try {
    const out = await callAws(ctx, 'rds:DescribeExportTasks', `export task ${exportId}`, ctx.deadline.finish.signal, (abortSignal) =>
      ctx.runtime.clients.rds.send(new DescribeExportTasksCommand({ ExportTaskIdentifier: exportId }), { abortSignal }),
    );
    return (out.ExportTasks ?? []).find((t) => t.ExportTaskIdentifier === exportId);
  } catch (err) {
    if (err instanceof AwsCallError && (err.errorName === 'ExportTaskNotFoundFault' || err.errorName === 'ExportTaskNotFound')) return undefined;
    throw err;
  }
}

/** A task id is account-wide: refuse one that writes somewhere else than this export. */
export function checkOwnTask(ctx: StepContext, exportId: string, task: ExportTask): void {
  const expected = { bucket: ctx.config.exportBucket, prefix: layout(exportId).databasePrefix };
  if (task.S3Bucket !== expected.bucket || (task.S3Prefix ?? '') !== expected.prefix) {
    throw new ExportTaskError(
      exportId,
      `the task of this id writes to s3://${task.S3Bucket ?? '?'}/${task.S3Prefix ?? ''}, not to s3://${expected.bucket}/${expected.prefix}: it belongs to another export, choose another exportId`,
    );
  }
}

const RUNNING = new Set(['STARTING', 'IN_PROGRESS']);
const FAILED = new Set(['FAILED', 'CANCELED', 'CANCELLED', 'CANCELING', 'CANCELLING']);

export function mapStatus(exportId: string, task: ExportTask): StatusResult {
  const status = (task.Status ?? '').toUpperCase();
  if (RUNNING.has(status)) return { exportId, status: 'running', detail: `${status}, ${task.PercentProgress ?? 0}% done` };
  if (status === 'COMPLETE') return { exportId, status: 'complete', ...(task.WarningMessage ? { detail: task.WarningMessage } : {}) };
  if (FAILED.has(status)) return { exportId, status: 'failed', detail: task.FailureCause ? `${status}: ${task.FailureCause}` : status };
  throw new ExportTaskError(exportId, `RDS reports status '${task.Status ?? ''}', expected one of STARTING, IN_PROGRESS, COMPLETE, FAILED, CANCELING, CANCELED`);
}

export async function exportStatus(ctx: StepContext, exportId: string): Promise<StatusResult> {
  const task = await describeTask(ctx, exportId);
  if (!task) throw new ExportTaskError(exportId, "RDS knows no export task of this id: call 'start' first, with this exportId");
  checkOwnTask(ctx, exportId, task);
  return mapStatus(exportId, task);
}
