import 'aws-sdk-client-mock-jest';
import { DescribeRestoreJobCommand, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeKeyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { DBClusterNotFoundFault, DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { GetBucketEncryptionCommand, HeadBucketCommand, ListObjectsV2Command, NoSuchBucket, NotFound } from '@aws-sdk/client-s3';
import type { ScheduledEvent } from 'aws-lambda';
import { TcpConnectError } from '../../../lambdas/restore-validator/tcp';
import {
  ACCOUNT,
  BUCKET,
  BUCKET_ARN,
  CLUSTER_ARN,
  CLUSTER_ENDPOINT,
  JOB_ID,
  KEY_ARN,
  KEY_ID,
  OTHER_KEY_ARN,
  PLAN_ARN,
  allMocks,
  awsError,
  backupMock,
  cloudwatchMock,
  expectedMetric,
  expectedReport,
  harness,
  kmsMock,
  lambdaContext,
  mockAuroraRestore,
  mockS3Restore,
  rdsMock,
  resetAll,
  restoreEvent,
  restoreJob,
  s3Mock,
  scheduledEvent,
} from './fixtures';

const S3_OK = `S3 restore validated: bucket ${BUCKET_ARN} exists, default encryption aws:kms with the expected key, holds objects; expected key ${KEY_ARN} in allowed region eu-west-3, Enabled, rotation on`;
const AURORA_OK = `Aurora restore validated: cluster ${CLUSTER_ARN} available, encrypted with the expected key, endpoint answers on port 5432; expected key ${KEY_ARN} in allowed region eu-west-3, Enabled, rotation on`;
const S3_FAILED = `S3 restore validation failed for ${BUCKET_ARN}: `;
const AURORA_FAILED = `Aurora restore validation failed for ${CLUSTER_ARN}: `;

beforeEach(resetAll);

/** Runs the handler on the restore job event and checks that the result was reported and counted. */
async function validate(status: 'SUCCESSFUL' | 'FAILED', message: string, resourceType: string, h = harness()) {
  const result = await h.handler(restoreEvent(), lambdaContext());
  expect(result).toEqual({ outcome: status, message });
  expect(backupMock).toHaveReceivedCommandTimes(PutRestoreValidationResultCommand, 1);
  expect(backupMock.commandCalls(PutRestoreValidationResultCommand)[0].args[0].input).toEqual(expectedReport(status, message));
  expect(cloudwatchMock).toHaveReceivedCommandTimes(PutMetricDataCommand, 1);
  expect(cloudwatchMock.commandCalls(PutMetricDataCommand)[0].args[0].input).toEqual(
    expectedMetric(status === 'SUCCESSFUL' ? 'RestoreValidationSucceeded' : 'RestoreValidationFailed', resourceType),
  );
  return h;
}

describe('S3 restore', () => {
  test('success: checks the bucket and the key, reports SUCCESSFUL and counts it', async () => {
    mockS3Restore();
    const h = await validate('SUCCESSFUL', S3_OK, 'S3');

    expect(backupMock).toHaveReceivedCommandWith(DescribeRestoreJobCommand, { RestoreJobId: JOB_ID });
    expect(s3Mock.commandCalls(HeadBucketCommand)[0].args[0].input).toEqual({ Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT });
    expect(s3Mock.commandCalls(GetBucketEncryptionCommand)[0].args[0].input).toEqual({ Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT });
    expect(s3Mock.commandCalls(ListObjectsV2Command)[0].args[0].input).toEqual({ Bucket: BUCKET, MaxKeys: 1, ExpectedBucketOwner: ACCOUNT });
    expect(kmsMock.commandCalls(DescribeKeyCommand)[0].args[0].input).toEqual({ KeyId: KEY_ARN });
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand)[0].args[0].input).toEqual({ KeyId: KEY_ARN });
    expect(rdsMock.calls()).toHaveLength(0);
    expect(h.connect).not.toHaveBeenCalled();
    expect(h.sleeps).toEqual([]);
  });

  test('logs are flat JSON-safe records with the job and resource, never object keys or contents', async () => {
    mockS3Restore();
    const h = await validate('SUCCESSFUL', S3_OK, 'S3');
    const outcome = h.logs.find((l) => l.outcome === 'SUCCESSFUL' && l.level === 'info' && l.message === S3_OK);
    expect(outcome).toMatchObject({ restoreJobId: JOB_ID, resourceType: 'S3', resourceArn: BUCKET_ARN });
    for (const line of h.logs) {
      expect(JSON.parse(JSON.stringify(line))).toEqual(line);
      expect(Object.values(line).every((v) => ['string', 'number', 'boolean'].includes(typeof v))).toBe(true);
    }
    expect(JSON.stringify(h.logs)).not.toContain('patient-documents');
  });

  test('a bare key id or an alias resolving to the expected key is accepted', async () => {
    mockS3Restore();
    s3Mock.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ID } }] },
    });
    await validate('SUCCESSFUL', S3_OK, 'S3');

    resetAll();
    mockS3Restore();
    const alias = `arn:aws:kms:eu-west-3:${ACCOUNT}:alias/hds-backup`;
    s3Mock.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: alias } }] },
    });
    kmsMock.on(DescribeKeyCommand, { KeyId: alias }).resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN } });
    await validate('SUCCESSFUL', S3_OK, 'S3');
    expect(kmsMock).toHaveReceivedCommandWith(DescribeKeyCommand, { KeyId: alias });
  });

  test('throttling then success: retried with growing backoff, attempts counted, SUCCESSFUL', async () => {
    mockS3Restore();
    s3Mock
      .on(GetBucketEncryptionCommand)
      .rejectsOnce(awsError('SlowDown', 503))
      .rejectsOnce(awsError('SlowDown', 503))
      .resolves({
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }] },
      });
    kmsMock.on(GetKeyRotationStatusCommand).rejectsOnce(awsError('ThrottlingException')).resolves({ KeyRotationEnabled: true });

    const h = await validate('SUCCESSFUL', S3_OK, 'S3');
    expect(s3Mock).toHaveReceivedCommandTimes(GetBucketEncryptionCommand, 3);
    expect(kmsMock).toHaveReceivedCommandTimes(GetKeyRotationStatusCommand, 2);
    // random() = 0.5: half the ceiling fixed plus a quarter: 150, 300 ms, then 150 ms for the new call.
    expect(h.sleeps).toEqual([150, 300, 150]);
    expect(h.logs.filter((l) => l.level === 'warn').map((l) => [l.api, l.attempt, l.errorName])).toEqual([
      ['s3:GetBucketEncryption', 1, 'SlowDown'],
      ['s3:GetBucketEncryption', 2, 'SlowDown'],
      ['kms:GetKeyRotationStatus', 1, 'ThrottlingException'],
    ]);
  });

  test('throttling exhausted: a bounded number of attempts, then FAILED naming the call', async () => {
    mockS3Restore();
    kmsMock.on(DescribeKeyCommand).rejects(awsError('ThrottlingException'));
    const h = await validate('FAILED', `${S3_FAILED}kms:DescribeKey on ${KEY_ARN} still throttled after 5 attempts (ThrottlingException)`, 'S3');
    expect(kmsMock).toHaveReceivedCommandTimes(DescribeKeyCommand, 5);
    expect(h.sleeps).toEqual([150, 300, 600, 1200]);
    expect(kmsMock).not.toHaveReceivedCommand(GetKeyRotationStatusCommand);
  });

  test('AccessDenied: FAILED at once, naming the API call and the IAM action', async () => {
    mockS3Restore();
    s3Mock.on(GetBucketEncryptionCommand).rejects(awsError('AccessDenied', 403));
    const h = await validate(
      'FAILED',
      `${S3_FAILED}access denied calling s3:GetBucketEncryption on ${BUCKET_ARN} (AccessDenied; the role needs IAM action s3:GetEncryptionConfiguration)`,
      'S3',
    );
    expect(s3Mock).toHaveReceivedCommandTimes(GetBucketEncryptionCommand, 1);
    expect(h.sleeps).toEqual([]);
  });

  test('a body-less 403 on HeadBucket (SDK name Unknown) is access denied, reported with its HTTP status', async () => {
    mockS3Restore();
    s3Mock.on(HeadBucketCommand).rejects(awsError('Unknown', 403));
    await validate(
      'FAILED',
      `${S3_FAILED}access denied calling s3:HeadBucket on ${BUCKET_ARN} (HTTP 403; the role needs IAM action s3:ListBucket)`,
      'S3',
    );
  });

  test('key disabled: FAILED, rotation not queried', async () => {
    mockS3Restore();
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, KeyState: 'Disabled', Enabled: false } });
    await validate('FAILED', `${S3_FAILED}expected key ${KEY_ARN} is Disabled, expected Enabled`, 'S3');
    expect(kmsMock).not.toHaveReceivedCommand(GetKeyRotationStatusCommand);
  });

  test('key pending deletion: FAILED with the deletion date', async () => {
    mockS3Restore();
    kmsMock.on(DescribeKeyCommand).resolves({
      KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, KeyState: 'PendingDeletion', Enabled: false, DeletionDate: new Date('2025-06-30T00:00:00Z') },
    });
    await validate(
      'FAILED',
      `${S3_FAILED}expected key ${KEY_ARN} is PendingDeletion, deletion scheduled for 2025-06-30T00:00:00.000Z, expected Enabled`,
      'S3',
    );
  });

  test('key not found: FAILED', async () => {
    mockS3Restore();
    kmsMock.on(DescribeKeyCommand).rejects(awsError('NotFoundException'));
    await validate('FAILED', `${S3_FAILED}expected key ${KEY_ARN} not found (kms:DescribeKey returned NotFoundException)`, 'S3');
  });

  test('key region not in ALLOWED_REGIONS: FAILED', async () => {
    process.env.ALLOWED_REGIONS = 'eu-west-1';
    mockS3Restore();
    await validate('FAILED', `${S3_FAILED}expected key ${KEY_ARN} is in region eu-west-3, outside the allowed regions (eu-west-1)`, 'S3');
  });

  test('rotation off: FAILED', async () => {
    mockS3Restore();
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    await validate('FAILED', `${S3_FAILED}automatic rotation is off on expected key ${KEY_ARN} (KeyRotationEnabled false), expected on`, 'S3');
  });

  test('bucket encrypted with another key: FAILED with the value seen and expected', async () => {
    mockS3Restore();
    s3Mock.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: OTHER_KEY_ARN } }] },
    });
    await validate('FAILED', `${S3_FAILED}restored bucket ${BUCKET_ARN} default encryption uses key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, 'S3');
  });

  test('a multi-Region replica of the key (same id, other Region) is not the expected key', async () => {
    mockS3Restore();
    const replica = KEY_ARN.replace('eu-west-3', 'us-east-1');
    s3Mock.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: replica } }] },
    });
    await validate('FAILED', `${S3_FAILED}restored bucket ${BUCKET_ARN} default encryption uses key ${replica}, expected ${KEY_ARN}`, 'S3');
  });

  test('bucket encrypted with SSE-S3 or the AWS managed key: FAILED', async () => {
    mockS3Restore();
    s3Mock.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    await validate('FAILED', `${S3_FAILED}restored bucket ${BUCKET_ARN} default encryption is AES256, expected aws:kms with key ${KEY_ARN}`, 'S3');

    resetAll();
    mockS3Restore();
    s3Mock.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
    });
    await validate(
      'FAILED',
      `${S3_FAILED}restored bucket ${BUCKET_ARN} default encryption is aws:kms with the AWS managed key (no KMSMasterKeyID), expected key ${KEY_ARN}`,
      'S3',
    );
  });

  test('bucket missing (NotFound on HeadBucket): FAILED, no further bucket calls', async () => {
    mockS3Restore();
    s3Mock.on(HeadBucketCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
    await validate('FAILED', `${S3_FAILED}restored bucket ${BUCKET_ARN} does not exist (s3:HeadBucket returned NotFound)`, 'S3');
    expect(s3Mock).not.toHaveReceivedCommand(GetBucketEncryptionCommand);
    expect(s3Mock).not.toHaveReceivedCommand(ListObjectsV2Command);
    expect(s3Mock).toHaveReceivedCommandTimes(HeadBucketCommand, 1);
  });

  test('bucket missing (NoSuchBucket): FAILED', async () => {
    mockS3Restore();
    s3Mock.on(HeadBucketCommand).rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }));
    await validate('FAILED', `${S3_FAILED}restored bucket ${BUCKET_ARN} does not exist (s3:HeadBucket returned NoSuchBucket)`, 'S3');
  });

  test('empty bucket: FAILED', async () => {
    mockS3Restore();
    s3Mock.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    await validate('FAILED', `${S3_FAILED}restored bucket ${BUCKET_ARN} holds no objects (s3:ListObjectsV2 KeyCount 0), expected at least 1`, 'S3');
  });

  test('several problems are all reported, in one message', async () => {
    mockS3Restore();
    s3Mock.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    await validate(
      'FAILED',
      `${S3_FAILED}restored bucket ${BUCKET_ARN} holds no objects (s3:ListObjectsV2 KeyCount 0), expected at least 1; automatic rotation is off on expected key ${KEY_ARN} (KeyRotationEnabled false), expected on`,
      'S3',
    );
  });
});

describe('Aurora restore', () => {
  test('success: cluster available, encrypted with the key, endpoint answers', async () => {
    mockAuroraRestore();
    const h = await validate('SUCCESSFUL', AURORA_OK, 'Aurora');
    expect(rdsMock.commandCalls(DescribeDBClustersCommand)[0].args[0].input).toEqual({ DBClusterIdentifier: CLUSTER_ARN });
    expect(h.connect).toHaveBeenCalledTimes(1);
    expect(h.connect).toHaveBeenCalledWith(CLUSTER_ENDPOINT, 5432, 5000, expect.any(AbortSignal));
    expect(s3Mock.calls()).toHaveLength(0);
  });

  test('an RDS restore job whose resource is a cluster ARN is validated as Aurora; DB_CONNECT_TIMEOUT_MS is used', async () => {
    process.env.DB_CONNECT_TIMEOUT_MS = '2500';
    mockAuroraRestore();
    backupMock.on(DescribeRestoreJobCommand).resolves(restoreJob({ ResourceType: 'RDS', CreatedResourceArn: CLUSTER_ARN }));
    const h = await validate('SUCCESSFUL', AURORA_OK, 'Aurora');
    expect(h.connect).toHaveBeenCalledWith(CLUSTER_ENDPOINT, 5432, 2500, expect.any(AbortSignal));
  });

  test('cluster not available: FAILED, endpoint not tested', async () => {
    mockAuroraRestore();
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterArn: CLUSTER_ARN, Status: 'creating', StorageEncrypted: true, KmsKeyId: KEY_ARN, Endpoint: CLUSTER_ENDPOINT, Port: 5432 }],
    });
    const h = await validate('FAILED', `${AURORA_FAILED}restored cluster ${CLUSTER_ARN} status is 'creating', expected 'available' (endpoint not tested)`, 'Aurora');
    expect(h.connect).not.toHaveBeenCalled();
  });

  test('cluster missing (DBClusterNotFoundFault): FAILED', async () => {
    mockAuroraRestore();
    rdsMock.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: 'DBCluster not found', $metadata: { httpStatusCode: 404 } }));
    const h = await validate('FAILED', `${AURORA_FAILED}restored cluster ${CLUSTER_ARN} does not exist (rds:DescribeDBClusters returned DBClusterNotFoundFault)`, 'Aurora');
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBClustersCommand, 1);
    expect(h.connect).not.toHaveBeenCalled();
  });

  test('cluster encrypted with another key, or not encrypted: FAILED', async () => {
    mockAuroraRestore();
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ Status: 'available', StorageEncrypted: true, KmsKeyId: OTHER_KEY_ARN, Endpoint: CLUSTER_ENDPOINT, Port: 5432, DBClusterMembers: [{}] }],
    });
    await validate('FAILED', `${AURORA_FAILED}restored cluster ${CLUSTER_ARN} is encrypted with key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, 'Aurora');

    resetAll();
    mockAuroraRestore();
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ Status: 'available', StorageEncrypted: false, Endpoint: CLUSTER_ENDPOINT, Port: 5432, DBClusterMembers: [{}] }],
    });
    await validate(
      'FAILED',
      `${AURORA_FAILED}restored cluster ${CLUSTER_ARN} storage is not encrypted (StorageEncrypted false), expected encrypted with key ${KEY_ARN}`,
      'Aurora',
    );
  });

  test('endpoint does not answer: FAILED with the port and the socket error', async () => {
    mockAuroraRestore();
    const h = harness();
    h.connect.mockRejectedValue(new TcpConnectError('no answer within 5000 ms', 'ETIMEDOUT'));
    await validate('FAILED', `${AURORA_FAILED}endpoint of restored cluster ${CLUSTER_ARN} did not answer on port 5432 within 5000 ms (ETIMEDOUT)`, 'Aurora', h);
  });

  test('a cluster without DB instance: the failure says why its endpoint cannot answer', async () => {
    mockAuroraRestore();
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ Status: 'available', StorageEncrypted: true, KmsKeyId: KEY_ARN, Endpoint: CLUSTER_ENDPOINT, Port: 5432, DBClusterMembers: [] }],
    });
    const h = harness();
    h.connect.mockRejectedValue(new TcpConnectError('getaddrinfo ENOTFOUND', 'ENOTFOUND'));
    await validate(
      'FAILED',
      `${AURORA_FAILED}endpoint of restored cluster ${CLUSTER_ARN} did not answer on port 5432 within 5000 ms (ENOTFOUND); the cluster has no DB instance`,
      'Aurora',
      h,
    );
  });

  test('AccessDenied on DescribeDBClusters: FAILED naming the call', async () => {
    mockAuroraRestore();
    rdsMock.on(DescribeDBClustersCommand).rejects(awsError('AccessDenied', 403));
    await validate(
      'FAILED',
      `${AURORA_FAILED}access denied calling rds:DescribeDBClusters on ${CLUSTER_ARN} (AccessDenied; the role needs IAM action rds:DescribeDBClusters)`,
      'Aurora',
    );
  });
});

