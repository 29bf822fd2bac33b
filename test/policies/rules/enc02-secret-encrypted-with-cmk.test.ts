import { Aws, Fn } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ENC02_SECRET_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/secret-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef } from './enc-fixtures';

const RULE = 'HDS-ENC02-SecretEncryptedWithCmk';
const REPLICA_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a secret with default settings (aws/secretsmanager)', () => {
    expectFindings(RULE, (stack) => new secretsmanager.Secret(stack, 'Secret'), ['TestStack/Secret/Resource']);
  });

  it('F2: a secret with a customer-managed key, and a replica with none', () => {
    expectFindings(
      RULE,
      (stack) => new secretsmanager.Secret(stack, 'Secret', { encryptionKey: cmk(stack), replicaRegions: [{ region: 'eu-west-1' }] }),
      ['TestStack/Secret/Resource'],
    );
  });

  it('F3: a raw CfnSecret with KmsKeyId alias/aws/secretsmanager', () => {
    expectFindings(RULE, (stack) => new secretsmanager.CfnSecret(stack, 'Secret', { kmsKeyId: 'alias/aws/secretsmanager' }), ['TestStack/Secret']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a replica key from a template parameter', () => {
    expectNotEvaluated(
      ENC02_SECRET_ENCRYPTED_WITH_CMK,
      (stack) =>
        new secretsmanager.CfnSecret(stack, 'Secret', {
          kmsKeyId: KEY_ARN,
          replicaRegions: [
            { region: 'eu-west-1', kmsKeyId: REPLICA_KEY },
            { region: 'eu-central-1', kmsKeyId: parameterRef(stack) },
          ],
        }),
      ['TestStack/Secret'],
      /^ReplicaRegions\[1\]\.KmsKeyId \(a parameter\) cannot be evaluated/,
    );
  });

  it('E2: the secret key from a template parameter', () => {
    expectNotEvaluated(
      ENC02_SECRET_ENCRYPTED_WITH_CMK,
      (stack) => new secretsmanager.CfnSecret(stack, 'Secret', { kmsKeyId: parameterRef(stack) }),
      ['TestStack/Secret'],
      /^KmsKeyId \(a parameter\) cannot be evaluated/,
    );
  });

  it('E3: the replica list chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_SECRET_ENCRYPTED_WITH_CMK,
      (stack) => new secretsmanager.CfnSecret(stack, 'Secret', { kmsKeyId: KEY_ARN, replicaRegions: Fn.conditionIf('Replicate', [{ Region: 'eu-west-1' }], []) as never }),
      ['TestStack/Secret'],
      /^ReplicaRegions cannot be evaluated/,
    );
  });

  it('E4: the second replica chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_SECRET_ENCRYPTED_WITH_CMK,
      (stack) =>
        new secretsmanager.CfnSecret(stack, 'Secret', {
          kmsKeyId: KEY_ARN,
          replicaRegions: [{ region: 'eu-west-1', kmsKeyId: REPLICA_KEY }, Fn.conditionIf('Replicate', { Region: 'eu-central-1' }, Aws.NO_VALUE) as never],
        }),
      ['TestStack/Secret'],
      /^ReplicaRegions\[1\] cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a secret with encryptionKey', () => {
    expectCompliant(RULE, (stack) => new secretsmanager.Secret(stack, 'Secret', { encryptionKey: cmk(stack) }));
  });

  it('P2: a raw CfnSecret and its replica, each with a customer-managed key', () => {
    expectCompliant(RULE, (stack) => new secretsmanager.CfnSecret(stack, 'Secret', { kmsKeyId: KEY_ARN, replicaRegions: [{ region: 'eu-west-1', kmsKeyId: REPLICA_KEY }] }));
  });
});
