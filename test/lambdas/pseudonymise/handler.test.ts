import 'aws-sdk-client-mock-jest';
import { GenerateMacCommand } from '@aws-sdk/client-kms';
import { DOMAIN, ENCODING_VERSION, decodeMessage } from '../../../lambdas/pseudonymise/encoding';
import { DeadlineExceededError, KmsCallError, PseudonymKeyError, SAFETY_MARGIN_MS } from '../../../lambdas/pseudonymise/pseudonymise';
import { INS, INS_2A, INS_2B, INS_SPACED, INTERNAL_ID, KEY_ARN, awsError, harness, kmsMock, mockRealHmac, realHmac, resetAll } from './fixtures';

beforeEach(resetAll);

const CONTEXT = 'research-cohort-2026';
const MAC = Buffer.alloc(32, 0xab);

function macCalls() {
  return kmsMock.commandCalls(GenerateMacCommand).map((c) => c.args[0].input);
}

describe('GenerateMac request', () => {
  test('sends the canonical, length-prefixed encoding of (domain, version, context, type, value) with the configured key', async () => {
    kmsMock.on(GenerateMacCommand).resolves({ Mac: MAC, KeyId: KEY_ARN, MacAlgorithm: 'HMAC_SHA_256' });
    const { handler } = harness();
    await handler({ context: CONTEXT, identifiers: [{ type: 'INS', value: INS_SPACED }] });

    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 1);
    const input = macCalls()[0];
    expect(input.KeyId).toBe(KEY_ARN);
    expect(input.MacAlgorithm).toBe('HMAC_SHA_256');
    // Pinned byte for byte: changing the encoding changes every pseudonym ever issued.
    const expected = [
      '00000017', Buffer.from('hds-blueprint/pseudonym').toString('hex'),
      '00000001', '31', // '1'
      '00000014', Buffer.from('research-cohort-2026').toString('hex'),
      '00000003', Buffer.from('INS').toString('hex'),
      '0000000f', Buffer.from('185057800608491').toString('hex'), // spaces removed
    ].join('');
    expect(Buffer.from(input.Message as Uint8Array).toString('hex')).toBe(expected);
    expect(decodeMessage(input.Message as Uint8Array)).toEqual([DOMAIN, ENCODING_VERSION, CONTEXT, 'INS', INS]);
  });

  test('the pseudonym is the lower-case hex of the MAC', async () => {
    kmsMock.on(GenerateMacCommand).resolves({ Mac: MAC, KeyId: KEY_ARN, MacAlgorithm: 'HMAC_SHA_256' });
    const { handler } = harness();
    await expect(handler({ context: CONTEXT, identifiers: [{ type: 'internal', value: INTERNAL_ID }] })).resolves.toEqual({
      pseudonyms: ['ab'.repeat(32)],
    });
  });

  test('KMS_MAX_CONCURRENCY and an alias as PSEUDONYM_KEY_ID are honoured', async () => {
    process.env.PSEUDONYM_KEY_ID = 'alias/hds-pseudonym-v1';
    process.env.KMS_MAX_CONCURRENCY = '3';
    let inFlight = 0;
    let maxInFlight = 0;
    kmsMock.on(GenerateMacCommand).callsFake(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return { Mac: MAC };
    });
    const { handler } = harness();
    await handler({ context: CONTEXT, identifiers: Array.from({ length: 20 }, (_, i) => ({ type: 'internal', value: `id-${i}` })) });
    expect(maxInFlight).toBe(3);
    expect(macCalls().every((input) => input.KeyId === 'alias/hds-pseudonym-v1')).toBe(true);
  });
});

