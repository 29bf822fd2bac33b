import 'aws-sdk-client-mock-jest';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  ListObjectsV2Command,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { MAX_PARTS, copySource, partRanges } from '../../../lambdas/export/documents';
import { AccessDeniedError, CopyError, DeadlineExceededError } from '../../../lambdas/export/errors';
import { AwsCallError } from '../../../lambdas/shared/retry';
import { DOCS, EXPORT, EXPORT_ID, FakeS3, KEY_ARN, awsError, harness, lambdaContext, resetAll, s3Mock, tickingContext } from './fixtures';

beforeEach(resetAll);

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const copy = (continuationToken?: string) => ({ action: 'copy-documents', exportId: EXPORT_ID, ...(continuationToken ? { continuationToken } : {}) });
const dest = (key: string) => `exports/${EXPORT_ID}/documents/${key}`;
type CopyOut = { exportId: string; continuationToken?: string; copied: number; done: boolean };

function documents(fake: FakeS3, n: number): string[] {
  const keys = Array.from({ length: n }, (_, i) => `tenants/cli${i % 3}/doc-${String(i).padStart(5, '0')}.pdf`);
  for (const key of keys) fake.put(DOCS, key, `%PDF ${key}`);
  return fake.keys(DOCS);
}

test('copies every current document over several pages, server side, with the export key', async () => {
  const fake = new FakeS3().install();
  const keys = documents(fake, 2345);
  fake.put(DOCS, 'tenants/cli0/compte rendu é+&?#.pdf', 'x');
  const result = (await harness().handler(copy(), lambdaContext())) as CopyOut;

  expect(result).toEqual({ exportId: EXPORT_ID, copied: 2346, done: true });
  expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(3);
  expect(s3Mock).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: DOCS, Prefix: '', MaxKeys: 1000 });
  expect(fake.keys(EXPORT)).toEqual([...keys, 'tenants/cli0/compte rendu é+&?#.pdf'].map(dest).sort());
  expect([...fake.copies.values()].every((n) => n === 1)).toBe(true);
  expect(s3Mock).toHaveReceivedCommandWith(CopyObjectCommand, {
    Bucket: EXPORT,
    Key: dest('tenants/cli0/compte rendu é+&?#.pdf'),
    CopySource: `${DOCS}/tenants/cli0/compte%20rendu%20%C3%A9%2B%26%3F%23.pdf`,
    ServerSideEncryption: 'aws:kms',
    SSEKMSKeyId: KEY_ARN,
    BucketKeyEnabled: true,
    MetadataDirective: 'COPY',
    TaggingDirective: 'REPLACE',
  });
});

test('an empty documents bucket is done at once', async () => {
  new FakeS3().install();
  await expect(harness().handler(copy(), lambdaContext())).resolves.toEqual({ exportId: EXPORT_ID, copied: 0, done: true });
});

test('the deadline reached mid-page: stops starting copies, returns a token, and the next call resumes without duplicate or gap', async () => {
  const fake = new FakeS3().install();
  const keys = documents(fake, 40);
  const { handler } = harness({ stopMarginMs: 30_000 });
  // 1 s per S3 call and 30 s of margin: a listing and 14 copies fit, whatever the concurrency.
  const first = (await handler(copy(), tickingContext(fake, 45_000, 1000))) as CopyOut;
  expect(first.done).toBe(false);
  expect(first.copied).toBeGreaterThanOrEqual(14);
  expect(first.copied).toBeLessThan(40);
  expect(first.continuationToken).toEqual(expect.any(String));
  expect(fake.keys(EXPORT)).toEqual(keys.slice(0, first.copied).map(dest));

  const second = (await handler({ ...first, action: 'copy-documents' }, lambdaContext())) as CopyOut;
  expect(second).toEqual({ exportId: EXPORT_ID, copied: 40 - first.copied, done: true });
  expect(s3Mock.commandCalls(ListObjectsV2Command).at(-1)?.args[0].input.StartAfter).toBe(keys[first.copied - 1]);
  expect(fake.keys(EXPORT)).toEqual(keys.map(dest));
  expect(keys.map((k) => fake.copies.get(k))).toEqual(keys.map(() => 1));
});

test('re-running a page is idempotent: the same objects are written to the same keys', async () => {
  const fake = new FakeS3().install();
  const keys = documents(fake, 5);
  const { handler } = harness();
  await handler(copy(), lambdaContext());
  const before = new Map(fake.bucket(EXPORT));
  await handler(copy(), lambdaContext());
  expect(fake.keys(EXPORT)).toEqual(keys.map(dest));
  for (const key of keys) expect(fake.bucket(EXPORT).get(dest(key))?.body).toEqual(before.get(dest(key))?.body);
});

