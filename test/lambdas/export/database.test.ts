import 'aws-sdk-client-mock-jest';
import { DescribeDBClusterSnapshotsCommand, DescribeExportTasksCommand, type ExportTask, StartExportTaskCommand } from '@aws-sdk/client-rds';
import { AccessDeniedError, ExportTaskError, SnapshotNotFoundError } from '../../../lambdas/export/errors';
import { AwsCallError } from '../../../lambdas/shared/retry';
import { CLUSTER, EXPORT, EXPORT_ID, KEY_ARN, ROLE_ARN, awsError, harness, lambdaContext, rdsMock, resetAll, snapshotArn } from './fixtures';

beforeEach(resetAll);

const snap = (id: string, at: string, status = 'available', type = 'automated') => ({
  DBClusterSnapshotIdentifier: id,
  DBClusterSnapshotArn: snapshotArn(id),
  SnapshotCreateTime: new Date(at),
  Status: status,
  SnapshotType: type,
  DBClusterIdentifier: CLUSTER,
});

function mockSnapshots(byType: Record<string, Array<ReturnType<typeof snap>>>, pageSize = 100): void {
  rdsMock.on(DescribeDBClusterSnapshotsCommand).callsFake(async (input) => {
    const all = byType[input.SnapshotType as string] ?? [];
    const from = input.Marker ? Number(input.Marker) : 0;
    const page = all.slice(from, from + pageSize);
    return { DBClusterSnapshots: page, ...(from + pageSize < all.length ? { Marker: String(from + pageSize) } : {}) };
  });
}

const task = (overrides: Partial<ExportTask> = {}): ExportTask => ({
  ExportTaskIdentifier: EXPORT_ID,
  SourceArn: snapshotArn('rds:hds-health-db-2026-11-22-03-00'),
  SnapshotTime: new Date('2026-11-22T03:00:00Z'),
  S3Bucket: EXPORT,
  S3Prefix: `exports/${EXPORT_ID}/database`,
  Status: 'COMPLETE',
  ...overrides,
});

