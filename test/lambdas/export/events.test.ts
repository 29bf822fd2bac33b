import { InvalidRequestError } from '../../../lambdas/export/errors';
import { deriveExportId, encodeToken, isValidExportId, validateRequest } from '../../../lambdas/export/events';
import { EXPORT_ID, NOW, harness, resetAll } from './fixtures';

beforeEach(resetAll);

const valid = (event: unknown) => validateRequest(event, NOW);
const problems = (event: unknown): string[] => {
  try {
    valid(event);
  } catch (err) {
    if (err instanceof InvalidRequestError) return [...err.problems];
    throw err;
  }
  throw new Error('expected an InvalidRequestError');
};

describe('export id', () => {
  test('derived from the clock as export-YYYYMMDDtHHMMSSz, which passes its own rule', () => {
    expect(deriveExportId(new Date('2026-01-02T03:04:05.678Z'))).toBe('export-20260102t030405z');
    expect(isValidExportId(deriveExportId(new Date()))).toBe(true);
  });

  test.each([
    ['a', true],
    ['a'.repeat(60), true],
    ['cli042-rev-2', true],
    ['', false],
    ['a'.repeat(61), false],
    ['1abc', false],
    ['-abc', false],
    ['abc-', false],
    ['a--b', false],
    ['Export-1', false],
    ['export_1', false],
    ['export.1', false],
    ['export/1', false],
  ])('%s valid: %s', (id, ok) => {
    expect(isValidExportId(id)).toBe(ok);
  });
});

describe('requests', () => {
  test('each action, with its optional fields', () => {
    expect(valid({ action: 'start' })).toEqual({ action: 'start', exportId: 'export-20261122t101500z', derived: true });
    expect(valid({ action: 'start', exportId: EXPORT_ID })).toEqual({ action: 'start', exportId: EXPORT_ID, derived: false });
    expect(valid({ action: 'status', exportId: EXPORT_ID })).toEqual({ action: 'status', exportId: EXPORT_ID });
    expect(valid({ action: 'copy-documents', exportId: EXPORT_ID })).toEqual({ action: 'copy-documents', exportId: EXPORT_ID });
    expect(valid({ action: 'manifest', exportId: EXPORT_ID })).toEqual({ action: 'manifest', exportId: EXPORT_ID, part: 0 });
    expect(valid({ action: 'finalize', exportId: EXPORT_ID, snapshotTime: '2026-11-22T03:00:00Z' })).toEqual({
      action: 'finalize',
      exportId: EXPORT_ID,
      snapshotTime: new Date('2026-11-22T03:00:00Z'),
    });
  });

  test('a result passed back in with its action is accepted; null means absent', () => {
    const token = encodeToken('copy-documents', EXPORT_ID, { afterKey: 'b/2.pdf' });
    expect(valid({ action: 'copy-documents', exportId: EXPORT_ID, continuationToken: token, copied: 12, done: false })).toEqual({
      action: 'copy-documents',
      exportId: EXPORT_ID,
      cursor: { afterKey: 'b/2.pdf' },
    });
    expect(valid({ action: 'copy-documents', exportId: EXPORT_ID, continuationToken: null })).toEqual({ action: 'copy-documents', exportId: EXPORT_ID });
    const manifestToken = encodeToken('manifest', EXPORT_ID, { afterKey: 'k', run: 'r1', part: 3 });
    expect(valid({ action: 'manifest', exportId: EXPORT_ID, continuationToken: manifestToken, part: 3, files: 10, done: false })).toEqual({
      action: 'manifest',
      exportId: EXPORT_ID,
      part: 3,
      cursor: { afterKey: 'k', run: 'r1', part: 3 },
    });
  });

  test.each([
    [null, /the request must be an object with an 'action'.*received null/],
    ['start', /received 'start'/],
    [[], /received an array/],
    [{}, /action is nothing, expected one of 'start', 'status', 'copy-documents', 'manifest', 'finalize'/],
    [{ action: 'export' }, /action is 'export'/],
  ])('%p is refused', (event, message) => {
    expect(() => valid(event)).toThrow(message);
  });

  test('every problem of a request is named, with the value received and what is allowed', () => {
    expect(problems({ action: 'status' })).toEqual([expect.stringMatching(/^exportId is nothing, expected 1 to 60 characters a-z, 0-9 and single hyphens, starting with a letter/)]);
    expect(problems({ action: 'copy-documents', exportId: 'Export 1', continuationtoken: 'x' })).toEqual([
      expect.stringMatching(/^continuationtoken: not a field of the 'copy-documents' request/),
      expect.stringMatching(/^exportId is 'Export 1', expected/),
    ]);
    expect(problems({ action: 'manifest', exportId: EXPORT_ID, part: 2 })).toEqual([expect.stringMatching(/^part is 2 without a continuationToken: a manifest run starts at part 0/)]);
    expect(problems({ action: 'manifest', exportId: EXPORT_ID, part: -1 })).toEqual([expect.stringMatching(/^part is -1, expected an integer from 0 to 99999/)]);
    expect(problems({ action: 'finalize', exportId: EXPORT_ID, snapshotArn: 'snap-1', snapshotTime: 'yesterday' })).toEqual([
      expect.stringMatching(/^snapshotArn is 'snap-1', expected a DB cluster snapshot ARN/),
      expect.stringMatching(/^snapshotTime is 'yesterday', expected an ISO 8601 date-time/),
    ]);
  });

  test('a token from another action, another export, or not from this function is refused', () => {
    const copyToken = encodeToken('copy-documents', EXPORT_ID, { afterKey: 'a' });
    expect(problems({ action: 'manifest', exportId: EXPORT_ID, continuationToken: copyToken })).toEqual([
      expect.stringMatching(/^continuationToken was issued by 'copy-documents' of export 'export-20261122t101500z', expected the continuationToken returned by the previous 'manifest' call/),
    ]);
    expect(problems({ action: 'copy-documents', exportId: 'other-export', continuationToken: copyToken })).toEqual([expect.stringMatching(/issued by 'copy-documents' of export 'export-20261122t101500z'/)]);
    expect(problems({ action: 'copy-documents', exportId: EXPORT_ID, continuationToken: 'bm90IGpzb24' })).toEqual([expect.stringMatching(/not a token this function issued/)]);
    expect(problems({ action: 'copy-documents', exportId: EXPORT_ID, continuationToken: 'a b' })).toEqual([expect.stringMatching(/^continuationToken is a string of 3 character\(s\)/)]);
    const manifestToken = encodeToken('manifest', EXPORT_ID, { afterKey: 'k', run: 'r1', part: 3 });
    expect(problems({ action: 'manifest', exportId: EXPORT_ID, continuationToken: manifestToken, part: 4 })).toEqual([expect.stringMatching(/^part is 4 but the continuationToken continues at part 3/)]);
  });

  test('the handler logs a rejected request as invalid-request and calls nothing', async () => {
    const { handler, logs } = harness();
    await expect(handler({ action: 'status' })).rejects.toThrow(InvalidRequestError);
    expect(logs).toEqual([expect.objectContaining({ level: 'error', outcome: 'invalid-request', errorName: 'InvalidRequestError' })]);
  });
});
