import 'aws-sdk-client-mock-jest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExportTasksCommand, type ExportTask } from '@aws-sdk/client-rds';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeadlineExceededError, InvalidRequestError, ManifestError } from '../../../lambdas/export/errors';
import { CLUSTER, EXPORT, EXPORT_ID, FakeS3, KEY_ARN, NOW, byteOrder, harness, lambdaContext, rdsMock, resetAll, s3Mock, sha256, snapshotArn, tickingContext } from './fixtures';

beforeEach(resetAll);

const ROOT = `exports/${EXPORT_ID}/`;
const SNAPSHOT = snapshotArn('awsbackup:job-7c1d');
const SNAPSHOT_TIME = new Date('2026-11-21T22:00:00Z');
type ManifestOut = { exportId: string; continuationToken?: string; part: number; files: number; done: boolean };
type FinalizeOut = { exportId: string; files: number; bytes: number; manifestKey: string; manifestSha256: string };
const manifest = () => ({ action: 'manifest', exportId: EXPORT_ID });
const finalize = (extra: object = {}) => ({ action: 'finalize', exportId: EXPORT_ID, ...extra });

/** An export as RDS and copy-documents leave it: Parquet files, RDS's JSON, documents; bodies are real bytes. */
function exported(fake: FakeS3, documents = 5): Map<string, Buffer> {
  const bodies = new Map<string, Buffer>([
    [`database/${EXPORT_ID}/export_info_${EXPORT_ID}.json`, Buffer.from('{"exportTaskIdentifier":"x","status":"COMPLETE"}')],
    [`database/${EXPORT_ID}/export_tables_info_${EXPORT_ID}_from_1_to_2.json`, Buffer.from('{"perTableStatus":[]}')],
    [`database/${EXPORT_ID}/hds/hds.public.patients/1/part-00000-0a1b.gz.parquet`, Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251))],
    [`database/${EXPORT_ID}/hds/hds.public.visits/1/part-00000-9f8e.gz.parquet`, Buffer.alloc(0)],
  ]);
  for (let i = 0; i < documents; i++) bodies.set(`documents/tenants/cli042/doc-${i}.pdf`, Buffer.from(`%PDF-1.7 document ${i} `.repeat(i + 1)));
  bodies.set('documents/tenants/cli042/compte-rendu-é.pdf', Buffer.from('é'));
  bodies.set('documents/tenants/cli042/Z-upper.pdf', Buffer.from('Z'));
  for (const [key, body] of bodies) fake.put(EXPORT, `${ROOT}${key}`, body);
  return bodies;
}

function mockTask(overrides: Partial<ExportTask> = {}): void {
  rdsMock.on(DescribeExportTasksCommand).resolves({
    ExportTasks: [{ ExportTaskIdentifier: EXPORT_ID, SourceArn: SNAPSHOT, SnapshotTime: SNAPSHOT_TIME, S3Bucket: EXPORT, S3Prefix: `${ROOT}database`, Status: 'COMPLETE', ...overrides }],
  });
}

const expectedEntries = (bodies: Map<string, Buffer>) =>
  [...bodies].map(([key, body]) => ({ key, size: body.length, sha256: sha256(body) })).sort((a, b) => byteOrder(a.key, b.key));

async function runManifest(handler: ReturnType<typeof harness>['handler'], contexts: () => { getRemainingTimeInMillis(): number }): Promise<ManifestOut[]> {
  const results: ManifestOut[] = [];
  let event: object = manifest();
  for (let i = 0; i < 100; i++) {
    const result = (await handler(event, contexts())) as ManifestOut;
    results.push(result);
    if (result.done) return results;
    event = { ...result, action: 'manifest' };
  }
  throw new Error('manifest did not finish');
}

