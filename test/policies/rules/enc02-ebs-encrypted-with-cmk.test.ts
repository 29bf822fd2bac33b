import { Fn, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ENC02_EBS_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/ebs-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef } from './enc-fixtures';

const RULE = 'HDS-ENC02-EbsEncryptedWithCmk';
const AZ = 'eu-west-3a';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a volume with default settings (not encrypted)', () => {
    expectFindings(RULE, (stack) => new ec2.Volume(stack, 'Volume', { availabilityZone: AZ, size: Size.gibibytes(10) }), ['TestStack/Volume/Resource']);
  });

  it('F2: an encrypted volume with no key (aws/ebs)', () => {
    expectFindings(
      RULE,
      (stack) => new ec2.Volume(stack, 'Volume', { availabilityZone: AZ, size: Size.gibibytes(10), encrypted: true }),
      ['TestStack/Volume/Resource'],
    );
  });

  it('F3: a raw CfnVolume with a key but Encrypted false', () => {
    expectFindings(RULE, (stack) => new ec2.CfnVolume(stack, 'Volume', { availabilityZone: AZ, size: 10, encrypted: false, kmsKeyId: KEY_ARN }), ['TestStack/Volume']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(
      ENC02_EBS_ENCRYPTED_WITH_CMK,
      (stack) => new ec2.CfnVolume(stack, 'Volume', { availabilityZone: AZ, size: 10, encrypted: true, kmsKeyId: parameterRef(stack) }),
      ['TestStack/Volume'],
      /^KmsKeyId \(a parameter\) cannot be evaluated/,
    );
  });

  it('E2: Encrypted chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_EBS_ENCRYPTED_WITH_CMK,
      (stack) => new ec2.CfnVolume(stack, 'Volume', { availabilityZone: AZ, size: 10, encrypted: true, kmsKeyId: KEY_ARN }).addPropertyOverride('Encrypted', Fn.conditionIf('Encrypt', true, false)),
      ['TestStack/Volume'],
      /^Encrypted cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: an encrypted volume with encryptionKey', () => {
    expectCompliant(RULE, (stack) => new ec2.Volume(stack, 'Volume', { availabilityZone: AZ, size: Size.gibibytes(10), encrypted: true, encryptionKey: cmk(stack) }));
  });

  it('P2: a raw CfnVolume, Encrypted "true" as a string, with a literal key ARN', () => {
    expectCompliant(RULE, (stack) => {
      new ec2.CfnVolume(stack, 'Volume', { availabilityZone: AZ, size: 10, kmsKeyId: KEY_ARN }).addPropertyOverride('Encrypted', 'true');
    });
  });
});
