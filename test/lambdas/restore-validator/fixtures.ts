import { BackupClient, DescribeRestoreJobCommand, type DescribeRestoreJobOutput, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetBucketEncryptionCommand, HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { RestoreJobStateChangeEvent } from '../../../lambdas/restore-validator/events';
import { createHandler } from '../../../lambdas/restore-validator/index';
import type { LogFields, LogLevel } from '../../../lambdas/restore-validator/log';
import type { Runtime } from '../../../lambdas/restore-validator/runtime';

export const ACCOUNT = '111122223333';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:eu-west-3:${ACCOUNT}:key/${KEY_ID}`;
export const OTHER_KEY_ARN = `arn:aws:kms:eu-west-3:${ACCOUNT}:key/99999999-0000-0000-0000-000000000000`;
export const PLAN_ARN = `arn:aws:backup:eu-west-3:${ACCOUNT}:restore-testing-plan:hds_weekly-0a1b2c3d`;
export const NAMESPACE = 'HdsBlueprint/RestoreTests';
export const JOB_ID = '7ad1e1c0-2f3c-4c7e-9d6a-0b1c2d3e4f50';
export const BUCKET = 'awsbackup-restore-test-8f2c1d';
export const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
export const CLUSTER_ARN = `arn:aws:rds:eu-west-3:${ACCOUNT}:cluster:awsbackup-restore-test-4e5f6a`;
export const CLUSTER_ENDPOINT = 'awsbackup-restore-test-4e5f6a.cluster-cxyz.eu-west-3.rds.amazonaws.com';

export const ENV = {
  EXPECTED_KEY_ARN: KEY_ARN,
  ALLOWED_REGIONS: 'eu-west-3,eu-west-1',
  METRIC_NAMESPACE: NAMESPACE,
  RESTORE_TESTING_PLAN_ARN: PLAN_ARN,
} as const;

// One mock per client class: every instance, including the module-scope clients of index.ts, is intercepted.
export const backupMock = mockClient(BackupClient);
export const kmsMock = mockClient(KMSClient);
export const s3Mock = mockClient(S3Client);
export const rdsMock = mockClient(RDSClient);
export const cloudwatchMock = mockClient(CloudWatchClient);
export const allMocks = [backupMock, kmsMock, s3Mock, rdsMock, cloudwatchMock];

const savedEnv = { ...process.env };

/** Fresh mocks and environment for each test. */
export function resetAll(): void {
  for (const mock of allMocks) mock.reset();
  for (const name of [...Object.keys(ENV), 'FRESHNESS_LOOKBACK_DAYS', 'DB_CONNECT_TIMEOUT_MS']) delete process.env[name];
  Object.assign(process.env, savedEnv, ENV);
}

/** An SDK-like service error: what the SDK throws, reduced to the fields the validator reads. */
export function awsError(name: string, httpStatusCode = 400, message = `${name} (test)`): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

export function restoreEvent(restoreJobId = JOB_ID, detail: Record<string, unknown> = {}): RestoreJobStateChangeEvent {
  return {
    version: '0',
    id: 'b3f4c0de-0000-0000-0000-000000000001',
    'detail-type': 'Restore Job State Change',
    source: 'aws.backup',
    account: ACCOUNT,
    time: '2025-06-02T03:40:00Z',
    region: 'eu-west-3',
    resources: [],
    detail: { restoreJobId, status: 'COMPLETED', resourceType: 'S3', createdResourceArn: BUCKET_ARN, ...detail },
  };
}

export function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: 'c0ffee00-0000-0000-0000-000000000002',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: '2025-06-10T06:00:00Z',
    region: 'eu-west-3',
    resources: [`arn:aws:events:eu-west-3:${ACCOUNT}:rule/restore-watchdog`],
    detail: {},
  };
}

export function lambdaContext(remainingMs = 60_000) {
  return { getRemainingTimeInMillis: () => remainingMs };
}

export interface Harness {
  readonly handler: ReturnType<typeof createHandler>;
  readonly sleeps: number[];
  readonly logs: Array<{ level: LogLevel; message: string } & LogFields>;
  readonly connect: jest.Mock<Promise<void>, [string, number, number, AbortSignal | undefined]>;
}

/** A handler whose sleeps, jitter, clock, sockets and logs are under the test's control. */
export function harness(overrides: Partial<Runtime> = {}): Harness {
  const sleeps: number[] = [];
  const logs: Harness['logs'] = [];
  const connect = jest.fn<Promise<void>, [string, number, number, AbortSignal | undefined]>(async () => undefined);
  const handler = createHandler({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => new Date('2025-06-10T06:00:00Z'),
    connect,
    log: (level, message, fields = {}) => logs.push({ level, message, ...fields }),
    ...overrides,
  });
  return { handler, sleeps, logs, connect };
}

export function restoreJob(overrides: Partial<DescribeRestoreJobOutput> = {}): DescribeRestoreJobOutput {
  return {
    AccountId: ACCOUNT,
    RestoreJobId: JOB_ID,
    Status: 'COMPLETED',
    ResourceType: 'S3',
    CreatedResourceArn: BUCKET_ARN,
    CreatedBy: { RestoreTestingPlanArn: PLAN_ARN },
    CompletionDate: new Date('2025-06-02T03:35:00Z'),
    ...overrides,
  };
}

export function mockHealthyKey(): void {
  kmsMock.on(DescribeKeyCommand, { KeyId: KEY_ARN }).resolves({
    KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, KeyState: 'Enabled', Enabled: true },
  });
  kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
}

export function mockReporting(): void {
  backupMock.on(PutRestoreValidationResultCommand).resolves({});
  cloudwatchMock.on(PutMetricDataCommand).resolves({});
}

export function mockS3Restore(): void {
  backupMock.on(DescribeRestoreJobCommand).resolves(restoreJob());
  s3Mock.on(HeadBucketCommand).resolves({});
  s3Mock.on(GetBucketEncryptionCommand).resolves({
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true }],
    },
  });
  s3Mock.on(ListObjectsV2Command).resolves({ KeyCount: 1, Contents: [{ Key: 'patient-documents/0001.pdf' }] });
  mockHealthyKey();
  mockReporting();
}

export function mockAuroraRestore(): void {
  backupMock.on(DescribeRestoreJobCommand).resolves(restoreJob({ ResourceType: 'Aurora', CreatedResourceArn: CLUSTER_ARN }));
  rdsMock.on(DescribeDBClustersCommand).resolves({
    DBClusters: [
      {
        DBClusterArn: CLUSTER_ARN,
        Status: 'available',
        StorageEncrypted: true,
        KmsKeyId: KEY_ARN,
        Endpoint: CLUSTER_ENDPOINT,
        Port: 5432,
        DBClusterMembers: [{ DBInstanceIdentifier: 'awsbackup-restore-test-4e5f6a-1', IsClusterWriter: true }],
      },
    ],
  });
  mockHealthyKey();
  mockReporting();
}

/** The validation result expected in PutRestoreValidationResult. */
export function expectedReport(ValidationStatus: 'SUCCESSFUL' | 'FAILED', message: string | RegExp) {
  return {
    RestoreJobId: JOB_ID,
    ValidationStatus,
    ValidationStatusMessage: typeof message === 'string' ? message : expect.stringMatching(message),
  };
}

export function expectedMetric(MetricName: string, resourceType: string) {
  return {
    Namespace: NAMESPACE,
    MetricData: [{ MetricName, Value: 1, Unit: 'Count', Dimensions: [{ Name: 'ResourceType', Value: resourceType }] }],
  };
}