describe('manifest', () => {
  test('streams every object through SHA-256 and writes one part, encrypted, with its run', async () => {
    const fake = new FakeS3().install();
    const bodies = exported(fake);
    // Left over from an earlier run: never listed in the manifest.
    fake.put(EXPORT, `${ROOT}manifest/part-00000.json`, '[]', { metadata: { 'manifest-run': 'old', 'manifest-final': 'true' } });
    fake.put(EXPORT, `${ROOT}manifest.json`, '{}');
    fake.put(EXPORT, `${ROOT}manifest.json.sha256`, 'x');
    const result = (await harness().handler(manifest(), lambdaContext())) as ManifestOut;

    expect(result).toEqual({ exportId: EXPORT_ID, part: 1, files: bodies.size, done: true });
    const part = JSON.parse(fake.text(EXPORT, `${ROOT}manifest/part-00000.json`));
    expect(part).toEqual(expectedEntries(bodies));
    expect(fake.bucket(EXPORT).get(`${ROOT}manifest/part-00000.json`)).toMatchObject({
      metadata: { 'manifest-run': expect.stringMatching(/^[a-z0-9]+-[0-9a-f]{8}$/), 'manifest-final': 'true' },
      contentType: 'application/json',
      sse: { algorithm: 'aws:kms', keyId: KEY_ARN },
    });
    // Each GET is pinned to the listed ETag; nothing of the manifest itself was read.
    const gets = s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets).toHaveLength(bodies.size);
    expect(gets.every((g) => g.IfMatch === fake.bucket(EXPORT).get(g.Key as string)?.etag)).toBe(true);
  });

  test('resumes across deadlines: every object is hashed once and lands in exactly one part', async () => {
    const fake = new FakeS3().install();
    const bodies = exported(fake, 40);
    const { handler } = harness({ stopMarginMs: 30_000 });
    const results = await runManifest(handler, () => tickingContext(fake, 40_000, 1000));

    expect(results.length).toBeGreaterThan(3);
    expect(results.map((r) => r.part)).toEqual(results.map((_, i) => i + 1));
    const parts = results.map((_, i) => JSON.parse(fake.text(EXPORT, `${ROOT}manifest/part-${String(i).padStart(5, '0')}.json`)) as Array<{ key: string }>);
    expect(parts.map((p) => p.length)).toEqual(results.map((r) => r.files));
    expect(parts.flat()).toEqual(expectedEntries(bodies));
    expect([...fake.gets.values()].every((n) => n === 1)).toBe(true);
    const runs = new Set(results.map((_, i) => fake.bucket(EXPORT).get(`${ROOT}manifest/part-${String(i).padStart(5, '0')}.json`)?.metadata?.['manifest-run']));
    expect(runs.size).toBe(1);
  });

  test('an object that changed after it was listed, or reads short: ManifestError naming the key', async () => {
    const fake = new FakeS3().install();
    exported(fake, 1);
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } }));
    await expect(harness().handler(manifest(), lambdaContext())).rejects.toThrow(/'exports\/.*\/database\/.*' changed after it was listed: nothing may write under/);

    const other = new FakeS3().install();
    other.put(EXPORT, `${ROOT}documents/a.pdf`, 'abc');
    other.bucket(EXPORT).get(`${ROOT}documents/a.pdf`)!.size = 4;
    const error = await harness().handler(manifest(), lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/'exports\/.*\/documents\/a.pdf' is listed with 4 bytes but 3 were read/);
  });

  test('no time for even one object: DeadlineExceededError and no part written', async () => {
    const fake = new FakeS3().install();
    exported(fake, 1);
    await expect(harness({ stopMarginMs: 30_000 }).handler(manifest(), lambdaContext(10_000))).rejects.toThrow(DeadlineExceededError);
    expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
  });
});

