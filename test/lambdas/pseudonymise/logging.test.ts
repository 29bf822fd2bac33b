import { GenerateMacCommand } from '@aws-sdk/client-kms';
import { encodeMessage } from '../../../lambdas/pseudonymise/encoding';
import { createHandler } from '../../../lambdas/pseudonymise/index';
import { INS, INS_2A, INS_2B, INS_SPACED, INTERNAL_ID, awsError, kmsMock, realHmac, resetAll } from './fixtures';
import { captureOutput } from '../capture-output';

beforeEach(resetAll);
afterEach(() => jest.restoreAllMocks());

const CONTEXT = 'research-cohort-2026';
const SECRET_INTERNAL = 'patient-4f1d2c9b-secret';
const BAD_INS = '185057800608492';
/** Every identifier the runs below handle, in every form it could be printed in. */
const IDENTIFIERS = [INS, INS_SPACED, INS_2A, '2 69 05 2a 123 456 88', INS_2B, INTERNAL_ID, SECRET_INTERNAL, BAD_INS];
const FORBIDDEN = [
  ...IDENTIFIERS,
  // the NIR without its key, and the MAC inputs in the encodings a logger might use
  INS.slice(0, 13),
  INS_2A.slice(0, 13),
  ...[INS, INS_2A, INS_2B].flatMap((value) => {
    const message = encodeMessage(CONTEXT, 'INS', value);
    return [message.toString('hex'), message.toString('base64'), JSON.stringify(message)];
  }),
];

const capture = captureOutput;

/** What a Lambda runtime (or a caller) would log of an uncaught error: message, stack, own fields. */
function asLogged(err: unknown): string {
  const e = err as Error;
  return `${e.name}: ${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${JSON.stringify(Object.entries(e))}`;
}

test('no identifier, MAC input or their parts reaches a log line or an error, on success, retries and every failure', async () => {
  const handler = createHandler({ sleep: async () => undefined });
  const errors: string[] = [];
  const batch = { context: CONTEXT, identifiers: [INS_SPACED, INS_2A, '2 69 05 2a 123 456 88', INS_2B].map((value) => ({ type: 'INS', value })) };
  const withInternal = { ...batch, identifiers: [...batch.identifiers, { type: 'internal', value: INTERNAL_ID }] };
  const expectFailure = async (event: unknown) => {
    const error = await handler(event).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    errors.push(asLogged(error));
  };

  const logs = await capture(async () => {
    // success, with throttling retries on the way; KMS error messages here even quote a value
    kmsMock
      .on(GenerateMacCommand)
      .rejectsOnce(awsError('ThrottlingException', 400, `Rate exceeded for ${INS}`))
      .rejectsOnce(awsError('KMSInternalException', 500, `internal error on ${INTERNAL_ID}`))
      .callsFake(async (input: { KeyId: string; Message: Uint8Array }) => ({ Mac: realHmac(input.KeyId, input.Message) }));
    await handler(withInternal);

    // invalid requests: a bad key, values in the wrong fields, an INS as context
    await expectFailure({ context: CONTEXT, identifiers: [{ type: 'INS', value: BAD_INS }, { type: 'internal', value: `${SECRET_INTERNAL} ` }] });
    await expectFailure({ context: CONTEXT, identifiers: [{ type: SECRET_INTERNAL, value: 'x' }, INS_SPACED] });
    await expectFailure({ context: INS, identifiers: [] });
    await expectFailure(INS);

    // key problems and exhausted retries, with error messages that quote a value
    kmsMock.reset();
    kmsMock.on(GenerateMacCommand).rejects(awsError('DisabledException', 400, `key disabled while hashing ${INS}`));
    await expectFailure(batch);
    kmsMock.reset();
    kmsMock.on(GenerateMacCommand).rejects(awsError('ThrottlingException', 400, `Rate exceeded for ${INS_2B}`));
    await expectFailure(batch);
    kmsMock.reset();
    kmsMock.on(GenerateMacCommand).rejects(Object.assign(new Error(`boom ${SECRET_INTERNAL}`), { name: `Weird ${SECRET_INTERNAL}` }));
    await expectFailure({ context: CONTEXT, identifiers: [{ type: 'internal', value: SECRET_INTERNAL }] });
  });

  const lines = logs.split('\n').filter((line) => line.trim() !== '');
  // Logs were captured (JSON lines: a summary, the retries, each failure), with the context, counts and codes.
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(parsed).toContainEqual(expect.objectContaining({ level: 'info', context: CONTEXT, identifiers: 5, distinct: 4, retries: 2 }));
  expect(parsed.filter((l) => l.level === 'warn').map((l) => l.errorName)).toEqual(
    expect.arrayContaining(['ThrottlingException', 'KMSInternalException']),
  );
  expect(parsed.filter((l) => l.level === 'error').map((l) => l.outcome)).toEqual([
    'invalid-request',
    'invalid-request',
    'invalid-request',
    'invalid-request',
    'key-unusable',
    'kms-failed',
    'kms-failed',
  ]);
  expect(errors).toHaveLength(7);

  for (const text of [logs, ...errors]) {
    for (const forbidden of FORBIDDEN) expect(text).not.toContain(forbidden);
  }
});
