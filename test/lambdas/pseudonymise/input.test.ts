import 'aws-sdk-client-mock-jest';
import { GenerateMacCommand } from '@aws-sdk/client-kms';
import { InvalidRequestError, MAX_LISTED_PROBLEMS, validateRequest } from '../../../lambdas/pseudonymise/input';
import { INS, INS_SPACED, INTERNAL_ID, harness, kmsMock, resetAll } from './fixtures';

beforeEach(resetAll);

const CONTEXT = 'analytics';
const ok = (value: string, type: 'INS' | 'internal' = 'INS') => ({ type, value });
/** A valid INS with a wrong key, and other identifier-bearing strings the errors must not echo. */
const INS_BAD_KEY = '185057800608492';
const SECRET_INTERNAL = 'patient-4f1d2c9b-secret';

/** Every rule, with the value that must never appear in the message and what the message must say. */
const CASES: Array<[string, unknown, string[], RegExp]> = [
  ['not an object', INS, [INS], /the request must be an object \{ context, identifiers \}, received a string of 15 character\(s\)/],
  ['an array', [ok(INS)], [INS], /the request must be an object/],
  ['null', null, [], /received null/],
  ['context missing', { identifiers: [] }, [], /^pseudonymise request is invalid \(1 problem\(s\)\): context: required, a lower-case slug .* received nothing$/],
  ['context upper-case', { context: 'Research', identifiers: [] }, ['Research'], /context: expected a lower-case slug of 1 to 64 characters \(a-z, 0-9, single hyphens, starting with a letter\), e\.g\. 'research-cohort-2026'; received a string of 8 character\(s\)/],
  ['context is an INS', { context: INS, identifiers: [] }, [INS], /context: expected a lower-case slug/],
  ['context with a double hyphen', { context: 'research--x', identifiers: [] }, ['research--x'], /context: expected/],
  ['context too long', { context: 'a'.repeat(65), identifiers: [] }, ['a'.repeat(65)], /context: expected .* received a string of 65 character\(s\)/],
  ['identifiers missing', { context: CONTEXT }, [], /identifiers: required, an array of 0 to 1000 \{ type: 'INS' \| 'internal', value: string \}; received nothing/],
  ['identifiers not an array', { context: CONTEXT, identifiers: INS }, [INS], /identifiers: required, an array .* received a string of 15 character\(s\)/],
  ['identifiers an object', { context: CONTEXT, identifiers: { type: 'INS', value: INS } }, [INS], /identifiers: required, an array .* received an object/],
  ['too many identifiers', { context: CONTEXT, identifiers: Array.from({ length: 1001 }, () => ok(INS)) }, [INS], /identifiers: 1001 items, at most 1000 per call: split the batch/],
  ['item not an object', { context: CONTEXT, identifiers: [ok(INS), INS] }, [INS], /^[^;]*identifiers\[1\]: expected an object \{ type: 'INS' \| 'internal', value: string \}, received a string of 15 character\(s\)$/],
  ['type swapped with the value', { context: CONTEXT, identifiers: [{ type: INS, value: 'INS' }] }, [INS], /identifiers\[0\]\.type: expected 'INS' or 'internal', received a string of 15 character\(s\)/],
  ['type in the wrong case', { context: CONTEXT, identifiers: [{ type: 'ins', value: INS }] }, [INS], /identifiers\[0\]\.type: expected 'INS' or 'internal'/],
  ['value a number', { context: CONTEXT, identifiers: [{ type: 'INS', value: 185057800608491 }] }, [INS], /identifiers\[0\]\.value: expected a string, received a number/],
  ['INS too short', { context: CONTEXT, identifiers: [ok('1 85 05 78 006 084 9')] }, ['18505780060849', '1 85 05 78 006 084 9'], /identifiers\[0\]\.value: not an INS, expected 15 characters once spaces are removed: the 13-character NIR or NIA \(digits, department 2A or 2B for Corsica\) then its 2-digit key; received 14 character\(s\) once spaces are removed/],
  ['INS with letters', { context: CONTEXT, identifiers: [ok(INS), ok('18505780060849X')] }, ['18505780060849X', INS], /identifiers\[1\]\.value: not an INS, expected .*; received other characters/],
  ['INS with a department 2C', { context: CONTEXT, identifiers: [ok('269052C12345688')] }, ['269052C12345688'], /identifiers\[0\]\.value: not an INS/],
  ['INS with a wrong key', { context: CONTEXT, identifiers: [ok(INS_SPACED), ok(INS_BAD_KEY)] }, [INS_BAD_KEY, '1850578006084', INS], /identifiers\[1\]\.value: INS control key does not match \(key = 97 - \(NIR mod 97\), 2A read as 19 and 2B as 18\): check the number for a typo/],
  ['internal id empty', { context: CONTEXT, identifiers: [ok('', 'internal')] }, [], /identifiers\[0\]\.value: not an internal id, expected 1 to 128 printable ASCII characters without spaces \(compared exactly, case-sensitive\); received 0 character\(s\)/],
  ['internal id too long', { context: CONTEXT, identifiers: [ok(SECRET_INTERNAL.repeat(6), 'internal')] }, [SECRET_INTERNAL], /identifiers\[0\]\.value: not an internal id, .* received 138 character\(s\)/],
  ['internal id with a space', { context: CONTEXT, identifiers: [ok(`${SECRET_INTERNAL} `, 'internal')] }, [SECRET_INTERNAL], /identifiers\[0\]\.value: not an internal id, .* received a space or a character outside printable ASCII/],
  ['internal id not ASCII', { context: CONTEXT, identifiers: [ok(`${SECRET_INTERNAL}é`, 'internal')] }, [SECRET_INTERNAL], /identifiers\[0\]\.value: not an internal id/],
];