describe('jobs that are not validated', () => {
  test.each([
    ['not created by a restore testing plan', {}, /not created by a restore testing plan/],
    ['created by another plan', { CreatedBy: { RestoreTestingPlanArn: PLAN_ARN.replace('hds_weekly', 'other') } }, /created by restore testing plan .*other/],
    ['not completed', { Status: 'FAILED' as const, CreatedBy: { RestoreTestingPlanArn: PLAN_ARN } }, /status is FAILED; only COMPLETED/],
  ])('%s: skipped, nothing reported or counted', async (_name, overrides, reason) => {
    mockS3Restore();
    backupMock.on(DescribeRestoreJobCommand).resolves({ ...restoreJob(overrides), ...('CreatedBy' in overrides ? {} : { CreatedBy: undefined }) });
    const h = harness();
    const result = await h.handler(restoreEvent(), lambdaContext());
    expect(result).toEqual({ outcome: 'skipped', reason: expect.stringMatching(reason) });
    expect(backupMock).not.toHaveReceivedCommand(PutRestoreValidationResultCommand);
    expect(cloudwatchMock).not.toHaveReceivedCommand(PutMetricDataCommand);
    expect(s3Mock.calls()).toHaveLength(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'info', outcome: 'skipped', restoreJobId: JOB_ID }));
  });

  test('the event detail is not trusted: the job is described and its own fields are used', async () => {
    mockS3Restore();
    backupMock.on(DescribeRestoreJobCommand).resolves({ ...restoreJob(), CreatedBy: undefined });
    const h = harness();
    const result = await h.handler(restoreEvent(JOB_ID, { restoreTestingPlanArn: PLAN_ARN, status: 'COMPLETED' }), lambdaContext());
    expect(result.outcome).toBe('skipped');
  });

  test('unsupported resource type: FAILED saying the type is not validated, counted under its type', async () => {
    mockS3Restore();
    const table = `arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/awsbackup-restore-test-1`;
    backupMock.on(DescribeRestoreJobCommand).resolves(restoreJob({ ResourceType: 'DynamoDB', CreatedResourceArn: table }));
    await validate(
      'FAILED',
      `resource type DynamoDB is not validated by the restore validator (validated types: S3, Aurora); restored resource ${table}`,
      'DynamoDB',
    );
    expect(s3Mock.calls()).toHaveLength(0);
    expect(kmsMock.calls()).toHaveLength(0);
    expect(rdsMock.calls()).toHaveLength(0);
  });

  test('an RDS DB instance restore is not validated', async () => {
    mockS3Restore();
    const instance = `arn:aws:rds:eu-west-3:${ACCOUNT}:db:awsbackup-restore-test-2`;
    backupMock.on(DescribeRestoreJobCommand).resolves(restoreJob({ ResourceType: 'RDS', CreatedResourceArn: instance }));
    await validate('FAILED', `resource type RDS is not validated by the restore validator (validated types: S3, Aurora); restored resource ${instance}`, 'RDS');
  });

  test('a completed job without CreatedResourceArn: FAILED', async () => {
    mockS3Restore();
    backupMock.on(DescribeRestoreJobCommand).resolves(restoreJob({ CreatedResourceArn: undefined }));
    await validate('FAILED', 'S3 restore job reports no CreatedResourceArn: there is no restored resource to validate', 'S3');
  });
});

