import { GenerateMacCommand } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { DOMAIN, ENCODING_VERSION, decodeMessage, encodeMessage } from '../../../lambdas/pseudonymise/encoding';
import { MAX_BATCH } from '../../../lambdas/pseudonymise/input';
import {
  type Identifier,
  KEY_ARN,
  OTHER_KEY_ARN,
  contextArb,
  harness,
  identifierArb,
  insArb,
  internalIdArb,
  kmsMock,
  mockRealHmac,
  resetAll,
} from './fixtures';

// GenerateMac is a real HMAC-SHA-256 over the message it receives, with a fixed secret per key.
beforeEach(() => {
  resetAll();
  mockRealHmac();
});

async function pseudonymise(context: string, identifiers: readonly Identifier[], keyId = KEY_ARN): Promise<string[]> {
  process.env.PSEUDONYM_KEY_ID = keyId;
  const { handler } = harness();
  return (await handler({ context, identifiers })).pseudonyms;
}

const batchArb = fc.array(identifierArb, { minLength: 1, maxLength: 25 });

describe('pseudonyms (property-based, real HMAC behind the mocked KMS)', () => {
  test('stable: the same identifier gets the same pseudonym in any batch, in any order, repeated or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        contextArb,
        batchArb.chain((ids) => fc.tuple(fc.constant(ids), fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }))),
        async (context, [batch, shuffled]) => {
          const first = await pseudonymise(context, batch);
          const second = await pseudonymise(context, shuffled);
          const byIdentifier = new Map<string, string>();
          const check = (ids: readonly Identifier[], pseudonyms: string[]) =>
            ids.forEach((id, i) => {
              const key = `${id.type}:${id.value}`;
              expect(pseudonyms[i]).toMatch(/^[0-9a-f]{64}$/);
              expect(pseudonyms[i]).toBe(byIdentifier.get(key) ?? pseudonyms[i]);
              byIdentifier.set(key, pseudonyms[i]);
            });
          check(batch, first);
          check(shuffled, second);
          // each one alone, too
          expect(await pseudonymise(context, [batch[0]])).toEqual([first[0]]);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a different context gives a different pseudonym', async () => {
    await fc.assert(
      fc.asyncProperty(contextArb, contextArb, identifierArb, async (a, b, id) => {
        fc.pre(a !== b);
        const [pa] = await pseudonymise(a, [id]);
        const [pb] = await pseudonymise(b, [id]);
        expect(pa).not.toBe(pb);
      }),
      { numRuns: 200 },
    );
  });

  test('a different key gives a different pseudonym', async () => {
    await fc.assert(
      fc.asyncProperty(contextArb, identifierArb, async (context, id) => {
        const [p1] = await pseudonymise(context, [id], KEY_ARN);
        const [p2] = await pseudonymise(context, [id], OTHER_KEY_ARN);
        expect(p1).not.toBe(p2);
      }),
      { numRuns: 200 },
    );
  });

  test('no collisions over 10,000 valid INS and 10,000 internal ids (and the same strings under the other type)', async () => {
    const ins = fc.sample(fc.uniqueArray(insArb, { minLength: 10_000, maxLength: 10_000 }), { numRuns: 1, seed: 2026 })[0];
    const internal = fc.sample(fc.uniqueArray(internalIdArb, { minLength: 10_000, maxLength: 10_000 }), { numRuns: 1, seed: 2027 })[0];
    const identifiers: Identifier[] = [
      ...ins.map((value) => ({ type: 'INS' as const, value })),
      ...internal.map((value) => ({ type: 'internal' as const, value })),
      // An INS is also a valid internal id: the type keeps the two apart.
      ...ins.slice(0, 2_000).map((value) => ({ type: 'internal' as const, value })),
    ];
    const distinct = new Set(identifiers.map((id) => `${id.type}:${id.value}`)).size;
    const pseudonyms: string[] = [];
    for (let i = 0; i < identifiers.length; i += MAX_BATCH) {
      pseudonyms.push(...(await pseudonymise('research-cohort-2026', identifiers.slice(i, i + MAX_BATCH))));
    }
    expect(pseudonyms).toHaveLength(identifiers.length);
    expect(new Set(pseudonyms).size).toBe(distinct);
    expect(kmsMock.commandCalls(GenerateMacCommand)).toHaveLength(distinct);
  });
});

describe('canonical encoding (property-based)', () => {
  // Any strings at all, not only valid ones: the encoding must not depend on validation to be unambiguous.
  const fieldArb = fc.string({ unit: 'binary', maxLength: 12 });
  const tupleArb = fc.tuple(fieldArb, fc.constantFrom('INS' as const, 'internal' as const), fieldArb);
  const nearbyArb = fc.string({ unit: fc.constantFrom('a', 'b', '-', '\u0000', '\u0001', '\u0003', 'é'), maxLength: 6 });

  test('decodes back to exactly (domain, version, context, type, value): a left inverse, so the encoding is injective', () => {
    fc.assert(
      fc.property(tupleArb, ([context, type, value]) => {
        expect(decodeMessage(encodeMessage(context, type, value))).toEqual([DOMAIN, ENCODING_VERSION, context, type, value]);
      }),
      { numRuns: 2000 },
    );
  });

  test('two different (context, type, value) never give the same message', () => {
    const small = fc.tuple(nearbyArb, fc.constantFrom('INS' as const, 'internal' as const), nearbyArb);
    fc.assert(
      fc.property(fc.oneof(fc.tuple(tupleArb, tupleArb), fc.tuple(small, small)), ([a, b]) => {
        fc.pre(a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]);
        expect(encodeMessage(...a).equals(encodeMessage(...b))).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  test('shifting characters between fields changes the message', () => {
    expect(encodeMessage('ab', 'INS', 'c').equals(encodeMessage('a', 'INS', 'bc'))).toBe(false);
    expect(encodeMessage('a', 'internal', '').equals(encodeMessage('', 'internal', 'a'))).toBe(false);
  });

  test('a malformed message does not decode', () => {
    expect(() => decodeMessage(Buffer.from([0, 0, 0]))).toThrow('truncated length prefix');
    expect(() => decodeMessage(Buffer.from([0, 0, 0, 5, 0x61]))).toThrow('truncated field');
  });
});