describe('request validation', () => {
  test.each(CASES)('%s: refused with a message naming the field and index, never the value', async (_, event, secrets, message) => {
    const { handler, logs } = harness();
    const error = await handler(event).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    const text = `${(error as Error).message}\n${(error as Error).stack}\n${JSON.stringify(error)}\n${JSON.stringify(logs)}`;
    expect((error as Error).message).toMatch(message);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(kmsMock).toHaveReceivedCommandTimes(GenerateMacCommand, 0);
    expect(logs).toEqual([expect.objectContaining({ level: 'error', message: 'request rejected', outcome: 'invalid-request', errorName: 'InvalidRequestError' })]);
  });

  test('every problem is reported at once, the list capped', () => {
    const identifiers = [ok(INS), ...Array.from({ length: 30 }, (_, i) => ok(`bad ${i}`)), ok(INTERNAL_ID, 'internal')];
    let error: unknown;
    try {
      validateRequest({ context: 'Bad', identifiers });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).problems).toHaveLength(31);
    const message = (error as Error).message;
    expect(message).toMatch(/^pseudonymise request is invalid \(31 problem\(s\)\): context: expected/);
    expect(message).toContain('identifiers[1].value');
    expect(message).toContain(`identifiers[${MAX_LISTED_PROBLEMS - 1}].value`);
    expect(message).not.toContain(`identifiers[${MAX_LISTED_PROBLEMS}].value`);
    expect(message).toMatch(/; and 11 more$/);
  });

  test('valid input is normalised: INS without spaces, 2a upper-cased, internal ids untouched', () => {
    expect(
      validateRequest({ context: 'research-cohort-2026', identifiers: [ok(INS_SPACED), ok('2 69 05 2a 123 456 88'), ok('Pat-01', 'internal')] }),
    ).toEqual({ context: 'research-cohort-2026', identifiers: [ok(INS), ok('269052A12345688'), ok('Pat-01', 'internal')] });
  });

  test('1,000 identifiers are accepted', () => {
    expect(validateRequest({ context: CONTEXT, identifiers: Array.from({ length: 1000 }, () => ok(INS)) }).identifiers).toHaveLength(1000);
  });
});