describe('time running out', () => {
  test('a hanging call is abandoned before the Lambda dies and FAILED timed out is reported', async () => {
    mockAuroraRestore();
    rdsMock.on(DescribeDBClustersCommand).callsFake(() => new Promise(() => undefined));
    const h = harness({ safetyMarginMs: 10_000 });
    const started = Date.now();
    const result = await h.handler(restoreEvent(), lambdaContext(10_050));
    expect(Date.now() - started).toBeLessThan(2000);
    const message = `timed out validating Aurora ${CLUSTER_ARN} after 50 ms (the Lambda's remaining time minus a 10000 ms safety margin to report), during rds:DescribeDBClusters`;
    expect(result).toEqual({ outcome: 'FAILED', message });
    expect(backupMock).toHaveReceivedCommandWith(PutRestoreValidationResultCommand, expectedReport('FAILED', message));
    expect(cloudwatchMock).toHaveReceivedCommandWith(PutMetricDataCommand, expectedMetric('RestoreValidationFailed', 'Aurora'));
    expect(h.connect).not.toHaveBeenCalled();
  });

  test('a hanging TCP connection is aborted through its signal', async () => {
    mockAuroraRestore();
    const h = harness({ safetyMarginMs: 10_000 });
    let aborted = false;
    h.connect.mockImplementation(
      (_host, _port, _timeout, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new TcpConnectError('aborted', 'ABORTED'));
          }),
        ),
    );
    const result = await h.handler(restoreEvent(), lambdaContext(10_050));
    expect(result).toEqual({ outcome: 'FAILED', message: expect.stringMatching(/^timed out validating Aurora .* during TCP connection to the cluster endpoint on port 5432$/) });
    expect(aborted).toBe(true);
  });

  test('less time left than the safety margin: FAILED at once, no check attempted', async () => {
    mockS3Restore();
    const h = harness({ safetyMarginMs: 10_000 });
    const result = await h.handler(restoreEvent(), lambdaContext(8_000));
    const message = `timed out before validating S3 ${BUCKET_ARN}: only 8000 ms were left and 10000 ms are kept to report`;
    expect(result).toEqual({ outcome: 'FAILED', message });
    expect(s3Mock.calls()).toHaveLength(0);
    expect(backupMock).toHaveReceivedCommandWith(PutRestoreValidationResultCommand, expectedReport('FAILED', message));
  });
});

