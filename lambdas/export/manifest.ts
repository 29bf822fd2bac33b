import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsCallError } from '../shared/retry';
import { checkOwnTask, describeTask } from './database';
import { DeadlineExceededError, InvalidRequestError, ManifestError, UnexpectedResponseError } from './errors';
import { type Cursor, encodeToken, layout } from './events';
import { type StepContext, callAws } from './runtime';
import { type ListedObject, walk } from './walk';

export interface ManifestEntry {
  /** Relative to `exports/<exportId>/`. */
  readonly key: string;
  readonly size: number;
  /** SHA-256 of the object's bytes, lower-case hex. */
  readonly sha256: string;
}

export interface ManifestResult {
  readonly exportId: string;
  readonly continuationToken?: string;
  /** The number of the next part to write: pass it back with the token. */
  readonly part: number;
  /** Files hashed by this invocation (the part it wrote). */
  readonly files: number;
  readonly done: boolean;
}

export interface FinalizeResult {
  readonly exportId: string;
  readonly files: number;
  readonly bytes: number;
  readonly manifestKey: string;
  readonly manifestSha256: string;
}

export const MANIFEST_FORMAT = 'hds-blueprint-export/1';
/** Entries in one part at most: a part is read whole by finalize. */
export const MAX_PART_ENTRIES = 100_000;
/** A part is JSON this function wrote; anything bigger is not one of them. */
export const MAX_PART_BYTES = 64 * 1024 * 1024;
/** S3 user metadata of a part (lower-case, as S3 returns it). */
export const META_RUN = 'manifest-run';
export const META_FINAL = 'manifest-final';

const SSE = (keyArn: string) => ({ ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: keyArn, BucketKeyEnabled: true });

/** What the manifest lists: everything under the export but the manifest itself. */
function isManifestFile(exportId: string, key: string): boolean {
  const l = layout(exportId);
  return key.startsWith(l.partsPrefix) || key === l.manifestKey || key === l.checksumKey;
}

/**
 * Hashes the objects of `exports/<id>/` in key order, streaming each one through SHA-256, and writes what
 * this invocation hashed as one part. Parts carry the run they belong to, so that finalize never mixes a
 * run with the leftovers of an earlier one.
 */
export async function buildManifestPart(ctx: StepContext, exportId: string, cursor: Cursor | undefined, part: number): Promise<ManifestResult> {
  const l = layout(exportId);
  const run = cursor?.run ?? newRun(ctx);
  const walked = await walk(ctx, {
    bucket: ctx.config.exportBucket,
    prefix: l.root,
    ...(cursor ? { afterKey: cursor.afterKey } : {}),
    skip: (key) => isManifestFile(exportId, key),
    maxItems: MAX_PART_ENTRIES,
    process: (object, signal) => hashObject(ctx, exportId, object, signal),
  });
  if (!walked.done && walked.lastKey === cursor?.afterKey) {
    throw new DeadlineExceededError(
      `time budget of the invocation exhausted before any object could be hashed${cursor ? ` after '${cursor.afterKey}'` : ''}: raise the function timeout`,
    );
  }
  const entries = walked.results.map((r) => r.value);
  const key = l.partKey(part);
  await put(ctx, key, Buffer.from(`${JSON.stringify(entries)}\n`, 'utf8'), 'application/json', { [META_RUN]: run, [META_FINAL]: String(walked.done) });
  ctx.log('info', 'manifest part written', { key, part, files: entries.length, pages: walked.pages, done: walked.done });
  const next = part + 1;
  if (walked.done || walked.lastKey === undefined) return { exportId, part: next, files: entries.length, done: true };
  return {
    exportId,
    continuationToken: encodeToken('manifest', exportId, { afterKey: walked.lastKey, run, part: next }),
    part: next,
    files: entries.length,
    done: false,
  };
}

