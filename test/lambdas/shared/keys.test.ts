import { isKmsAlias, parseKmsKeyArn, sameKey } from '../../../lambdas/shared/keys';
import { KEY_ARN, KEY_ID, OTHER_KEY_ARN } from '../restore-validator/fixtures';

test('parses a key ARN, refuses aliases and ids', () => {
  expect(parseKmsKeyArn(KEY_ARN)).toEqual({ arn: KEY_ARN, region: 'eu-west-3', account: '111122223333', keyId: KEY_ID });
  expect(parseKmsKeyArn('arn:aws:kms:eu-west-3:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab')?.keyId).toBe('mrk-1234abcd12ab34cd56ef1234567890ab');
  expect(parseKmsKeyArn('arn:aws:kms:eu-west-3:111122223333:alias/x')).toBeUndefined();
  expect(parseKmsKeyArn(KEY_ID)).toBeUndefined();
});

test.each([
  [KEY_ARN, true],
  [KEY_ID, true],
  [OTHER_KEY_ARN, false],
  ['99999999-0000-0000-0000-000000000000', false],
  [KEY_ARN.replace('eu-west-3', 'us-east-1'), false],
  [KEY_ARN.replace('111122223333', '444455556666'), false],
  [`${KEY_ARN}x`, false],
  ['', false],
])('sameKey(%s) is %s', (seen, expected) => {
  expect(sameKey(seen, KEY_ARN)).toBe(expected);
});

test('isKmsAlias', () => {
  expect(isKmsAlias('alias/hds')).toBe(true);
  expect(isKmsAlias('arn:aws:kms:eu-west-3:111122223333:alias/hds')).toBe(true);
  expect(isKmsAlias(KEY_ARN)).toBe(false);
});