describe('reporting', () => {
  test('PutRestoreValidationResult is retried when throttled', async () => {
    mockS3Restore();
    backupMock.on(PutRestoreValidationResultCommand).rejectsOnce(awsError('ThrottlingException')).resolves({});
    const h = harness();
    await expect(h.handler(restoreEvent(), lambdaContext())).resolves.toEqual({ outcome: 'SUCCESSFUL', message: S3_OK });
    expect(backupMock).toHaveReceivedCommandTimes(PutRestoreValidationResultCommand, 2);
  });

  test('PutRestoreValidationResult failing: the handler rejects with context, the metric is still published', async () => {
    mockS3Restore();
    backupMock.on(PutRestoreValidationResultCommand).rejects(awsError('InvalidRequestException', 400, 'Validation window closed'));
    const h = harness();
    await expect(h.handler(restoreEvent(), lambdaContext())).rejects.toThrow(
      `could not report validation result SUCCESSFUL for restore job ${JOB_ID} (S3): backup:PutRestoreValidationResult failed after 1 attempt(s): InvalidRequestException: Validation window closed`,
    );
    expect(cloudwatchMock).toHaveReceivedCommandWith(PutMetricDataCommand, expectedMetric('RestoreValidationSucceeded', 'S3'));
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'PutRestoreValidationResult failed' }));
  });

  test('PutRestoreValidationResult throttled until the attempts run out: the handler rejects', async () => {
    mockS3Restore();
    backupMock.on(PutRestoreValidationResultCommand).rejects(awsError('ThrottlingException'));
    await expect(harness().handler(restoreEvent(), lambdaContext())).rejects.toThrow(/could not report validation result SUCCESSFUL .* after 5 attempt\(s\): ThrottlingException/);
    expect(backupMock).toHaveReceivedCommandTimes(PutRestoreValidationResultCommand, 5);
  });

  test('PutMetricData failing: the handler rejects after the result was reported', async () => {
    mockS3Restore();
    cloudwatchMock.on(PutMetricDataCommand).rejects(awsError('AccessDenied', 403));
    await expect(harness().handler(restoreEvent(), lambdaContext())).rejects.toThrow(
      /validation result SUCCESSFUL was reported for restore job .* but metric RestoreValidationSucceeded was not published in HdsBlueprint\/RestoreTests/,
    );
    expect(backupMock).toHaveReceivedCommandWith(PutRestoreValidationResultCommand, expectedReport('SUCCESSFUL', S3_OK));
  });

  test('the message sent to AWS Backup is cut to 1000 characters', async () => {
    // A long allow-list makes the region finding alone longer than the limit.
    process.env.ALLOWED_REGIONS = Array.from({ length: 80 }, () => 'eu-central-1').join(',');
    mockS3Restore();
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'Disabled' } });
    const result = await harness().handler(restoreEvent(), lambdaContext());
    const sent = backupMock.commandCalls(PutRestoreValidationResultCommand)[0].args[0].input.ValidationStatusMessage ?? '';
    expect(sent).toHaveLength(1000);
    expect(sent.startsWith(`${S3_FAILED}expected key ${KEY_ARN} is in region eu-west-3, outside the allowed regions (eu-central-1, `)).toBe(true);
    expect(sent.endsWith('…')).toBe(true);
    expect(result).toEqual({ outcome: 'FAILED', message: sent });
  });

  test('DescribeRestoreJob failing: nothing can be reported safely, the handler rejects', async () => {
    backupMock.on(DescribeRestoreJobCommand).rejects(awsError('AccessDeniedException', 403));
    await expect(harness().handler(restoreEvent(), lambdaContext())).rejects.toThrow(
      `cannot describe restore job ${JOB_ID}: backup:DescribeRestoreJob failed after 1 attempt(s): AccessDeniedException`,
    );
    expect(backupMock).not.toHaveReceivedCommand(PutRestoreValidationResultCommand);
  });
});

describe('invocation', () => {
  test.each(['EXPECTED_KEY_ARN', 'ALLOWED_REGIONS', 'METRIC_NAMESPACE', 'RESTORE_TESTING_PLAN_ARN'])(
    'missing %s: the handler throws naming it, before any AWS call',
    async (name) => {
      delete process.env[name];
      mockS3Restore();
      await expect(harness().handler(restoreEvent(), lambdaContext())).rejects.toThrow(new RegExp(`${name} is missing`));
      await expect(harness().handler(scheduledEvent(), lambdaContext())).rejects.toThrow(new RegExp(`${name} is missing`));
      for (const mock of allMocks) expect(mock.calls()).toHaveLength(0);
    },
  );

  test('an unknown event is refused', async () => {
    const event = { ...scheduledEvent(), source: 'aws.s3', 'detail-type': 'Object Created' };
    await expect(harness().handler(event as unknown as ScheduledEvent, lambdaContext())).rejects.toThrow(/unsupported event \(source 'aws.s3', detail-type 'Object Created'\)/);
  });

  test('a restore event without restoreJobId is refused', async () => {
    await expect(harness().handler(restoreEvent(''), lambdaContext())).rejects.toThrow(/has no detail.restoreJobId/);
  });
});
