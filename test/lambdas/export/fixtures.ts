import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { RDSClient } from '@aws-sdk/client-rds';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../../lambdas/export/index';
import type { LogFields, LogLevel } from '../../../lambdas/export/log';
import type { Runtime } from '../../../lambdas/export/runtime';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-3';
export const CLUSTER = 'hds-health-db';
export const DOCS = 'hds-data-documents-1a2b3c';
export const EXPORT = 'hds-rev-20261122-cli042-111122223333';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/hds-export-rds`;
export const EXPORT_ID = 'export-20261122t101500z';
export const NOW = new Date('2026-11-22T10:15:00.000Z');
export const snapshotArn = (id: string) => `arn:aws:rds:${REGION}:${ACCOUNT}:cluster-snapshot:${id}`;

export const ENV = {
  DB_CLUSTER_IDENTIFIER: CLUSTER,
  DOCUMENTS_BUCKET: DOCS,
  EXPORT_BUCKET: EXPORT,
  EXPORT_KEY_ARN: KEY_ARN,
  EXPORT_ROLE_ARN: ROLE_ARN,
} as const;

// One mock per client class: the module-scope clients of index.ts are intercepted too.
export const s3Mock = mockClient(S3Client);
export const rdsMock = mockClient(RDSClient);

const savedEnv = { ...process.env };

export function resetAll(): void {
  s3Mock.reset();
  rdsMock.reset();
  for (const name of [...Object.keys(ENV), 'MAX_CONCURRENCY', 'AWS_REGION']) delete process.env[name];
  Object.assign(process.env, savedEnv, ENV, { AWS_REGION: REGION });
}

/** An SDK-like service error: what the SDK throws, reduced to the fields the function reads. */
export function awsError(name: string, httpStatusCode = 400, message = `${name} (test)`): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

export type LogLine = { level: LogLevel; message: string } & LogFields;

export interface Harness {
  readonly handler: ReturnType<typeof createHandler>;
  readonly sleeps: number[];
  readonly logs: LogLine[];
}

/** A handler whose sleeps, jitter, clock and logs are under the test's control. */
export function harness(overrides: Partial<Runtime> = {}): Harness {
  const sleeps: number[] = [];
  const logs: LogLine[] = [];
  const handler = createHandler({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => NOW,
    log: (level, message, fields = {}) => logs.push({ level, message, ...fields }),
    ...overrides,
  });
  return { handler, sleeps, logs };
}

export function lambdaContext(remainingMs = 900_000) {
  return { getRemainingTimeInMillis: () => remainingMs };
}

/**
 * A Lambda context whose remaining time drops by `costMs` at every S3 call the fake serves: a deadline that
 * arrives after a known amount of work, without real waiting.
 */
export function tickingContext(fake: FakeS3, remainingMs: number, costMs: number) {
  const start = fake.calls;
  return { getRemainingTimeInMillis: () => remainingMs - (fake.calls - start) * costMs };
}

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export interface StoredObject {
  size: number;
  /** Absent for objects whose size alone matters (multipart copies of mocked large objects). */
  body?: Buffer;
  etag: string;
  metadata?: Record<string, string>;
  contentType?: string;
  sse?: { algorithm?: string; keyId?: string };
}

/** An S3 of two buckets in memory, served through the mocked client, counting what each key receives. */
export class FakeS3 {
  readonly buckets = new Map<string, Map<string, StoredObject>>([
    [DOCS, new Map()],
    [EXPORT, new Map()],
  ]);
  calls = 0;
  readonly copies = new Map<string, number>();
  readonly gets = new Map<string, number>();
  readonly uploads = new Map<string, { bucket: string; key: string; parts: Map<number, number>; input: Record<string, unknown> }>();
  readonly aborted: string[] = [];
  /** Errors the next calls of a command throw, in order, before it is served: `faults.set('CopyObject', [err])`. */
  readonly faults = new Map<string, Error[]>();
  /** Chunk size of GetObject bodies, to exercise streaming. */
  chunkBytes = 7;
  private uploadSeq = 0;

  put(bucket: string, key: string, body: Buffer | string | number, extra: Partial<StoredObject> = {}): void {
    const data = typeof body === 'number' ? undefined : Buffer.from(body);
    const size = typeof body === 'number' ? body : (data as Buffer).length;
    const etag = `"${createHash('md5')
      .update(data ?? `${key}:${size}`)
      .digest('hex')}"`;
    this.bucket(bucket).set(key, { size, etag, ...(data ? { body: data } : {}), ...extra });
  }

  bucket(name: string): Map<string, StoredObject> {
    const b = this.buckets.get(name);
    if (!b) throw awsError('NoSuchBucket', 404);
    return b;
  }

  keys(bucket: string, prefix = ''): string[] {
    return [...this.bucket(bucket).keys()].filter((k) => k.startsWith(prefix)).sort(byteOrder);
  }

  /** Installs the handlers on s3Mock; each test may still override a command afterwards. */
  install(): this {
    const tick = (command: string) => {
      this.calls++;
      const fault = this.faults.get(command)?.shift();
      if (fault) throw fault;
    };
    s3Mock.on(ListObjectsV2Command).callsFake(async (input) => {
      tick('ListObjectsV2');
      const all = this.keys(input.Bucket, input.Prefix ?? '');
      const after = input.ContinuationToken ? Buffer.from(input.ContinuationToken, 'base64').toString('utf8') : input.StartAfter;
      const rest = after === undefined ? all : all.filter((k) => byteOrder(k, after) > 0);
      const max = input.MaxKeys ?? 1000;
      const page = rest.slice(0, max);
      const truncated = rest.length > max;
      return {
        Contents: page.map((Key) => ({ Key, Size: this.bucket(input.Bucket).get(Key)?.size, ETag: this.bucket(input.Bucket).get(Key)?.etag })),
        KeyCount: page.length,
        IsTruncated: truncated,
        ...(truncated ? { NextContinuationToken: Buffer.from(page[page.length - 1], 'utf8').toString('base64') } : {}),
      };
    });
    s3Mock.on(CopyObjectCommand).callsFake(async (input) => {
      tick('CopyObject');
      const [bucket, key] = parseCopySource(input.CopySource);
      const source = this.bucket(bucket).get(key);
      if (!source) throw awsError('NoSuchKey', 404);
      if (source.size > 5 * 1024 ** 3) throw awsError('InvalidRequest', 400, 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
      this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
      this.bucket(input.Bucket).set(input.Key, { ...source, sse: { algorithm: input.ServerSideEncryption, keyId: input.SSEKMSKeyId } });
      return { CopyObjectResult: { ETag: source.etag } };
    });
    s3Mock.on(HeadObjectCommand).callsFake(async (input) => {
      tick('HeadObject');
      const o = this.bucket(input.Bucket).get(input.Key);
      if (!o) throw awsError('NotFound', 404);
      return { ContentLength: o.size, ETag: o.etag, ContentType: o.contentType, Metadata: o.metadata ?? {} };
    });
    s3Mock.on(CreateMultipartUploadCommand).callsFake(async (input) => {
      tick('CreateMultipartUpload');
      const id = `upload-${++this.uploadSeq}`;
      this.uploads.set(id, { bucket: input.Bucket, key: input.Key, parts: new Map(), input: { ...input } });
      return { UploadId: id, Bucket: input.Bucket, Key: input.Key };
    });
    s3Mock.on(UploadPartCopyCommand).callsFake(async (input) => {
      tick('UploadPartCopy');
      const upload = this.uploads.get(input.UploadId);
      if (!upload) throw awsError('NoSuchUpload', 404);
      const [bucket, key] = parseCopySource(input.CopySource);
      const source = this.bucket(bucket).get(key);
      if (!source) throw awsError('NoSuchKey', 404);
      if (input.CopySourceIfMatch !== source.etag) throw awsError('PreconditionFailed', 412);
      const m = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange ?? '');
      if (!m || Number(m[2]) >= source.size) throw awsError('InvalidRange', 416);
      upload.parts.set(input.PartNumber, Number(m[2]) - Number(m[1]) + 1);
      return { CopyPartResult: { ETag: `"part-${input.PartNumber}"` } };
    });
    s3Mock.on(CompleteMultipartUploadCommand).callsFake(async (input) => {
      tick('CompleteMultipartUpload');
      const upload = this.uploads.get(input.UploadId);
      if (!upload) throw awsError('NoSuchUpload', 404);
      const size = [...upload.parts.values()].reduce((a, b) => a + b, 0);
      const source = [...this.bucket(DOCS).entries()].find(([k]) => upload.key.endsWith(`/documents/${k}`));
      if (source) this.copies.set(source[0], (this.copies.get(source[0]) ?? 0) + 1);
      this.bucket(input.Bucket).set(input.Key, { size, etag: '"multipart-2"', sse: { algorithm: upload.input.ServerSideEncryption as string, keyId: upload.input.SSEKMSKeyId as string } });
      this.uploads.delete(input.UploadId);
      return { ETag: '"multipart-2"' };
    });
    s3Mock.on(AbortMultipartUploadCommand).callsFake(async (input) => {
      tick('AbortMultipartUpload');
      this.aborted.push(input.UploadId);
      this.uploads.delete(input.UploadId);
      return {};
    });
    s3Mock.on(GetObjectCommand).callsFake(async (input) => {
      tick('GetObject');
      const o = this.bucket(input.Bucket).get(input.Key);
      if (!o) throw awsError('NoSuchKey', 404);
      if (input.IfMatch && input.IfMatch !== o.etag) throw awsError('PreconditionFailed', 412);
      this.gets.set(input.Key, (this.gets.get(input.Key) ?? 0) + 1);
      const body = o.body ?? Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += this.chunkBytes) chunks.push(body.subarray(i, i + this.chunkBytes));
      return { Body: Readable.from(chunks) as never, ContentLength: o.size, ETag: o.etag, Metadata: o.metadata ?? {} };
    });
    s3Mock.on(PutObjectCommand).callsFake(async (input) => {
      tick('PutObject');
      const body = Buffer.from(input.Body as string | Buffer);
      if (input.ChecksumSHA256 && createHash('sha256').update(body).digest('base64') !== input.ChecksumSHA256) throw awsError('BadDigest', 400);
      this.put(input.Bucket, input.Key, body, {
        ...(input.Metadata ? { metadata: input.Metadata } : {}),
        ...(input.ContentType ? { contentType: input.ContentType } : {}),
        sse: { algorithm: input.ServerSideEncryption, keyId: input.SSEKMSKeyId },
      });
      return { ETag: this.bucket(input.Bucket).get(input.Key)?.etag };
    });
    return this;
  }

  text(bucket: string, key: string): string {
    const o = this.bucket(bucket).get(key);
    if (!o?.body) throw new Error(`no body at ${bucket}/${key}`);
    return o.body.toString('utf8');
  }
}

export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function parseCopySource(copySource: string | undefined): [string, string] {
  const raw = copySource ?? '';
  const slash = raw.indexOf('/');
  return [raw.slice(0, slash), decodeURIComponent(raw.slice(slash + 1))];
}
