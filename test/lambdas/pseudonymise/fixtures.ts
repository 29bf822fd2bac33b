import { createHmac } from 'node:crypto';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { createHandler } from '../../../lambdas/pseudonymise/index';
import type { LogFields, LogLevel } from '../../../lambdas/pseudonymise/log';
import type { Runtime } from '../../../lambdas/pseudonymise/pseudonymise';

export const ACCOUNT = '111122223333';
export const KEY_ARN = `arn:aws:kms:eu-west-3:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KEY_ARN = `arn:aws:kms:eu-west-3:${ACCOUNT}:key/99999999-0000-0000-0000-000000000000`;

/** Valid INS, keys computed independently (BigInt): mainland, Corsica 2A and 2B. */
export const INS = '185057800608491';
export const INS_SPACED = '1 85 05 78 006 084 91';
export const INS_2A = '269052A12345688';
export const INS_2B = '178082B04512320';
export const INTERNAL_ID = 'pat-7f3c9a1e-42b0';

// One mock for the class: the module-scope client of index.ts is intercepted too.
export const kmsMock = mockClient(KMSClient);

/** The secret behind each mocked key: GenerateMac becomes a real HMAC-SHA-256 over the message. */
const SECRETS: Record<string, Buffer> = {
  [KEY_ARN]: Buffer.from('test-secret-of-key-1-0123456789abcdef'),
  [OTHER_KEY_ARN]: Buffer.from('test-secret-of-key-2-fedcba9876543210'),
};

export function realHmac(keyId: string, message: Uint8Array): Buffer {
  const secret = SECRETS[keyId];
  if (!secret) throw new Error(`no test secret for ${keyId}`);
  return createHmac('sha256', secret).update(message).digest();
}

export function mockRealHmac(): void {
  kmsMock.on(GenerateMacCommand).callsFake(async (input: { KeyId: string; Message: Uint8Array; MacAlgorithm: string }) => {
    if (input.MacAlgorithm !== 'HMAC_SHA_256') throw awsError('InvalidKeyUsageException');
    return { Mac: realHmac(input.KeyId, input.Message), KeyId: input.KeyId, MacAlgorithm: 'HMAC_SHA_256' };
  });
}

/** An SDK-like service error: what the SDK throws, reduced to the fields the function reads. */
export function awsError(name: string, httpStatusCode = 400, message = `${name} (test)`): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

const savedEnv = { ...process.env };

export function resetAll(): void {
  kmsMock.reset();
  for (const name of ['PSEUDONYM_KEY_ID', 'KMS_MAX_CONCURRENCY']) delete process.env[name];
  Object.assign(process.env, savedEnv, { PSEUDONYM_KEY_ID: KEY_ARN });
}

export type LogLine = { level: LogLevel; message: string } & LogFields;

export interface Harness {
  readonly handler: ReturnType<typeof createHandler>;
  readonly sleeps: number[];
  readonly logs: LogLine[];
}

/** A handler whose sleeps, jitter, clock and logs are under the test's control. */
export function harness(overrides: Partial<Runtime> = {}): Harness {
  const sleeps: number[] = [];
  const logs: LogLine[] = [];
  const handler = createHandler({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    clock: () => 0,
    log: (level, message, fields = {}) => logs.push({ level, message, ...fields }),
    ...overrides,
  });
  return { handler, sleeps, logs };
}

/** Reference control key, independent of the code under test. */
export function referenceKey(nir13: string): string {
  const numeric = nir13.slice(0, 5) + nir13.slice(5, 7).replace('2A', '19').replace('2B', '18') + nir13.slice(7);
  return String(97n - (BigInt(numeric) % 97n)).padStart(2, '0');
}

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** The 13 characters of a NIR or NIA: any digits, with a Corsican department now and then. */
export const nir13Arb: fc.Arbitrary<string> = fc
  .tuple(digits(5), fc.oneof({ weight: 8, arbitrary: digits(2) }, { weight: 1, arbitrary: fc.constantFrom('2A', '2B') }), digits(6))
  .map(([a, dept, b]) => a + dept + b);

/** A valid INS (normalised). */
export const insArb: fc.Arbitrary<string> = nir13Arb.map((n) => n + referenceKey(n));

/** An internal id as the function accepts them: 1 to 128 printable ASCII characters without spaces. */
export const internalIdArb: fc.Arbitrary<string> = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 });

export const contextArb: fc.Arbitrary<string> = fc.stringMatching(/^[a-z][a-z0-9]{0,10}(?:-[a-z0-9]{1,8}){0,3}$/);

export type Identifier = { type: 'INS' | 'internal'; value: string };

export const identifierArb: fc.Arbitrary<Identifier> = fc.oneof(
  insArb.map((value) => ({ type: 'INS' as const, value })),
  internalIdArb.map((value) => ({ type: 'internal' as const, value })),
);