describe('finalize', () => {
  async function built(fake: FakeS3, documents = 5, remaining = () => lambdaContext()) {
    const bodies = exported(fake, documents);
    const results = await runManifest(harness({ stopMarginMs: 30_000 }).handler, remaining);
    return { bodies, results };
  }

  test('writes manifest.json (sorted, totals, snapshot of the task) and a sha256sum line that checks', async () => {
    const fake = new FakeS3().install();
    mockTask();
    const { bodies } = await built(fake, 30, () => tickingContext(fake, 45_000, 1000));
    const result = (await harness().handler(finalize({ snapshotArn: SNAPSHOT, snapshotTime: '2026-11-21T22:00:00.000Z' }), lambdaContext())) as FinalizeOut;

    const files = expectedEntries(bodies);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    const text = fake.text(EXPORT, `${ROOT}manifest.json`);
    expect(result).toEqual({ exportId: EXPORT_ID, files: files.length, bytes, manifestKey: `${ROOT}manifest.json`, manifestSha256: sha256(text) });
    expect(JSON.parse(text)).toEqual({
      format: 'hds-blueprint-export/1',
      exportId: EXPORT_ID,
      createdAt: NOW.toISOString(),
      cluster: CLUSTER,
      snapshotArn: SNAPSHOT,
      snapshotTime: '2026-11-21T22:00:00.000Z',
      files,
      totals: { files: files.length, bytes },
    });
    // Byte order, as S3 lists: upper case before lower case, 'é' after ASCII.
    const keys = (JSON.parse(text) as { files: Array<{ key: string }> }).files.map((f) => f.key);
    expect(keys.indexOf('documents/tenants/cli042/Z-upper.pdf')).toBeLessThan(keys.indexOf('documents/tenants/cli042/compte-rendu-é.pdf'));
    expect(fake.text(EXPORT, `${ROOT}manifest.json.sha256`)).toBe(`${sha256(text)}  manifest.json\n`);
    expect(fake.bucket(EXPORT).get(`${ROOT}manifest.json`)?.sse).toEqual({ algorithm: 'aws:kms', keyId: KEY_ARN });
    expect(fake.bucket(EXPORT).get(`${ROOT}manifest.json.sha256`)?.sse).toEqual({ algorithm: 'aws:kms', keyId: KEY_ARN });
  });

  test('after download, `sha256sum -c` accepts the manifest and every file it lists', async () => {
    const fake = new FakeS3().install();
    mockTask();
    const { bodies } = await built(fake, 3);
    await harness().handler(finalize(), lambdaContext());
    const dir = mkdtempSync(join(tmpdir(), 'hds-export-'));
    try {
      writeFileSync(join(dir, 'manifest.json'), fake.text(EXPORT, `${ROOT}manifest.json`));
      writeFileSync(join(dir, 'manifest.json.sha256'), fake.text(EXPORT, `${ROOT}manifest.json.sha256`));
      // The files as the client downloads them, and a SHA256SUMS made from the manifest's entries.
      const { files } = JSON.parse(fake.text(EXPORT, `${ROOT}manifest.json`)) as { files: Array<{ key: string; sha256: string }> };
      files.forEach((f, i) => writeFileSync(join(dir, `file-${i}`), bodies.get(f.key) as Buffer));
      writeFileSync(join(dir, 'SHA256SUMS'), files.map((f, i) => `${f.sha256}  file-${i}\n`).join(''));
      const check = spawnSync('sh', ['-c', 'sha256sum -c manifest.json.sha256 && sha256sum --quiet -c SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
      if (spawnSync('sha256sum', ['--version']).error) return; // no coreutils here; the format is pinned by the previous test
      expect(check.stdout).toBe('manifest.json: OK\n');
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing part is named; no part at all says to run the manifest', async () => {
    const fake = new FakeS3().install();
    mockTask();
    const { results } = await built(fake, 30, () => tickingContext(fake, 45_000, 1000));
    expect(results.length).toBeGreaterThan(2);
    fake.bucket(EXPORT).delete(`${ROOT}manifest/part-00001.json`);
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(
      new ManifestError(EXPORT_ID, `${ROOT}manifest/part-00001.json is missing: parts 0 to 0 were found and none is the last of its run; run the 'manifest' action to completion`),
    );
    fake.bucket(EXPORT).delete(`${ROOT}manifest/part-00000.json`);
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(/no part found under .*manifest\/ \(.*part-00000.json is missing\): run the 'manifest' action to completion first/);
  });

  test('an unfinished run is refused; leftovers of an earlier, longer run are left out', async () => {
    const fake = new FakeS3().install();
    mockTask();
    const { results } = await built(fake, 30, () => tickingContext(fake, 45_000, 1000));
    const last = results.length - 1;
    // The last part of the run is lost; an earlier run's part stands in its place.
    fake.bucket(EXPORT).get(`${ROOT}manifest/part-${String(last).padStart(5, '0')}.json`)!.metadata = { 'manifest-run': 'earlier', 'manifest-final': 'true' };
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(/part-0000\d.json belongs to another manifest run than .*part-00000.json/);

    // A complete run in one part, over the parts of the earlier one.
    await runManifest(harness().handler, () => lambdaContext());
    const { logs, handler } = harness();
    await expect(handler(finalize(), lambdaContext())).resolves.toMatchObject({ files: 36 });
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'parts of an earlier manifest run left out', stale: last }));
  });

  test('nothing from the database, a task not complete, or another snapshot: refused', async () => {
    const fake = new FakeS3().install();
    mockTask();
    fake.put(EXPORT, `${ROOT}documents/a.pdf`, 'a');
    await runManifest(harness().handler, () => lambdaContext());
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(/the manifest would list nothing under exports\/.*\/database\//);

    mockTask({ Status: 'IN_PROGRESS' });
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(/the database export task is IN_PROGRESS, not COMPLETE/);
    mockTask();
    const error = await harness()
      .handler(finalize({ snapshotArn: snapshotArn('rds:other') }), lambdaContext())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(/snapshotArn is '.*rds:other' but the export task exported '.*awsbackup:job-7c1d'/);
  });

  test('a part altered, or listing a key twice: refused', async () => {
    const fake = new FakeS3().install();
    mockTask();
    await built(fake, 2);
    const partKey = `${ROOT}manifest/part-00000.json`;
    const part = fake.bucket(EXPORT).get(partKey)!;
    const entries = JSON.parse(part.body!.toString()) as unknown[];
    fake.put(EXPORT, partKey, JSON.stringify([...entries, entries[0]]), { metadata: part.metadata });
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(/'database\/.*' is listed twice in the parts/);
    fake.put(EXPORT, partKey, JSON.stringify([{ key: 'a', size: -1, sha256: 'zz' }]), { metadata: part.metadata });
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(/part-00000.json is not a JSON array of \{ key, size, sha256 \}/);
    fake.put(EXPORT, partKey, '[]');
    await expect(harness().handler(finalize(), lambdaContext())).rejects.toThrow(/part-00000.json has no manifest-run or manifest-final metadata/);
  });
});

test('an object still being hashed at the abort margin is left for the next part; the part holds what came before it', async () => {
  const fake = new FakeS3().install();
  const bodies = exported(fake, 6);
  const keys = fake.keys(EXPORT, ROOT);
  const slow = keys[3];
  s3Mock.on(GetObjectCommand, { Key: slow }).callsFake(() => new Promise((resolve) => setTimeout(() => resolve({}), 400)));
  const { handler } = harness({ stopMarginMs: 0, abortMarginMs: 1000 });
  const first = (await handler(manifest(), lambdaContext(1100))) as ManifestOut;
  expect(first).toMatchObject({ done: false, part: 1, files: 3 });
  expect((JSON.parse(fake.text(EXPORT, `${ROOT}manifest/part-00000.json`)) as Array<{ key: string }>).map((e) => `${ROOT}${e.key}`)).toEqual(keys.slice(0, 3));

  fake.install(); // the slow object answers at once now
  const second = (await handler({ ...first, action: 'manifest' }, lambdaContext())) as ManifestOut;
  expect(second).toMatchObject({ done: true, part: 2, files: keys.length - 3 });
  mockTask();
  await expect(handler(finalize(), lambdaContext())).resolves.toMatchObject({ files: bodies.size });
});