test('a copy still running at the abort margin is stopped; only the documents before it count', async () => {
  const fake = new FakeS3().install();
  const keys = documents(fake, 12);
  const slow = keys[4];
  s3Mock.on(CopyObjectCommand, { CopySource: copySource(DOCS, slow) }).callsFake(() => new Promise((resolve) => setTimeout(() => resolve({}), 400)));
  const { handler } = harness({ stopMarginMs: 0, abortMarginMs: 1000 });
  const first = (await handler(copy(), lambdaContext(1100))) as CopyOut;
  expect(first).toMatchObject({ done: false, copied: 4 });
  expect(fake.keys(EXPORT)).toEqual(expect.arrayContaining(keys.slice(0, 4).map(dest)));
  expect(fake.keys(EXPORT)).not.toContain(dest(slow));

  s3Mock.on(CopyObjectCommand, { CopySource: copySource(DOCS, slow) }).callsFake(async () => {
    fake.copies.set(slow, (fake.copies.get(slow) ?? 0) + 1);
    return {};
  });
  const second = (await handler({ ...first, action: 'copy-documents' }, lambdaContext())) as CopyOut;
  expect(second).toMatchObject({ done: true, copied: 8 });
  // No gap: every document was copied; only those after the stopped one (done out of order) may be copied twice.
  expect(keys.slice(0, 5).map((k) => fake.copies.get(k))).toEqual([1, 1, 1, 1, 1]);
  expect(keys.every((k) => (fake.copies.get(k) ?? 0) >= 1)).toBe(true);
});

test('no time for even one document: DeadlineExceededError, nothing copied', async () => {
  const fake = new FakeS3().install();
  documents(fake, 3);
  const error = await harness({ stopMarginMs: 30_000 })
    .handler(copy(), lambdaContext(20_000))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeadlineExceededError);
  expect((error as Error).message).toMatch(/before any document could be copied: raise the function timeout/);
  expect(s3Mock).not.toHaveReceivedCommand(CopyObjectCommand);
});

describe('objects over 5 GiB: multipart copy', () => {
  test('part ranges cover the object exactly, within the S3 limits', () => {
    for (const size of [5 * GiB + 1, 12 * GiB + 1, 5 * 1024 * GiB]) {
      const ranges = partRanges(size);
      expect(ranges.length).toBeLessThanOrEqual(MAX_PARTS);
      expect(ranges[0].first).toBe(0);
      expect(ranges.at(-1)?.last).toBe(size - 1);
      const bad = ranges.filter((r, i) => {
        const bytes = r.last - r.first + 1;
        const contiguous = r.partNumber === i + 1 && (i === 0 || r.first === ranges[i - 1].last + 1);
        return !contiguous || bytes > 5 * GiB || (i < ranges.length - 1 && bytes < 5 * MiB);
      });
      expect(bad).toEqual([]);
    }
    expect(partRanges(12 * GiB + 1)).toHaveLength(25);
  });

  test('is pinned to the ETag, keeps content type and metadata, and completes with every part in order', async () => {
    const fake = new FakeS3().install();
    const size = 12 * GiB + 1;
    fake.put(DOCS, 'imaging/scan-0001.dcm', size, { contentType: 'application/dicom', metadata: { patient: 'opaque-7f3c' } });
    fake.put(DOCS, 'imaging/scan-0002.dcm', 5 * GiB);
    const result = (await harness().handler(copy(), lambdaContext())) as CopyOut;

    expect(result).toEqual({ exportId: EXPORT_ID, copied: 2, done: true });
    expect(s3Mock).toHaveReceivedCommandTimes(CopyObjectCommand, 1); // exactly 5 GiB still fits CopyObject
    expect(s3Mock).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
      Bucket: EXPORT,
      Key: dest('imaging/scan-0001.dcm'),
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
      BucketKeyEnabled: true,
      ContentType: 'application/dicom',
      Metadata: { patient: 'opaque-7f3c' },
    });
    const etag = fake.bucket(DOCS).get('imaging/scan-0001.dcm')?.etag;
    const parts = s3Mock.commandCalls(UploadPartCopyCommand).map((c) => c.args[0].input);
    expect(parts).toHaveLength(25);
    expect(parts.every((p) => p.CopySourceIfMatch === etag && p.CopySource === `${DOCS}/imaging/scan-0001.dcm`)).toBe(true);
    const completed = s3Mock.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input.MultipartUpload?.Parts;
    expect(completed?.map((p) => p.PartNumber)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(fake.bucket(EXPORT).get(dest('imaging/scan-0001.dcm'))).toMatchObject({ size, sse: { algorithm: 'aws:kms', keyId: KEY_ARN } });
    expect(s3Mock).not.toHaveReceivedCommand(AbortMultipartUploadCommand);
  });

  test('a failed part aborts the upload and surfaces the error', async () => {
    const fake = new FakeS3().install();
    fake.put(DOCS, 'big.bin', 6 * GiB);
    s3Mock.on(UploadPartCopyCommand).rejects(awsError('AccessDenied', 403));
    const error = await harness().handler(copy(), lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toMatch(/^s3:UploadPartCopy on s3:\/\/.*\/big.bin was denied \(AccessDenied\).*s3:GetObject, s3:PutObject, kms:Decrypt, kms:GenerateDataKey/);
    expect(s3Mock).toHaveReceivedCommandTimes(AbortMultipartUploadCommand, 1);
    expect(fake.uploads.size).toBe(0);
  });

  test('a source that changes during the copy: CopyError, upload aborted', async () => {
    const fake = new FakeS3().install();
    fake.put(DOCS, 'big.bin', 6 * GiB);
    s3Mock.on(UploadPartCopyCommand).rejects(awsError('PreconditionFailed', 412));
    await expect(harness().handler(copy(), lambdaContext())).rejects.toThrow(new CopyError("document 'big.bin' changed while it was copied in parts: run copy-documents again from the same token"));
    expect(fake.aborted).toHaveLength(1);
  });

  test('the deadline during a multipart copy aborts the upload; the next call copies it again', async () => {
    const fake = new FakeS3().install();
    fake.put(DOCS, 'a.pdf', 'a');
    fake.put(DOCS, 'big.bin', 6 * GiB);
    s3Mock.on(UploadPartCopyCommand, { PartNumber: 3 }).callsFake(() => new Promise((resolve) => setTimeout(() => resolve({ CopyPartResult: { ETag: '"late"' } }), 400)));
    // A pace so fast that the 6 GiB object is started after a.pdf with the little time left.
    const { handler } = harness({ stopMarginMs: 0, abortMarginMs: 1000, bytesPerMs: 1e12 });
    const first = (await handler(copy(), lambdaContext(1100))) as CopyOut;
    expect(first).toMatchObject({ done: false, copied: 1 });
    expect(fake.aborted).toHaveLength(1);
    expect(fake.uploads.size).toBe(0);
    expect(fake.keys(EXPORT)).toEqual([dest('a.pdf')]);

    s3Mock.on(UploadPartCopyCommand, { PartNumber: 3 }).resolves({ CopyPartResult: { ETag: '"p3"' } });
    await expect(handler({ ...first, action: 'copy-documents' }, lambdaContext())).resolves.toEqual({ exportId: EXPORT_ID, copied: 1, done: true });
    expect(fake.keys(EXPORT)).toEqual([dest('a.pdf'), dest('big.bin')]);
  });
});

