import fc from 'fast-check';
import { DescribeExportTasksCommand } from '@aws-sdk/client-rds';
import { DOCS, EXPORT, EXPORT_ID, FakeS3, byteOrder, harness, rdsMock, resetAll, sha256, snapshotArn, tickingContext } from './fixtures';

beforeEach(resetAll);

const ROOT = `exports/${EXPORT_ID}/`;
const STOP_MARGIN_MS = 30_000;

const keyArb = fc.stringMatching(/^[a-zA-Z0-9é _.-]{1,6}(?:\/[a-zA-Z0-9é _.-]{1,6}){0,2}$/);
const objectsArb = fc.uniqueArray(fc.record({ key: keyArb, body: fc.uint8Array({ maxLength: 40 }) }), { selector: (o) => o.key, maxLength: 60 });
/**
 * A deadline: each S3 call costs `costMs` of the invocation's time, and an invocation starts with room for
 * the listing and `calls` more calls beyond the stop margin (at least one, so that every call progresses).
 */
const deadlineArb = fc.record({ costMs: fc.integer({ min: 1, max: 5000 }), calls: fc.integer({ min: 1, max: 25 }), concurrency: fc.integer({ min: 1, max: 12 }) });

type Looped = { continuationToken?: string; done: boolean };

async function loop(handler: ReturnType<typeof harness>['handler'], action: string, fake: FakeS3, deadline: { costMs: number; calls: number }, max: number): Promise<Looped[]> {
  const results: Looped[] = [];
  let event: object = { action, exportId: EXPORT_ID };
  while (results.length <= max) {
    const remaining = STOP_MARGIN_MS + deadline.costMs * (1 + deadline.calls) + 1;
    const result = (await handler(event, tickingContext(fake, remaining, deadline.costMs))) as Looped;
    results.push(result);
    if (result.done) return results;
    event = { ...result, action };
  }
  throw new Error(`${action} did not finish in ${max} calls`);
}

test('copy-documents across resumptions copies each document exactly once, whatever the deadlines', async () => {
  await fc.assert(
    fc.asyncProperty(objectsArb, deadlineArb, async (objects, deadline) => {
      resetAll();
      process.env.MAX_CONCURRENCY = String(deadline.concurrency);
      const fake = new FakeS3().install();
      for (const o of objects) fake.put(DOCS, o.key, Buffer.from(o.body));
      const { handler } = harness({ stopMarginMs: STOP_MARGIN_MS });
      const results = await loop(handler, 'copy-documents', fake, deadline, objects.length + 1);

      const keys = objects.map((o) => o.key).sort(byteOrder);
      expect(fake.keys(EXPORT)).toEqual(keys.map((k) => `${ROOT}documents/${k}`));
      expect(keys.map((k) => fake.copies.get(k))).toEqual(keys.map(() => 1));
      expect(results.reduce((n, r) => n + (r as unknown as { copied: number }).copied, 0)).toBe(keys.length);
    }),
    { numRuns: 60 },
  );
});

test('manifest across resumptions hashes each object exactly once, into exactly one part, and finalize lists them all', async () => {
  await fc.assert(
    fc.asyncProperty(objectsArb, deadlineArb, async (objects, deadline) => {
      resetAll();
      process.env.MAX_CONCURRENCY = String(deadline.concurrency);
      const fake = new FakeS3().install();
      fake.chunkBytes = 5;
      const database = { key: `database/${EXPORT_ID}/export_info.json`, body: Buffer.from('{}') };
      const all = [database, ...objects.map((o) => ({ key: `documents/${o.key}`, body: Buffer.from(o.body) }))];
      for (const o of all) fake.put(EXPORT, `${ROOT}${o.key}`, o.body);
      rdsMock.on(DescribeExportTasksCommand).resolves({
        ExportTasks: [{ ExportTaskIdentifier: EXPORT_ID, SourceArn: snapshotArn('rds:s'), SnapshotTime: new Date(0), S3Bucket: EXPORT, S3Prefix: `${ROOT}database`, Status: 'COMPLETE' }],
      });
      const { handler } = harness({ stopMarginMs: STOP_MARGIN_MS });
      const results = await loop(handler, 'manifest', fake, deadline, all.length + 1);

      const expected = all.map((o) => ({ key: o.key, size: o.body.length, sha256: sha256(o.body) })).sort((a, b) => byteOrder(a.key, b.key));
      const parts = results.map((_, i) => JSON.parse(fake.text(EXPORT, `${ROOT}manifest/part-${String(i).padStart(5, '0')}.json`)) as unknown[]);
      expect(parts.flat()).toEqual(expected);
      expect(all.map((o) => fake.gets.get(`${ROOT}${o.key}`))).toEqual(all.map(() => 1));

      const final = (await handler({ action: 'finalize', exportId: EXPORT_ID })) as { files: number; bytes: number };
      expect(final).toMatchObject({ files: expected.length, bytes: expected.reduce((n, e) => n + e.size, 0) });
      expect((JSON.parse(fake.text(EXPORT, `${ROOT}manifest.json`)) as { files: unknown[] }).files).toEqual(expected);
    }),
    { numRuns: 60 },
  );
});