function newRun(ctx: StepContext): string {
  const random = Math.floor(ctx.runtime.random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0');
  return `${ctx.runtime.now().getTime().toString(36)}-${random}`;
}

/** Streams one object through SHA-256: memory stays at one chunk, whatever the object's size. */
async function hashObject(ctx: StepContext, exportId: string, object: ListedObject, signal: AbortSignal): Promise<ManifestEntry> {
  const { exportBucket } = ctx.config;
  const resource = `s3://${exportBucket}/${object.key}`;
  const out = await callAws(ctx, 's3:GetObject', resource, signal, (abortSignal) =>
    ctx.runtime.clients.s3.send(
      // Pinned to the listed ETag: the hash is of the object whose size is listed, or the call fails.
      new GetObjectCommand({ Bucket: exportBucket, Key: object.key, ...(object.etag ? { IfMatch: object.etag } : {}) }),
      { abortSignal },
    ),
  ).catch((err: unknown) => {
    if (err instanceof AwsCallError && (err.errorName === 'PreconditionFailed' || err.errorName === 'HTTP 412')) {
      throw new ManifestError(exportId, `'${object.key}' changed after it was listed: nothing may write under exports/${exportId}/ while the manifest is built; run the manifest from the start`);
    }
    throw err;
  });
  const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void }) | undefined;
  if (!body || typeof body[Symbol.asyncIterator] !== 'function') throw new UnexpectedResponseError('s3:GetObject', resource, 'no streamable body');
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of body) {
      if (signal.aborted) throw signal.reason;
      hash.update(chunk);
      bytes += chunk.byteLength;
    }
  } catch (err) {
    body.destroy?.();
    if (signal.aborted) throw signal.reason;
    throw err;
  }
  if (bytes !== object.size) {
    throw new ManifestError(exportId, `'${object.key}' is listed with ${object.size} bytes but ${bytes} were read: run the manifest from the start`);
  }
  return { key: object.key.slice(layout(exportId).root.length), size: bytes, sha256: hash.digest('hex') };
}

/** Code-point (UTF-8 byte) order, the order S3 lists keys in; independent of locale. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

interface PartFile {
  readonly number: number;
  readonly run: string;
  readonly final: boolean;
  readonly entries: ManifestEntry[];
}

/**
 * Reads the parts of the latest manifest run, checks them (numbered from 0 with no gap, one run, ending
 * with its final part, no key twice, something from the database), and writes `manifest.json` and its
 * `sha256sum` line.
 */
export async function finalizeManifest(
  ctx: StepContext,
  exportId: string,
  given: { readonly snapshotArn?: string; readonly snapshotTime?: Date },
): Promise<FinalizeResult> {
  const { config } = ctx;
  const l = layout(exportId);

  const task = await describeTask(ctx, exportId);
  if (!task) throw new ManifestError(exportId, "RDS knows no export task of this id: the database export is missing ('start' was not run with this exportId)");
  checkOwnTask(ctx, exportId, task);
  if ((task.Status ?? '').toUpperCase() !== 'COMPLETE') {
    throw new ManifestError(exportId, `the database export task is ${task.Status ?? 'in an unknown state'}, not COMPLETE: finalize only after 'status' says complete`);
  }
  const snapshotArn = task.SourceArn;
  const snapshotTime = task.SnapshotTime;
  if (!snapshotArn || !snapshotTime) throw new UnexpectedResponseError('rds:DescribeExportTasks', exportId, 'the task has no SourceArn or SnapshotTime');
  const mismatch: string[] = [];
  if (given.snapshotArn !== undefined && given.snapshotArn !== snapshotArn) mismatch.push(`snapshotArn is '${given.snapshotArn}' but the export task exported '${snapshotArn}'`);
  if (given.snapshotTime !== undefined && given.snapshotTime.getTime() !== snapshotTime.getTime()) {
    mismatch.push(`snapshotTime is '${given.snapshotTime.toISOString()}' but the exported snapshot was taken at '${snapshotTime.toISOString()}'`);
  }
  if (mismatch.length > 0) throw new InvalidRequestError(mismatch.map((m) => `${m}: pass the values 'start' returned, or none`));

  const listed = await listPartNumbers(ctx, exportId);
  const parts: PartFile[] = [];
  for (let n = 0; ; n++) {
    if (!listed.has(n)) {
      throw new ManifestError(
        exportId,
        n === 0
          ? `no part found under ${l.partsPrefix} (${l.partKey(0)} is missing): run the 'manifest' action to completion first`
          : `${l.partKey(n)} is missing: parts 0 to ${n - 1} were found and none is the last of its run; run the 'manifest' action to completion`,
      );
    }
    const part = await readPart(ctx, exportId, n);
    if (n > 0 && part.run !== parts[0].run) {
      throw new ManifestError(exportId, `${l.partKey(n)} belongs to another manifest run than ${l.partKey(0)}: a run was interrupted; run the 'manifest' action to completion, from the start`);
    }
    parts.push(part);
    if (part.final) break;
  }
  const stale = [...listed].filter((n) => n >= parts.length).length;
  if (stale > 0) ctx.log('warn', 'parts of an earlier manifest run left out', { stale });

  const files = parts.flatMap((p) => p.entries).sort((a, b) => compareKeys(a.key, b.key));
  for (let i = 1; i < files.length; i++) {
    if (files[i].key === files[i - 1].key) throw new ManifestError(exportId, `'${files[i].key}' is listed twice in the parts: run the 'manifest' action from the start`);
  }
  if (!files.some((f) => f.key.startsWith('database/'))) {
    throw new ManifestError(exportId, `the manifest would list nothing under ${l.databasePrefix}/: the database export wrote no file there, or the manifest was built before it completed`);
  }
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const manifest = {
    format: MANIFEST_FORMAT,
    exportId,
    createdAt: ctx.runtime.now().toISOString(),
    cluster: config.clusterIdentifier,
    snapshotArn,
    snapshotTime: snapshotTime.toISOString(),
    files,
    totals: { files: files.length, bytes },
  };
  const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const manifestSha256 = createHash('sha256').update(body).digest('hex');
  await put(ctx, l.manifestKey, body, 'application/json');
  // sha256sum format, two spaces: `sha256sum -c manifest.json.sha256` next to the downloaded manifest.json.
  const line = `${manifestSha256}  manifest.json\n`;
  await put(ctx, l.checksumKey, Buffer.from(line, 'utf8'), 'text/plain; charset=utf-8');
  ctx.log('info', 'manifest written', { key: l.manifestKey, files: files.length, bytes, parts: parts.length });
  return { exportId, files: files.length, bytes, manifestKey: l.manifestKey, manifestSha256 };
}

