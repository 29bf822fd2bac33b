import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeadlineExceededError, UnexpectedResponseError } from './errors';
import { type StepContext, callAws, runPool, shared } from './runtime';

/** An object as listed: ListObjectsV2 lists current versions only. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

export interface WalkOptions<R> {
  readonly bucket: string;
  readonly prefix: string;
  /** Resume after this key (exclusive), as saved in a continuation token. */
  readonly afterKey?: string;
  /** Listed keys that are passed over (counted as done, not processed). */
  readonly skip?: (key: string) => boolean;
  /** Stop once this many objects were processed in the invocation. */
  readonly maxItems?: number;
  readonly process: (object: ListedObject, signal: AbortSignal) => Promise<R>;
}

export interface WalkResult<R> {
  /** Processed objects of this invocation, in key order, with no gap. */
  readonly results: ReadonlyArray<{ readonly object: ListedObject; readonly value: R }>;
  /** Every key up to this one (inclusive) is done; resume after it. */
  readonly lastKey?: string;
  readonly done: boolean;
  readonly pages: number;
}

export const PAGE_SIZE = 1000;

/**
 * Lists `prefix` page by page and processes each object, at most `config.concurrency` at once, until the
 * listing ends or time runs short. Resumption is by key, not by position: `lastKey` is the end of the
 * longest run of listed keys that are all done, so resuming after it (ListObjectsV2 StartAfter) neither
 * skips nor repeats an object. Once the stop margin is reached no object is started and those in flight
 * finish; at the abort margin they are stopped, and only the run before the first unfinished one counts.
 * Any other failure stops the others and is thrown.
 */
export async function walk<R>(ctx: StepContext, options: WalkOptions<R>): Promise<WalkResult<R>> {
  const { deadline } = ctx;
  const results: Array<{ object: ListedObject; value: R }> = [];
  let lastKey = options.afterKey;
  let s3Token: string | undefined;
  let pages = 0;
  let started = 0;
  for (;;) {
    if (!deadline.canStart(0, true)) return { results, lastKey, done: false, pages };
    const page = await callAws(ctx, 's3:ListObjectsV2', `s3://${options.bucket}/${options.prefix}`, deadline.work.signal, (abortSignal) =>
      ctx.runtime.clients.s3.send(
        new ListObjectsV2Command({
          Bucket: options.bucket,
          Prefix: options.prefix,
          MaxKeys: PAGE_SIZE,
          ...(s3Token ? { ContinuationToken: s3Token } : options.afterKey ? { StartAfter: options.afterKey } : {}),
        }),
        { abortSignal },
      ),
    );
    pages++;
    const objects: ListedObject[] = (page.Contents ?? [])
      .filter((o): o is typeof o & { Key: string } => typeof o.Key === 'string' && o.Key !== '')
      .map((o) => ({ key: o.Key, size: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag } : {}) }));

    const finished: boolean[] = objects.map(() => false);
    const values: R[] = [];
    const failed = new AbortController();
    const signal = shared(AbortSignal.any([deadline.work.signal, failed.signal]));
    let failure: unknown;
    await runPool(
      objects,
      ctx.config.concurrency,
      (object) => {
        if (failure !== undefined) return false;
        if (options.skip?.(object.key)) return true;
        if (options.maxItems !== undefined && started >= options.maxItems) return false;
        return deadline.canStart(object.size, started === 0);
      },
      async (object, i) => {
        if (options.skip?.(object.key)) {
          finished[i] = true;
          return;
        }
        started++;
        try {
          values[i] = await options.process(object, signal);
          finished[i] = true;
        } catch (err) {
          if (err instanceof DeadlineExceededError || (deadline.work.signal.aborted && !failed.signal.aborted)) return;
          if (failure === undefined) {
            failure = err;
            failed.abort(err);
          }
        }
      },
    );
    if (failure !== undefined) throw failure;

    let i = 0;
    for (; i < objects.length && finished[i]; i++) {
      if (!options.skip?.(objects[i].key)) results.push({ object: objects[i], value: values[i] });
      lastKey = objects[i].key;
    }
    if (i < objects.length) return { results, lastKey, done: false, pages };
    if (!page.IsTruncated) return { results, lastKey, done: true, pages };
    if (!page.NextContinuationToken) throw new UnexpectedResponseError('s3:ListObjectsV2', `s3://${options.bucket}/${options.prefix}`, 'the page is truncated but has no NextContinuationToken');
    s3Token = page.NextContinuationToken;
  }
}
