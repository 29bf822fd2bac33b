import fc from 'fast-check';
import { insControlKey, normaliseIns, parseIns } from '../../../lambdas/pseudonymise/ins';
import { INS, INS_2A, INS_2B, INS_SPACED, nir13Arb, referenceKey } from './fixtures';

describe('INS', () => {
  test.each([INS, INS_2A, INS_2B])('%s is valid', (value) => {
    expect(parseIns(value)).toEqual({ ok: true, normalised: value });
  });

  test('spaces are removed and 2a/2b upper-cased', () => {
    expect(parseIns(INS_SPACED)).toEqual({ ok: true, normalised: INS });
    expect(parseIns(' 2 69 05 2a 123 456 88\t')).toEqual({ ok: true, normalised: INS_2A });
    expect(normaliseIns('1\u00a085 05')).toBe('18505');
  });

  test.each([
    ['18505780060849', 'length'],
    ['1850578006084910', 'length'],
    ['', 'length'],
    ['18505780060849X', 'characters'],
    ['269052C12345688', 'characters'],
    ['2A9052012345688', 'characters'],
    ['185057800608492', 'key'],
    ['269052B12345688', 'key'],
  ])('%s is refused (%s)', (value, problem) => {
    expect(parseIns(value)).toMatchObject({ ok: false, problem });
  });

  test('a result never carries the refused value', () => {
    expect(JSON.stringify(parseIns('185057800608492'))).not.toContain('1850578');
  });

  test('key = 97 - (NIR mod 97), 2A read as 19 and 2B as 18; exactly one key of 00..99 is accepted', () => {
    fc.assert(
      fc.property(nir13Arb, (nir13) => {
        expect(String(insControlKey(nir13)).padStart(2, '0')).toBe(referenceKey(nir13));
        const accepted = Array.from({ length: 100 }, (_, k) => String(k).padStart(2, '0')).filter((key) => parseIns(nir13 + key).ok);
        expect(accepted).toEqual([referenceKey(nir13)]);
      }),
      { numRuns: 300 },
    );
  });
});