/** Writes one object of the manifest, SSE-KMS with the export key. */
async function put(ctx: StepContext, key: string, body: Buffer, contentType: string, metadata?: Record<string, string>): Promise<void> {
  await callAws(ctx, 's3:PutObject', `s3://${ctx.config.exportBucket}/${key}`, ctx.deadline.finish.signal, (abortSignal) =>
    ctx.runtime.clients.s3.send(
      new PutObjectCommand({
        Bucket: ctx.config.exportBucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        // S3 checks the upload against it: what is stored is what was hashed.
        ChecksumSHA256: createHash('sha256').update(body).digest('base64'),
        ...(metadata ? { Metadata: metadata } : {}),
        ...SSE(ctx.config.exportKeyArn),
      }),
      { abortSignal },
    ),
  );
}

const PART_KEY = /\/manifest\/part-(\d{5})\.json$/;

async function listPartNumbers(ctx: StepContext, exportId: string): Promise<Set<number>> {
  const prefix = layout(exportId).partsPrefix;
  const numbers = new Set<number>();
  let token: string | undefined;
  do {
    const page = await callAws(ctx, 's3:ListObjectsV2', `s3://${ctx.config.exportBucket}/${prefix}`, ctx.deadline.finish.signal, (abortSignal) =>
      ctx.runtime.clients.s3.send(new ListObjectsV2Command({ Bucket: ctx.config.exportBucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }), { abortSignal }),
    );
    for (const o of page.Contents ?? []) {
      const m = o.Key ? PART_KEY.exec(o.Key) : null;
      if (m && o.Key === layout(exportId).partKey(Number(m[1]))) numbers.add(Number(m[1]));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return numbers;
}

async function readPart(ctx: StepContext, exportId: string, n: number): Promise<PartFile> {
  const key = layout(exportId).partKey(n);
  const out = await callAws(ctx, 's3:GetObject', `s3://${ctx.config.exportBucket}/${key}`, ctx.deadline.finish.signal, (abortSignal) =>
    ctx.runtime.clients.s3.send(new GetObjectCommand({ Bucket: ctx.config.exportBucket, Key: key }), { abortSignal }),
  );
  const run = out.Metadata?.[META_RUN];
  const final = out.Metadata?.[META_FINAL];
  if (!run || (final !== 'true' && final !== 'false')) throw new ManifestError(exportId, `${key} has no ${META_RUN} or ${META_FINAL} metadata: it was not written by this function`);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of (out.Body ?? []) as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > MAX_PART_BYTES) throw new ManifestError(exportId, `${key} is larger than ${MAX_PART_BYTES} bytes: it was not written by this function`);
    chunks.push(chunk);
  }
  let entries: unknown;
  try {
    entries = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    entries = undefined;
  }
  if (!Array.isArray(entries) || !entries.every(isEntry)) {
    throw new ManifestError(exportId, `${key} is not a JSON array of { key, size, sha256 }: it was altered or not written by this function`);
  }
  return { number: n, run, final: final === 'true', entries };
}

function isEntry(value: unknown): value is ManifestEntry {
  const e = value as Partial<ManifestEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.key === 'string' &&
    e.key !== '' &&
    typeof e.size === 'number' &&
    Number.isSafeInteger(e.size) &&
    e.size >= 0 &&
    typeof e.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(e.sha256)
  );
}