describe('start', () => {
  test('exports the latest available snapshot among automated, manual and awsbackup ones, over several pages', async () => {
    const automated = Array.from({ length: 7 }, (_, i) => snap(`rds:auto-${i}`, `2026-11-${String(10 + i).padStart(2, '0')}T03:00:00Z`));
    mockSnapshots(
      {
        automated,
        manual: [snap('manual-old', '2026-10-01T00:00:00Z', 'available', 'manual')],
        // AWS Backup's is the newest; DescribeDBClusterSnapshots returns it only when asked for 'awsbackup'
        awsbackup: [snap('awsbackup:job-1', '2026-11-21T22:00:00Z', 'available', 'awsbackup'), snap('awsbackup:job-2', '2026-11-22T09:00:00Z', 'creating', 'awsbackup')],
      },
      3,
    );
    rdsMock.on(StartExportTaskCommand).resolves({ ExportTaskIdentifier: EXPORT_ID, Status: 'STARTING' });
    const { handler } = harness();

    await expect(handler({ action: 'start', exportId: EXPORT_ID }, lambdaContext())).resolves.toEqual({
      exportId: EXPORT_ID,
      snapshotArn: snapshotArn('awsbackup:job-1'),
      snapshotTime: '2026-11-21T22:00:00.000Z',
      exportTaskIdentifier: EXPORT_ID,
    });
    const types = rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand).map((c) => [c.args[0].input.SnapshotType, c.args[0].input.Marker]);
    expect(types).toEqual([
      ['automated', undefined],
      ['automated', '3'],
      ['automated', '6'],
      ['manual', undefined],
      ['awsbackup', undefined],
    ]);
    expect(rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand).every((c) => c.args[0].input.DBClusterIdentifier === CLUSTER)).toBe(true);
    expect(rdsMock).toHaveReceivedCommandWith(StartExportTaskCommand, {
      ExportTaskIdentifier: EXPORT_ID,
      SourceArn: snapshotArn('awsbackup:job-1'),
      S3BucketName: EXPORT,
      S3Prefix: `exports/${EXPORT_ID}/database`,
      IamRoleArn: ROLE_ARN,
      KmsKeyId: KEY_ARN,
    });
  });

  test('an automated snapshot newer than the awsbackup one wins', async () => {
    mockSnapshots({
      automated: [snap('rds:auto-new', '2026-11-22T03:00:00Z')],
      awsbackup: [snap('awsbackup:job-1', '2026-11-21T22:00:00Z', 'available', 'awsbackup')],
    });
    rdsMock.on(StartExportTaskCommand).resolves({ ExportTaskIdentifier: EXPORT_ID });
    const result = await harness().handler({ action: 'start', exportId: EXPORT_ID });
    expect(result).toMatchObject({ snapshotArn: snapshotArn('rds:auto-new') });
  });

  test('without exportId, it is derived from the clock, lower-cased', async () => {
    mockSnapshots({ manual: [snap('m1', '2026-11-20T00:00:00Z', 'available', 'manual')] });
    rdsMock.on(StartExportTaskCommand).resolves({ ExportTaskIdentifier: 'export-20261122t101500z' });
    const result = await harness().handler({ action: 'start' });
    expect(result).toMatchObject({ exportId: 'export-20261122t101500z', exportTaskIdentifier: 'export-20261122t101500z' });
    expect(rdsMock).toHaveReceivedCommandWith(StartExportTaskCommand, { S3Prefix: 'exports/export-20261122t101500z/database' });
  });

  test('only unavailable snapshots: a SnapshotNotFoundError naming the cluster and the statuses', async () => {
    mockSnapshots({
      automated: [snap('rds:a', '2026-11-22T03:00:00Z', 'creating')],
      awsbackup: [snap('awsbackup:b', '2026-11-21T03:00:00Z', 'copying', 'awsbackup'), snap('awsbackup:c', '2026-11-20T03:00:00Z', 'copying', 'awsbackup')],
    });
    const error = await harness().handler({ action: 'start', exportId: EXPORT_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotNotFoundError);
    expect((error as Error).message).toMatch(/DB cluster 'hds-health-db'.*3 snapshot\(s\) found, none available \(1 creating, 2 copying\)/);
    expect(rdsMock).not.toHaveReceivedCommand(StartExportTaskCommand);
  });

  test('no snapshot at all, or no such cluster: a SnapshotNotFoundError naming the cluster', async () => {
    mockSnapshots({});
    await expect(harness().handler({ action: 'start', exportId: EXPORT_ID })).rejects.toThrow(/'hds-health-db'.*has no snapshot/);
    rdsMock.reset();
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(awsError('DBClusterNotFoundFault', 404));
    await expect(harness().handler({ action: 'start', exportId: EXPORT_ID })).rejects.toThrow(/'hds-health-db'.*does not exist.*DB_CLUSTER_IDENTIFIER/);
  });

  test('a retried start finds its own task and returns it (idempotent)', async () => {
    mockSnapshots({ automated: [snap('rds:newer', '2026-11-22T09:00:00Z')] });
    rdsMock.on(StartExportTaskCommand).rejects(awsError('ExportTaskAlreadyExistsFault'));
    rdsMock.on(DescribeExportTasksCommand).resolves({ ExportTasks: [task({ Status: 'IN_PROGRESS' })] });
    const { handler, logs } = harness();
    await expect(handler({ action: 'start', exportId: EXPORT_ID })).resolves.toEqual({
      exportId: EXPORT_ID,
      snapshotArn: snapshotArn('rds:hds-health-db-2026-11-22-03-00'),
      snapshotTime: '2026-11-22T03:00:00.000Z',
      exportTaskIdentifier: EXPORT_ID,
    });
    expect(logs.some((l) => l.level === 'warn' && /already started/.test(l.message))).toBe(true);
  });

  test('an export id already used by another export is refused', async () => {
    mockSnapshots({ automated: [snap('rds:x', '2026-11-22T09:00:00Z')] });
    rdsMock.on(StartExportTaskCommand).rejects(awsError('ExportTaskAlreadyExistsFault'));
    rdsMock.on(DescribeExportTasksCommand).resolves({ ExportTasks: [task({ S3Bucket: 'someone-else' })] });
    await expect(harness().handler({ action: 'start', exportId: EXPORT_ID })).rejects.toThrow(
      new ExportTaskError(EXPORT_ID, `the task of this id writes to s3://someone-else/exports/${EXPORT_ID}/database, not to s3://${EXPORT}/exports/${EXPORT_ID}/database: it belongs to another export, choose another exportId`),
    );
  });

  test.each([
    ['IamRoleMissingPermissionsFault', /EXPORT_ROLE_ARN lacks s3:PutObject/],
    ['KMSKeyNotAccessibleFault', /EXPORT_KEY_ARN is disabled or not usable.*kms:CreateGrant/],
    ['InvalidS3BucketFault', /EXPORT_BUCKET does not exist/],
  ])('StartExportTask refused with %s: an ExportTaskError that says what to fix', async (fault, message) => {
    mockSnapshots({ automated: [snap('rds:x', '2026-11-22T09:00:00Z')] });
    rdsMock.on(StartExportTaskCommand).rejects(awsError(fault));
    const error = await harness().handler({ action: 'start', exportId: EXPORT_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportTaskError);
    expect((error as Error).message).toMatch(message);
  });

  test('throttling is retried with backoff, then succeeds', async () => {
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .rejectsOnce(awsError('Throttling'))
      .rejectsOnce(awsError('ThrottlingException', 400))
      .resolves({ DBClusterSnapshots: [snap('rds:x', '2026-11-22T09:00:00Z')] });
    rdsMock.on(StartExportTaskCommand).rejectsOnce(awsError('InternalFailure', 500)).resolves({ ExportTaskIdentifier: EXPORT_ID });
    const { handler, sleeps, logs } = harness();
    await expect(handler({ action: 'start', exportId: EXPORT_ID })).resolves.toMatchObject({ snapshotArn: snapshotArn('rds:x') });
    expect(sleeps).toEqual([150, 300, 150]);
    expect(logs.filter((l) => l.level === 'warn').map((l) => [l.api, l.errorName])).toEqual([
      ['rds:DescribeDBClusterSnapshots', 'Throttling'],
      ['rds:DescribeDBClusterSnapshots', 'ThrottlingException'],
      ['rds:StartExportTask', 'InternalFailure'],
    ]);
  });

  test('throttling past the retry budget fails with the call and the attempts', async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(awsError('Throttling'));
    const { handler, sleeps } = harness();
    const error = await handler({ action: 'start', exportId: EXPORT_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toMatch(/^rds:DescribeDBClusterSnapshots failed after 5 attempt\(s\): Throttling/);
    expect(sleeps).toHaveLength(4);
  });

  test('access denied is surfaced at once, with the IAM actions the call needs', async () => {
    mockSnapshots({ automated: [snap('rds:x', '2026-11-22T09:00:00Z')] });
    rdsMock.on(StartExportTaskCommand).rejects(awsError('AccessDenied', 403));
    const { handler, sleeps, logs } = harness();
    const error = await handler({ action: 'start', exportId: EXPORT_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toBe(
      `rds:StartExportTask on snapshot ${snapshotArn('rds:x')} was denied (AccessDenied): the function's role, the bucket policy or the key policy must allow rds:StartExportTask, iam:PassRole, kms:CreateGrant, kms:DescribeKey`,
    );
    expect(sleeps).toEqual([]);
    expect(logs.at(-1)).toMatchObject({ level: 'error', outcome: 'failed', errorName: 'AccessDeniedError', action: 'start', exportId: EXPORT_ID });
  });
});

describe('status', () => {
  test.each([
    ['STARTING', { status: 'running', detail: 'STARTING, 0% done' }],
    ['IN_PROGRESS', { status: 'running', detail: 'IN_PROGRESS, 42% done' }],
    ['COMPLETE', { status: 'complete' }],
    ['FAILED', { status: 'failed', detail: 'FAILED: The export failed because of an internal error' }],
    ['CANCELED', { status: 'failed', detail: 'CANCELED: The export failed because of an internal error' }],
    ['CANCELING', { status: 'failed', detail: 'CANCELING: The export failed because of an internal error' }],
  ])('RDS %s maps to %o', async (Status, expected) => {
    rdsMock.on(DescribeExportTasksCommand, { ExportTaskIdentifier: EXPORT_ID }).resolves({
      ExportTasks: [task({ Status, PercentProgress: Status === 'IN_PROGRESS' ? 42 : undefined, ...(/^(FAILED|CANCEL)/.test(Status) ? { FailureCause: 'The export failed because of an internal error' } : {}) })],
    });
    await expect(harness().handler({ action: 'status', exportId: EXPORT_ID })).resolves.toEqual({ exportId: EXPORT_ID, ...expected });
  });

  test('complete with skipped tables: the warning is the detail', async () => {
    rdsMock.on(DescribeExportTasksCommand).resolves({ ExportTasks: [task({ WarningMessage: 'Skipped 1 table: public.tmp_import' })] });
    await expect(harness().handler({ action: 'status', exportId: EXPORT_ID })).resolves.toEqual({ exportId: EXPORT_ID, status: 'complete', detail: 'Skipped 1 table: public.tmp_import' });
  });

  test('an unknown task or status is an ExportTaskError', async () => {
    rdsMock.on(DescribeExportTasksCommand).resolves({ ExportTasks: [] });
    await expect(harness().handler({ action: 'status', exportId: EXPORT_ID })).rejects.toThrow(/RDS knows no export task of this id: call 'start' first/);
    rdsMock.on(DescribeExportTasksCommand).rejects(awsError('ExportTaskNotFoundFault', 404));
    await expect(harness().handler({ action: 'status', exportId: EXPORT_ID })).rejects.toThrow(ExportTaskError);
    rdsMock.on(DescribeExportTasksCommand).resolves({ ExportTasks: [task({ Status: 'PAUSED' })] });
    await expect(harness().handler({ action: 'status', exportId: EXPORT_ID })).rejects.toThrow(/RDS reports status 'PAUSED', expected one of/);
  });
});
