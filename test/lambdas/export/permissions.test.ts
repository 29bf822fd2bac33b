import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DescribeDBClusterSnapshotsCommand, DescribeExportTasksCommand, StartExportTaskCommand } from '@aws-sdk/client-rds';
import { UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { API_CALLS, IAM_ACTIONS } from '../../../lambdas/export/index';
import { IAM_ACTIONS_BY_API_CALL, RESOURCES } from '../../../lambdas/export/permissions';
import { DOCS, EXPORT, EXPORT_ID, FakeS3, awsError, harness, lambdaContext, rdsMock, resetAll, s3Mock, snapshotArn } from './fixtures';
import { sdkCommandsImported } from '../sdk-imports';

beforeEach(resetAll);

const SOURCE_DIR = join(__dirname, '../../../lambdas/export');
const sources = readdirSync(SOURCE_DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: join(SOURCE_DIR, f), text: readFileSync(join(SOURCE_DIR, f), 'utf8') }));
/** Modules of other folders the function imports (shared helpers), followed transitively. */
function localImports(): Array<{ file: string; text: string }> {
  const seen = new Map(sources.map((s) => [s.file, s.text]));
  const queue = [...sources];
  while (queue.length > 0) {
    const { file, text } = queue.pop() as { file: string; text: string };
    for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = `${resolve(dirname(file), m[1])}.ts`;
      if (!seen.has(target)) {
        const next = { file: target, text: readFileSync(target, 'utf8') };
        seen.set(target, next.text);
        queue.push(next);
      }
    }
  }
  return [...seen].map(([file, text]) => ({ file, text }));
}

const SERVICE_OF_PACKAGE: Record<string, string> = { '@aws-sdk/client-rds': 'rds', '@aws-sdk/client-s3': 's3' };

test('the code imports exactly the commands listed in API_CALLS, from the RDS and S3 clients only', () => {
  const files = localImports();
  expect(sdkCommandsImported(files, SERVICE_OF_PACKAGE)).toEqual([...API_CALLS].sort());
  // No aggregated client (e.g. `new S3()`): every operation would be reachable.
  for (const { text } of files) expect(text).not.toMatch(/new (RDS|S3)\(/);
});

test('the two SDK clients are built once, at module scope, without SDK retries', () => {
  const index = sources.find((s) => s.file.endsWith('/index.ts'))?.text ?? '';
  expect([...index.matchAll(/new (\w+Client)\(\{ maxAttempts: 1 \}\)/g)].map((m) => m[1]).sort()).toEqual(['RDSClient', 'S3Client']);
  expect(index.match(/new \w+Client\(/g)).toHaveLength(2);
});

test('IAM_ACTIONS covers every API call, has a resource for each action, deletes nothing, and is pinned', () => {
  expect(Object.keys(IAM_ACTIONS_BY_API_CALL).sort()).toEqual([...API_CALLS].sort());
  expect(Object.keys(RESOURCES).sort()).toEqual([...IAM_ACTIONS]);
  expect(IAM_ACTIONS.filter((a) => /Delete|\*/.test(a))).toEqual([]);
  expect(IAM_ACTIONS).toEqual([
    'iam:PassRole',
    'kms:CreateGrant',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:GenerateDataKey',
    'rds:DescribeDBClusterSnapshots',
    'rds:DescribeExportTasks',
    'rds:StartExportTask',
    's3:AbortMultipartUpload',
    's3:GetObject',
    's3:ListBucket',
    's3:PutObject',
  ]);
});

test('at run time, every listed call is sent and nothing else', async () => {
  const fake = new FakeS3().install();
  rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [{ DBClusterSnapshotArn: snapshotArn('rds:s1'), SnapshotCreateTime: new Date('2026-11-22T03:00:00Z'), Status: 'available' }],
  });
  rdsMock.on(StartExportTaskCommand).resolves({ ExportTaskIdentifier: EXPORT_ID });
  rdsMock.on(DescribeExportTasksCommand).resolves({
    ExportTasks: [{ ExportTaskIdentifier: EXPORT_ID, SourceArn: snapshotArn('rds:s1'), SnapshotTime: new Date('2026-11-22T03:00:00Z'), S3Bucket: EXPORT, S3Prefix: `exports/${EXPORT_ID}/database`, Status: 'COMPLETE' }],
  });
  fake.put(DOCS, 'a.pdf', 'a');
  fake.put(DOCS, 'big.bin', 6 * 1024 ** 3);
  fake.put(DOCS, 'huge.bin', 7 * 1024 ** 3);
  fake.put(EXPORT, `exports/${EXPORT_ID}/database/${EXPORT_ID}/export_info.json`, '{}');
  const { handler } = harness();
  const context = lambdaContext();
  await handler({ action: 'start', exportId: EXPORT_ID }, context);
  await handler({ action: 'status', exportId: EXPORT_ID }, context);
  await handler({ action: 'copy-documents', exportId: EXPORT_ID }, context);
  // One failing multipart copy, for AbortMultipartUpload.
  s3Mock.on(UploadPartCopyCommand).rejects(awsError('AccessDenied', 403));
  await handler({ action: 'copy-documents', exportId: EXPORT_ID }, context).catch(() => undefined);
  fake.bucket(EXPORT).delete(`exports/${EXPORT_ID}/documents/big.bin`);
  fake.bucket(EXPORT).delete(`exports/${EXPORT_ID}/documents/huge.bin`);
  await handler({ action: 'manifest', exportId: EXPORT_ID }, context);
  await handler({ action: 'finalize', exportId: EXPORT_ID }, context);

  const sent = new Set<string>();
  for (const [service, mock] of [
    ['rds', rdsMock],
    ['s3', s3Mock],
  ] as const) {
    for (const call of mock.calls()) sent.add(`${service}:${(call.args[0] as object).constructor.name.replace(/Command$/, '')}`);
  }
  expect([...sent].sort()).toEqual([...API_CALLS].sort());
});
