import 'aws-sdk-client-mock-jest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import { API_CALLS, IAM_ACTIONS } from '../../../lambdas/restore-validator/index';
import { IAM_ACTION_BY_API_CALL, WRITE_API_CALLS } from '../../../lambdas/restore-validator/permissions';
import {
  backupMock,
  cloudwatchMock,
  harness,
  kmsMock,
  lambdaContext,
  mockAuroraRestore,
  mockS3Restore,
  rdsMock,
  resetAll,
  restoreEvent,
  s3Mock,
  scheduledEvent,
} from './fixtures';
import { sdkCommandsImported } from '../sdk-imports';

const SOURCE_DIR = join(__dirname, '../../../lambdas/restore-validator');
const sources = readdirSync(SOURCE_DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(SOURCE_DIR, f), 'utf8') }));

/** Read-only operations by name, plus the two writes the validator exists to make. */
const ALLOWED = (call: string) =>
  /^(backup|kms|s3|rds|cloudwatch):(Describe|Get|List|Head)[A-Za-z0-9]+$/.test(call) ||
  call === 'backup:PutRestoreValidationResult' ||
  call === 'cloudwatch:PutMetricData';

const SERVICE_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/client-backup': 'backup',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-rds': 'rds',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
};

test('API_CALLS is read-only except PutRestoreValidationResult and PutMetricData', () => {
  expect(API_CALLS.filter((c) => !ALLOWED(c))).toEqual([]);
  expect([...WRITE_API_CALLS].sort()).toEqual(['backup:PutRestoreValidationResult', 'cloudwatch:PutMetricData']);
  expect(API_CALLS.filter((c) => !/:(Describe|Get|List|Head)/.test(c)).sort()).toEqual([...WRITE_API_CALLS].sort());
});

test('the code imports exactly the commands listed in API_CALLS, from the five clients only', () => {
  const files = sources;
  expect(sdkCommandsImported(files, SERVICE_OF_PACKAGE)).toEqual([...API_CALLS].sort());
  // No aggregated client (e.g. `new S3()`): every operation would be reachable.
  for (const { text } of files) expect(text).not.toMatch(/new (Backup|KMS|S3|RDS|CloudWatch)\(/);
});

test('the five SDK clients are built once, at module scope, without SDK retries', () => {
  const index = sources.find((s) => s.file === 'index.ts')?.text ?? '';
  const built = [...index.matchAll(/new (\w+Client)\(\{ maxAttempts: 1 \}\)/g)].map((m) => m[1]).sort();
  expect(built).toEqual(['BackupClient', 'CloudWatchClient', 'KMSClient', 'RDSClient', 'S3Client']);
  expect(index.match(/new \w+Client\(/g)).toHaveLength(5);
});

test('IAM_ACTIONS covers every API call, and is pinned', () => {
  expect(Object.keys(IAM_ACTION_BY_API_CALL).sort()).toEqual([...API_CALLS].sort());
  expect(IAM_ACTIONS).toEqual([
    'backup:DescribeRestoreJob',
    'backup:ListRestoreJobs',
    'backup:PutRestoreValidationResult',
    'cloudwatch:PutMetricData',
    'kms:DescribeKey',
    'kms:GetKeyRotationStatus',
    'rds:DescribeDBClusters',
    's3:GetEncryptionConfiguration',
    's3:ListBucket',
  ]);
});

test('at run time, only allow-listed commands are sent', async () => {
  const sent = new Set<string>();
  const collect = () => {
    for (const [service, mock] of [
      ['backup', backupMock],
      ['kms', kmsMock],
      ['s3', s3Mock],
      ['rds', rdsMock],
      ['cloudwatch', cloudwatchMock],
    ] as const) {
      for (const call of mock.calls()) sent.add(`${service}:${(call.args[0] as object).constructor.name.replace(/Command$/, '')}`);
    }
  };

  resetAll();
  mockS3Restore();
  await harness().handler(restoreEvent(), lambdaContext());
  collect();

  resetAll();
  mockAuroraRestore();
  await harness().handler(restoreEvent(), lambdaContext());
  collect();

  resetAll();
  mockReportingOnly();
  backupMock.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
  await harness().handler(scheduledEvent(), lambdaContext());
  collect();

  expect([...sent].filter((c) => !ALLOWED(c) || !(API_CALLS as readonly string[]).includes(c))).toEqual([]);
  expect(sent.size).toBe(API_CALLS.length);
});

function mockReportingOnly(): void {
  cloudwatchMock.onAnyCommand().resolves({});
}
