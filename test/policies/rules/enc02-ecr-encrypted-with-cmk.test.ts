import { Fn, type Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { ENC02_ECR_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/ecr-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef, secondStack } from './enc-fixtures';
import { verboseDescription } from './hds-fixtures';

const RULE = 'HDS-ENC02-EcrEncryptedWithCmk';
const REPOSITORY = 'TestStack/Repository/Resource';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a repository with default settings (AES256)', () => {
    expectFindings(RULE, (stack) => new ecr.Repository(stack, 'Repository'), [REPOSITORY]);
  });

  it('F2: RepositoryEncryption.AES_256', () => {
    expectFindings(RULE, (stack) => new ecr.Repository(stack, 'Repository', { encryption: ecr.RepositoryEncryption.AES_256 }), [REPOSITORY]);
  });

  it('F3: RepositoryEncryption.KMS without a key (the AWS-managed aws/ecr)', () => {
    expectFindings(RULE, (stack) => new ecr.Repository(stack, 'Repository', { encryption: ecr.RepositoryEncryption.KMS }), [REPOSITORY]);
  });

  it('F4: a raw CfnRepository with KMS and the AWS-managed alias', () => {
    expectFindings(
      RULE,
      (stack) => new ecr.CfnRepository(stack, 'Repository', { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'alias/aws/ecr' } }),
      ['TestStack/Repository'],
    );
  });

  it('F5: a customer key named, but the encryption type AES256', () => {
    expectFindings(
      RULE,
      (stack) => new ecr.CfnRepository(stack, 'Repository', { encryptionConfiguration: { encryptionType: 'AES256', kmsKey: KEY_ARN } }),
      ['TestStack/Repository'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(
      ENC02_ECR_ENCRYPTED_WITH_CMK,
      (stack) => new ecr.CfnRepository(stack, 'Repository', { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: parameterRef(stack) } }),
      ['TestStack/Repository'],
    );
  });

  it('E2: an encryption type chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_ECR_ENCRYPTED_WITH_CMK,
      (stack) =>
        new ecr.CfnRepository(stack, 'Repository', {
          encryptionConfiguration: { encryptionType: Fn.conditionIf('Cmk', 'KMS', 'AES256').toString(), kmsKey: KEY_ARN },
        }),
      ['TestStack/Repository'],
    );
  });

  it('E3: the whole encryption configuration chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_ECR_ENCRYPTED_WITH_CMK,
      (stack) => {
        const repository = new ecr.CfnRepository(stack, 'Repository');
        repository.addPropertyOverride('EncryptionConfiguration', Fn.conditionIf('Cmk', { EncryptionType: 'KMS', KmsKey: KEY_ARN }, { EncryptionType: 'AES256' }));
      },
      ['TestStack/Repository'],
    );
  });

  it.each([
    ['the key (E1)', (stack: Stack) => new ecr.CfnRepository(stack, 'Repository', { encryptionConfiguration: { encryptionType: 'KMS', kmsKey: parameterRef(stack) } }), /KmsKey/],
    [
      'the encryption type (E2)',
      (stack: Stack) => new ecr.CfnRepository(stack, 'Repository', { encryptionConfiguration: { encryptionType: Fn.conditionIf('Cmk', 'KMS', 'AES256').toString(), kmsKey: KEY_ARN } }),
      /EncryptionType/,
    ],
    [
      'the configuration (E3)',
      (stack: Stack) => new ecr.CfnRepository(stack, 'Repository').addPropertyOverride('EncryptionConfiguration', Fn.conditionIf('Cmk', { EncryptionType: 'KMS' }, { EncryptionType: 'AES256' })),
      /EncryptionConfiguration/,
    ],
  ])('the verbose pack names the property it could not evaluate: %s', (_what, build, property) => {
    expect(verboseDescription(RULE, build)).toMatch(property);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: RepositoryEncryption.KMS with a key of the same stack', () => {
    expectCompliant(RULE, (stack) => new ecr.Repository(stack, 'Repository', { encryption: ecr.RepositoryEncryption.KMS, encryptionKey: cmk(stack) }));
  });

  it('P2: a key of another stack of the app (a cross-stack reference)', () => {
    expectCompliant(RULE, (stack, app) => new ecr.Repository(stack, 'Repository', { encryption: ecr.RepositoryEncryption.KMS, encryptionKey: cmk(secondStack(app)) }));
  });

  it('P3: a raw CfnRepository with KMS_DSSE and a customer key ARN', () => {
    expectCompliant(RULE, (stack) => new ecr.CfnRepository(stack, 'Repository', { encryptionConfiguration: { encryptionType: 'KMS_DSSE', kmsKey: KEY_ARN } }));
  });
});
