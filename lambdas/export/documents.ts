import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { AwsCallError } from '../shared/retry';
import { CopyError, DeadlineExceededError, UnexpectedResponseError } from './errors';
import { type Cursor, encodeToken, layout } from './events';
import { type StepContext, callAws, runPool, shared } from './runtime';
import { type ListedObject, walk } from './walk';

export interface CopyResult {
  readonly exportId: string;
  /** Absent when done; otherwise pass it back to continue after the last document copied. */
  readonly continuationToken?: string;
  /** Documents copied by this invocation. */
  readonly copied: number;
  readonly done: boolean;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** The largest object CopyObject copies in one request; above it, a multipart copy. */
export const MAX_COPY_OBJECT_BYTES = 5 * GiB;
export const DEFAULT_PART_BYTES = 512 * MiB;
export const MAX_PARTS = 10_000;
/** UploadPartCopy calls in flight per object. */
export const PART_CONCURRENCY = 4;
export const MAX_KEY_BYTES = 1024;

/**
 * Copies the current version of every object of DOCUMENTS_BUCKET to `exports/<id>/documents/<key>` in
 * EXPORT_BUCKET, server side, encrypted with the export key. Re-running a page copies the same objects to
 * the same keys again: idempotent.
 */
export async function copyDocuments(ctx: StepContext, exportId: string, cursor: Cursor | undefined): Promise<CopyResult> {
  const target = layout(exportId).documentsPrefix;
  const walked = await walk(ctx, {
    bucket: ctx.config.documentsBucket,
    prefix: '',
    ...(cursor ? { afterKey: cursor.afterKey } : {}),
    process: (object, signal) => copyOne(ctx, object, `${target}${object.key}`, signal),
  });
  if (!walked.done && walked.lastKey === cursor?.afterKey) {
    throw new DeadlineExceededError(
      `time budget of the invocation exhausted before any document could be copied${cursor ? ` after '${cursor.afterKey}'` : ''}: raise the function timeout (a copy of N GiB takes about N/${Math.round((ctx.runtime.bytesPerMs * 1000) / GiB)} s)`,
    );
  }
  const copied = walked.results.length;
  ctx.log('info', walked.done ? 'documents copied' : 'documents copied, more to do', { copied, pages: walked.pages, done: walked.done });
  if (walked.done || walked.lastKey === undefined) return { exportId, copied, done: true };
  return { exportId, continuationToken: encodeToken('copy-documents', exportId, { afterKey: walked.lastKey }), copied, done: false };
}

/** `bucket/key`, URL-encoded segment by segment as x-amz-copy-source requires. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

async function copyOne(ctx: StepContext, object: ListedObject, destination: string, signal: AbortSignal): Promise<void> {
  if (Buffer.byteLength(destination, 'utf8') > MAX_KEY_BYTES) {
    throw new CopyError(
      `document '${object.key}' cannot be exported: its export key '${destination}' would be ${Buffer.byteLength(destination, 'utf8')} bytes, S3 allows ${MAX_KEY_BYTES}; shorten the exportId or copy this document by hand`,
    );
  }
  if (object.size > MAX_COPY_OBJECT_BYTES) {
    await copyMultipart(ctx, object, destination, signal);
    return;
  }
  const { config } = ctx;
  await callAws(ctx, 's3:CopyObject', `s3://${config.documentsBucket}/${object.key}`, signal, (abortSignal) =>
    ctx.runtime.clients.s3.send(
      new CopyObjectCommand({
        Bucket: config.exportBucket,
        Key: destination,
        CopySource: copySource(config.documentsBucket, object.key),
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: config.exportKeyArn,
        BucketKeyEnabled: true,
        // Content type and user metadata come along (MetadataDirective COPY); tags are bucket-management
        // labels, not data, and copying them would need s3:GetObjectTagging and s3:PutObjectTagging.
        MetadataDirective: 'COPY',
        TaggingDirective: 'REPLACE',
      }),
      { abortSignal },
    ),
  );
}

export interface PartRange {
  readonly partNumber: number;
  readonly first: number;
  readonly last: number;
}

/** Byte ranges of a multipart copy: parts of 512 MiB, larger when the object would need more than 10,000. */
export function partRanges(size: number, partBytes = DEFAULT_PART_BYTES): PartRange[] {
  const bytes = Math.max(partBytes, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  const ranges: PartRange[] = [];
  for (let first = 0, n = 1; first < size; first += bytes, n++) ranges.push({ partNumber: n, first, last: Math.min(size, first + bytes) - 1 });
  return ranges;
}

/**
 * Objects over 5 GiB: CreateMultipartUpload, one UploadPartCopy per range, all pinned to the ETag read by
 * HeadObject (so the parts cannot mix two versions), then CompleteMultipartUpload. Any failure or the
 * deadline aborts the upload, so no orphan parts are left to pay for.
 */
async function copyMultipart(ctx: StepContext, object: ListedObject, destination: string, signal: AbortSignal): Promise<void> {
  const { config } = ctx;
  const s3 = ctx.runtime.clients.s3;
  const source = `s3://${config.documentsBucket}/${object.key}`;
  const head = await callAws(ctx, 's3:HeadObject', source, signal, (abortSignal) =>
    s3.send(new HeadObjectCommand({ Bucket: config.documentsBucket, Key: object.key }), { abortSignal }),
  );
  const size = head.ContentLength ?? object.size;
  if (!head.ETag) throw new UnexpectedResponseError('s3:HeadObject', source, 'no ETag');
  const created = await callAws(ctx, 's3:CreateMultipartUpload', `s3://${config.exportBucket}/${destination}`, signal, (abortSignal) =>
    s3.send(
      new CreateMultipartUploadCommand({
        Bucket: config.exportBucket,
        Key: destination,
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: config.exportKeyArn,
        BucketKeyEnabled: true,
        // What CopyObject's MetadataDirective COPY would have kept.
        ...(head.ContentType ? { ContentType: head.ContentType } : {}),
        ...(head.ContentEncoding ? { ContentEncoding: head.ContentEncoding } : {}),
        ...(head.ContentDisposition ? { ContentDisposition: head.ContentDisposition } : {}),
        ...(head.ContentLanguage ? { ContentLanguage: head.ContentLanguage } : {}),
        ...(head.CacheControl ? { CacheControl: head.CacheControl } : {}),
        ...(head.Metadata && Object.keys(head.Metadata).length > 0 ? { Metadata: head.Metadata } : {}),
      }),
      { abortSignal },
    ),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new UnexpectedResponseError('s3:CreateMultipartUpload', destination, 'no UploadId');
  const ranges = partRanges(size);
  try {
    const etags: string[] = [];
    const failed = new AbortController();
    const partSignal = shared(AbortSignal.any([signal, failed.signal]));
    let failure: unknown;
    await runPool(
      ranges,
      PART_CONCURRENCY,
      () => failure === undefined && !partSignal.aborted,
      async (range, i) => {
        try {
          const out = await callAws(ctx, 's3:UploadPartCopy', source, partSignal, (abortSignal) =>
            s3.send(
              new UploadPartCopyCommand({
                Bucket: config.exportBucket,
                Key: destination,
                UploadId: uploadId,
                PartNumber: range.partNumber,
                CopySource: copySource(config.documentsBucket, object.key),
                CopySourceRange: `bytes=${range.first}-${range.last}`,
                CopySourceIfMatch: head.ETag,
              }),
              { abortSignal },
            ),
          );
          const etag = out.CopyPartResult?.ETag;
          if (!etag) throw new UnexpectedResponseError('s3:UploadPartCopy', source, `part ${range.partNumber} has no ETag`);
          etags[i] = etag;
        } catch (err) {
          if (failure === undefined) {
            failure = err;
            failed.abort(err);
          }
        }
      },
    );
    if (failure !== undefined) throw failure;
    if (signal.aborted) throw signal.reason;
    await callAws(ctx, 's3:CompleteMultipartUpload', `s3://${config.exportBucket}/${destination}`, signal, (abortSignal) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: config.exportBucket,
          Key: destination,
          UploadId: uploadId,
          MultipartUpload: { Parts: ranges.map((r, i) => ({ PartNumber: r.partNumber, ETag: etags[i] })) },
        }),
        { abortSignal },
      ),
    );
    ctx.log('info', 'large document copied in parts', { key: object.key, size, parts: ranges.length });
  } catch (err) {
    await abortUpload(ctx, destination, uploadId);
    if (err instanceof AwsCallError && (err.errorName === 'PreconditionFailed' || err.errorName === 'HTTP 412')) {
      throw new CopyError(`document '${object.key}' changed while it was copied in parts: run copy-documents again from the same token`);
    }
    throw err;
  }
}

/** Best effort, on the finishing signal (the work signal may be the reason for aborting). */
async function abortUpload(ctx: StepContext, destination: string, uploadId: string): Promise<void> {
  try {
    await callAws(ctx, 's3:AbortMultipartUpload', `s3://${ctx.config.exportBucket}/${destination}`, ctx.deadline.finish.signal, (abortSignal) =>
      ctx.runtime.clients.s3.send(new AbortMultipartUploadCommand({ Bucket: ctx.config.exportBucket, Key: destination, UploadId: uploadId }), { abortSignal }),
    );
    ctx.log('warn', 'multipart copy aborted', { key: destination });
  } catch (err) {
    // The bucket's lifecycle rule for incomplete multipart uploads removes what could not be aborted here.
    ctx.log('error', 'could not abort the multipart copy', { key: destination, errorName: err instanceof AwsCallError ? err.errorName : (err as Error).name });
  }
}