describe('determinism, deduplication, order', () => {
  test('same input, same pseudonym, across invocations', async () => {
    mockRealHmac();
    const { handler } = harness();
    const event = { context: CONTEXT, identifiers: [{ type: 'INS' as const, value: INS }] };
    const first = await handler(event);
    const second = await handler(event);
    expect(second).toEqual(first);
    expect(first.pseudonyms[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  test('one GenerateMac per distinct identifier; output in input order; spacing and case of an INS do not matter', async () => {
    mockRealHmac();
    const { handler, logs } = harness();
    const identifiers = [
      { type: 'INS' as const, value: INS },
      { type: 'internal' as const, value: INTERNAL_ID },
      { type: 'INS' as const, value: INS_SPACED },
      { type: 'INS' as const, value: '2 69 05 2a 123 456 88' },
      { type: 'internal' as const, value: INTERNAL_ID },
      { type: 'INS' as const, value: INS_2A },
      { type: 'internal' as const, value: INS }, // same characters as an INS, other type: another pseudonym
    ];
    const { pseudonyms } = await handler({ context: CONTEXT, identifiers });

    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 4);
    const [ins, internal, , corsica, , , internalLookingLikeIns] = pseudonyms;
    expect(pseudonyms).toEqual([ins, internal, ins, corsica, internal, corsica, internalLookingLikeIns]);
    expect(new Set([ins, internal, corsica, internalLookingLikeIns]).size).toBe(4);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'info', context: CONTEXT, identifiers: 7, distinct: 4, kmsCalls: 4, retries: 0, outcome: 'ok' }),
    );
  });

  test('order is kept when KMS answers out of order', async () => {
    kmsMock.on(GenerateMacCommand).callsFake(async (input: { KeyId: string; Message: Uint8Array }) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5)));
      return { Mac: realHmac(input.KeyId, input.Message) };
    });
    const identifiers = Array.from({ length: 40 }, (_, i) => ({ type: 'internal' as const, value: `patient-${i}` }));
    const { handler } = harness();
    const { pseudonyms } = await handler({ context: CONTEXT, identifiers });
    // Each answered alone, then compared position by position.
    for (const [i, identifier] of identifiers.entries()) {
      const alone = await handler({ context: CONTEXT, identifiers: [identifier] });
      expect(pseudonyms[i]).toBe(alone.pseudonyms[0]);
    }
  });

  test('an empty batch calls nothing', async () => {
    const { handler } = harness();
    await expect(handler({ context: CONTEXT, identifiers: [] })).resolves.toEqual({ pseudonyms: [] });
    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 0);
  });
});