test('a key too long for the export prefix: CopyError naming the key', async () => {
  const fake = new FakeS3().install();
  const key = `${'d/'.repeat(495)}x.pdf`;
  fake.put(DOCS, key, 'x');
  await expect(harness().handler(copy(), lambdaContext())).rejects.toThrow(/^document 'd\/d\/.*' cannot be exported: its export key '.*' would be 1037 bytes, S3 allows 1024/);
});

test('SlowDown is retried, then the copy succeeds', async () => {
  const fake = new FakeS3().install();
  documents(fake, 2);
  s3Mock.on(CopyObjectCommand).rejectsOnce(awsError('SlowDown', 503)).resolves({});
  const { handler, sleeps } = harness();
  process.env.MAX_CONCURRENCY = '1';
  await expect(handler(copy(), lambdaContext())).resolves.toEqual({ exportId: EXPORT_ID, copied: 2, done: true });
  expect(sleeps).toEqual([150]);
  expect(s3Mock).toHaveReceivedCommandTimes(CopyObjectCommand, 3);
});

test('retries exhausted on one copy: the others are stopped and the call fails with the attempts', async () => {
  const fake = new FakeS3().install();
  documents(fake, 30);
  s3Mock.on(CopyObjectCommand).rejects(awsError('InternalError', 500));
  const error = await harness().handler(copy(), lambdaContext()).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AwsCallError);
  expect((error as Error).message).toMatch(/^s3:CopyObject failed after 5 attempt\(s\): InternalError/);
  // At most the first wave of 8 was started; none after the failure.
  expect(s3Mock.commandCalls(CopyObjectCommand).length).toBeLessThanOrEqual(8 * 5);
});

test('a document too large for the time left is left to the next call, which starts with it', async () => {
  const fake = new FakeS3().install();
  fake.put(DOCS, 'a.pdf', 'a');
  fake.put(DOCS, 'big.bin', 12 * GiB); // ~258 s at the assumed 50 MB/s, with 170 s to spare
  const { handler } = harness({ stopMarginMs: 30_000 });
  const first = (await handler(copy(), lambdaContext(200_000))) as CopyOut;
  expect(first).toMatchObject({ done: false, copied: 1 });
  expect(s3Mock).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  await expect(handler({ ...first, action: 'copy-documents' }, lambdaContext(200_000))).resolves.toEqual({ exportId: EXPORT_ID, copied: 1, done: true });
  expect(fake.keys(EXPORT)).toEqual([dest('a.pdf'), dest('big.bin')]);
});
