import { DescribeExportTasksCommand } from '@aws-sdk/client-rds';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHandler } from '../../../lambdas/export/index';
import { DOCS, EXPORT, EXPORT_ID, FakeS3, awsError, lambdaContext, rdsMock, resetAll, s3Mock, snapshotArn } from './fixtures';
import { captureOutput } from '../capture-output';

beforeEach(resetAll);
afterEach(() => jest.restoreAllMocks());

const SECRET = 'Dupont Jeanne, INS 2 85 05 78 006 084 91, diagnostic: confidentiel';
const BODY = Buffer.from(`%PDF-1.7\n${SECRET}\n`);
const FORBIDDEN = [SECRET, 'Dupont', '2 85 05 78', BODY.toString('base64'), BODY.toString('hex'), BODY.toString('base64').slice(8, 40)];

const capture = captureOutput;

const asLogged = (err: unknown) => {
  const e = err as Error;
  return `${e.name}: ${e.message}\n${e.stack}\n${JSON.stringify(e)}`;
};

test('no object content reaches a log line or an error: keys, counts and codes only', async () => {
  const fake = new FakeS3().install();
  fake.put(DOCS, 'tenants/cli042/cr-0001.pdf', BODY);
  fake.put(DOCS, 'tenants/cli042/cr-0002.pdf', BODY);
  rdsMock.on(DescribeExportTasksCommand).resolves({
    ExportTasks: [{ ExportTaskIdentifier: EXPORT_ID, SourceArn: snapshotArn('rds:s1'), SnapshotTime: new Date(), S3Bucket: EXPORT, S3Prefix: `exports/${EXPORT_ID}/database`, Status: 'COMPLETE' }],
  });
  fake.put(EXPORT, `exports/${EXPORT_ID}/database/${EXPORT_ID}/hds.public.notes/part-0.gz.parquet`, BODY);
  const handler = createHandler({ sleep: async () => undefined });
  const errors: string[] = [];

  const logs = await capture(async () => {
    fake.faults.set('CopyObject', [awsError('SlowDown', 503, `Please reduce your request rate for ${SECRET}`)]);
    await handler({ action: 'copy-documents', exportId: EXPORT_ID }, lambdaContext());
    await handler({ action: 'manifest', exportId: EXPORT_ID }, lambdaContext());
    await handler({ action: 'finalize', exportId: EXPORT_ID }, lambdaContext());
    // a short read and a denied read, whose messages must not carry the body either
    fake.bucket(EXPORT).get(`exports/${EXPORT_ID}/documents/tenants/cli042/cr-0001.pdf`)!.size += 1;
    errors.push(asLogged(await handler({ action: 'manifest', exportId: EXPORT_ID }, lambdaContext()).catch((e: unknown) => e)));
    s3Mock.on(GetObjectCommand).rejects(awsError('AccessDenied', 403));
    errors.push(asLogged(await handler({ action: 'manifest', exportId: EXPORT_ID }, lambdaContext()).catch((e: unknown) => e)));
  });

  const lines = logs.split('\n').filter((l) => l.trim() !== '' && !/NodeVersionSupportWarning|node >=22|a\.co\/|upgrade to node|will require node|versions published|To continue receiving|More information|trace-warnings/.test(l));
  expect(lines.length).toBeGreaterThan(5);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  expect(logs).toContain('tenants/cli042/cr-0001.pdf'); // keys may be logged
  for (const text of [logs, ...errors]) for (const secret of FORBIDDEN) expect(text).not.toContain(secret);
});