describe('KMS faults', () => {
  const event = { context: CONTEXT, identifiers: [{ type: 'INS' as const, value: INS }] };

  test('throttling and internal faults are retried with growing, jittered delays, then succeed', async () => {
    kmsMock
      .on(GenerateMacCommand)
      .rejectsOnce(awsError('ThrottlingException'))
      .rejectsOnce(awsError('KMSInternalException', 500))
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({ Mac: MAC });
    const { handler, sleeps, logs } = harness();
    await expect(handler(event)).resolves.toEqual({ pseudonyms: ['ab'.repeat(32)] });
    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 4);
    // base 100 ms, doubling, half fixed and half jittered (random fixed at 0.5)
    expect(sleeps).toEqual([75, 150, 300]);
    expect(logs.filter((l) => l.level === 'warn').map((l) => [l.errorName, l.attempt])).toEqual([
      ['ThrottlingException', 1],
      ['KMSInternalException', 2],
      ['ThrottlingException', 3],
    ]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'info', kmsCalls: 4, retries: 3 }));
  });

  test('jitter spreads the delays: the random draw moves each delay within the upper half of its ceiling', async () => {
    kmsMock.on(GenerateMacCommand).rejectsOnce(awsError('ThrottlingException')).rejectsOnce(awsError('ThrottlingException')).resolves({ Mac: MAC });
    const low = harness({ random: () => 0 });
    await low.handler(event);
    kmsMock.reset();
    kmsMock.on(GenerateMacCommand).rejectsOnce(awsError('ThrottlingException')).rejectsOnce(awsError('ThrottlingException')).resolves({ Mac: MAC });
    const high = harness({ random: () => 0.999 });
    await high.handler(event);
    expect(low.sleeps).toEqual([50, 100]);
    expect(high.sleeps).toEqual([100, 200]);
  });

  test('throttling beyond the retry budget fails the batch', async () => {
    kmsMock.on(GenerateMacCommand).rejects(awsError('ThrottlingException'));
    const { handler, sleeps, logs } = harness();
    const error = await handler(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmsCallError);
    expect((error as Error).message).toBe(
      'kms:GenerateMac failed with ThrottlingException after 6 attempt(s) (retry budget exhausted: KMS kept throttling or failing, retry the batch later); no pseudonym was returned for the batch',
    );
    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 6);
    expect(sleeps).toEqual([75, 150, 300, 600, 1200]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', outcome: 'kms-failed', errorName: 'ThrottlingException', context: CONTEXT }));
  });

  test.each([
    ['DisabledException', /the key is disabled/],
    ['KMSInvalidStateException', /not usable in its current state/],
    ['NotFoundException', /does not exist/],
    ['InvalidKeyUsageException', /not an HMAC key/],
    ['AccessDeniedException', /does not allow kms:GenerateMac/],
  ])('%s: the batch fails at once, without retry, naming the key and the problem', async (code, explanation) => {
    kmsMock.on(GenerateMacCommand).rejects(awsError(code));
    const { handler, sleeps, logs } = harness();
    const error = await handler(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PseudonymKeyError);
    expect((error as PseudonymKeyError).code).toBe(code);
    expect((error as Error).message).toMatch(new RegExp(`^pseudonymisation key ${KEY_ARN} cannot be used: ${code}: `));
    expect((error as Error).message).toMatch(explanation);
    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 1);
    expect(sleeps).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', outcome: 'key-unusable', errorName: code }));
  });

  test('a key problem stops the rest of the batch: no further calls are started', async () => {
    process.env.KMS_MAX_CONCURRENCY = '2';
    kmsMock.on(GenerateMacCommand).rejects(awsError('DisabledException'));
    const { handler } = harness();
    const identifiers = Array.from({ length: 50 }, (_, i) => ({ type: 'internal' as const, value: `id-${i}` }));
    await expect(handler({ context: CONTEXT, identifiers })).rejects.toBeInstanceOf(PseudonymKeyError);
    expect(kmsMock.commandCalls(GenerateMacCommand).length).toBeLessThanOrEqual(2);
  });

  test('a fault after other calls succeeded still fails the whole batch (all or nothing)', async () => {
    process.env.KMS_MAX_CONCURRENCY = '1';
    kmsMock.on(GenerateMacCommand).resolvesOnce({ Mac: MAC }).resolvesOnce({ Mac: MAC }).rejects(awsError('KMSInvalidStateException'));
    const { handler } = harness();
    const identifiers = [INS, INS_2A, INS_2B].map((value) => ({ type: 'INS' as const, value }));
    await expect(handler({ context: CONTEXT, identifiers })).rejects.toBeInstanceOf(PseudonymKeyError);
  });

  test('the batch stops before the Lambda timeout, with an error that says what to do', async () => {
    process.env.KMS_MAX_CONCURRENCY = '1';
    kmsMock.on(GenerateMacCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { Mac: MAC };
    });
    const { handler, logs } = harness();
    const identifiers = Array.from({ length: 100 }, (_, i) => ({ type: 'internal' as const, value: `id-${i}` }));
    const error = await handler({ context: CONTEXT, identifiers }, { getRemainingTimeInMillis: () => SAFETY_MARGIN_MS + 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toMatch(
      /^time budget of the invocation exhausted after \d+ of 100 distinct identifiers; no pseudonym was returned for the batch: send smaller batches or raise the function timeout$/,
    );
    expect(kmsMock.commandCalls(GenerateMacCommand).length).toBeLessThan(100);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', outcome: 'deadline', errorName: 'DeadlineExceeded' }));
  });

  test('with time to spare, the budget does not get in the way', async () => {
    kmsMock.on(GenerateMacCommand).resolves({ Mac: MAC });
    const { handler } = harness();
    await expect(handler(event, { getRemainingTimeInMillis: () => 60_000 })).resolves.toEqual({ pseudonyms: ['ab'.repeat(32)] });
  });

  test('other client errors are not retried', async () => {
    kmsMock.on(GenerateMacCommand).rejects(awsError('ValidationException'));
    const { handler } = harness();
    await expect(handler(event)).rejects.toThrow('kms:GenerateMac failed with ValidationException after 1 attempt(s) (not retryable)');
    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 1);
  });

  test('a MAC of the wrong size or algorithm is refused', async () => {
    kmsMock.on(GenerateMacCommand).resolves({ Mac: Buffer.alloc(16) });
    await expect(harness().handler(event)).rejects.toThrow(/UnexpectedMacResponse/);
    kmsMock.reset();
    kmsMock.on(GenerateMacCommand).resolves({ Mac: MAC, MacAlgorithm: 'HMAC_SHA_512' });
    await expect(harness().handler(event)).rejects.toThrow(/UnexpectedMacResponse/);
    kmsMock.reset();
    kmsMock.on(GenerateMacCommand).resolves({});
    await expect(harness().handler(event)).rejects.toThrow(/UnexpectedMacResponse/);
  });
});

describe('configuration', () => {
  test.each([
    [undefined, /PSEUDONYM_KEY_ID is missing or empty/],
    ['  ', /PSEUDONYM_KEY_ID is missing or empty/],
    ['my-key', /PSEUDONYM_KEY_ID is 'my-key', expected a customer-managed KMS key ARN/],
    ['alias/aws/kms', /PSEUDONYM_KEY_ID is 'alias\/aws\/kms'/],
  ])('PSEUDONYM_KEY_ID=%p is refused', async (value, message) => {
    if (value === undefined) delete process.env.PSEUDONYM_KEY_ID;
    else process.env.PSEUDONYM_KEY_ID = value;
    const { handler, logs } = harness();
    await expect(handler({ context: CONTEXT, identifiers: [] })).rejects.toThrow(message);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', outcome: 'invalid-config' }));
  });

  test.each(['0', '65', 'eight'])('KMS_MAX_CONCURRENCY=%s is refused', async (value) => {
    process.env.KMS_MAX_CONCURRENCY = value;
    await expect(harness().handler({ context: CONTEXT, identifiers: [] })).rejects.toThrow(
      `KMS_MAX_CONCURRENCY is '${value}', expected an integer from 1 to 64`,
    );
  });
});
