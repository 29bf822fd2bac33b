import { Fn } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENC01_KEY_ROTATION } from '../../../policies/rules/enc/key-rotation';
import { PlatformKeys } from '../../../lib/constructs/platform-keys';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, parameterRef, verdictOf } from './enc-fixtures';

const RULE = 'HDS-ENC01-KeyRotation';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a kms.Key with default settings (no rotation)', () => {
    expectFindings(RULE, (stack) => new kms.Key(stack, 'Key'), ['TestStack/Key/Resource']);
  });

  it('F2: a kms.Key with enableKeyRotation: false', () => {
    expectFindings(RULE, (stack) => new kms.Key(stack, 'Key', { enableKeyRotation: false }), ['TestStack/Key/Resource']);
  });

  it('F3: a raw CfnKey, SYMMETRIC_DEFAULT spelled out, no EnableKeyRotation', () => {
    expectFindings(RULE, (stack) => new kms.CfnKey(stack, 'Key', { keySpec: 'SYMMETRIC_DEFAULT' }), ['TestStack/Key']);
  });

  it('F4: EnableKeyRotation "false" as a string (as a JSON template may write it)', () => {
    expectFindings(RULE, (stack) => new kms.CfnKey(stack, 'Key', {}).addPropertyOverride('EnableKeyRotation', 'false'), ['TestStack/Key']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a KeySpec from a parameter (cdk-nag alone would take it for an asymmetric key and pass it)', () => {
    expectNotEvaluated(ENC01_KEY_ROTATION, (stack) => new kms.CfnKey(stack, 'Key', { keySpec: parameterRef(stack) }), ['TestStack/Key'], /^KeySpec cannot be evaluated/);
  });

  it('E2: EnableKeyRotation from a condition', () => {
    expectNotEvaluated(
      ENC01_KEY_ROTATION,
      (stack) => new kms.CfnKey(stack, 'Key', { enableKeyRotation: Fn.conditionIf('Rotate', true, false) as unknown as boolean }),
      ['TestStack/Key'],
      /^EnableKeyRotation cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a kms.Key with enableKeyRotation: true', () => {
    expectCompliant(RULE, (stack) => cmk(stack));
  });

  it('P2: a raw CfnKey with EnableKeyRotation true, and one with "true" as a string (cdk-nag alone would flag it)', () => {
    expectCompliant(RULE, (stack) => new kms.CfnKey(stack, 'Key', { enableKeyRotation: true }));
    expect(verdictOf(ENC01_KEY_ROTATION, (stack) => new kms.CfnKey(stack, 'Key', {}).addPropertyOverride('EnableKeyRotation', 'true'), 'TestStack/Key')).toBe('Compliant');
  });

  it('P3: asymmetric and HMAC keys, which KMS cannot rotate, are not applicable', () => {
    expect(verdictOf(ENC01_KEY_ROTATION, (stack) => new kms.Key(stack, 'Key', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY }), 'TestStack/Key/Resource')).toBeUndefined();
    expect(verdictOf(ENC01_KEY_ROTATION, (stack) => new kms.Key(stack, 'Key', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }), 'TestStack/Key/Resource')).toBeUndefined();
    expect(verdictOf(ENC01_KEY_ROTATION, (stack) => cmk(stack), 'TestStack/Key/Resource')).toBe('Compliant');
  });

  it("P4: the platform's keys (PlatformKeys)", () => {
    expectCompliant(RULE, (stack) => new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' }));
  });
});
