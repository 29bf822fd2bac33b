import { Fn, type Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../../../lib/constructs/secure-bucket';
import { ENC02_S3_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/s3-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef, secondStack } from './enc-fixtures';

const RULE = 'HDS-ENC02-S3EncryptedWithCmk';
const BUCKET = 'TestStack/Bucket/Resource';
const SSE_KMS = { bucketKeyEnabled: true, serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN } };

function cfnBucket(stack: Stack, ...rules: s3.CfnBucket.ServerSideEncryptionRuleProperty[]): s3.CfnBucket {
  return new s3.CfnBucket(stack, 'Raw', { bucketEncryption: { serverSideEncryptionConfiguration: rules } });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a bucket with default settings (SSE-S3)', () => {
    expectFindings(RULE, (stack) => new s3.Bucket(stack, 'Bucket'), [BUCKET]);
  });

  it('F2: BucketEncryption.KMS_MANAGED (aws/s3)', () => {
    expectFindings(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS_MANAGED, bucketKeyEnabled: true }), [BUCKET]);
  });

  it('F3: SSE-KMS with a customer-managed key, but no bucket key', () => {
    expectFindings(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: cmk(stack) }), [BUCKET]);
  });

  it('F4: BucketEncryption.DSSE_MANAGED (aws/s3)', () => {
    expectFindings(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.DSSE_MANAGED }), [BUCKET]);
  });

  it('F5: a raw CfnBucket with no BucketEncryption', () => {
    expectFindings(RULE, (stack) => new s3.CfnBucket(stack, 'Raw', {}), ['TestStack/Raw']);
  });

  it('F6: a raw CfnBucket with KMSMasterKeyID alias/aws/s3', () => {
    expectFindings(
      RULE,
      (stack) => cfnBucket(stack, { bucketKeyEnabled: true, serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'alias/aws/s3' } }),
      ['TestStack/Raw'],
    );
  });

  it('F7: a raw CfnBucket whose second rule is AES256', () => {
    expectFindings(
      RULE,
      (stack) =>
        cfnBucket(
          stack,
          { bucketKeyEnabled: true, serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN } },
          { serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
        ),
      ['TestStack/Raw'],
    );
  });

  it('F8: the SecureBucket access-log exception (SSE-S3): flagged here, accepted by an acknowledgement', () => {
    expectFindings(
      RULE,
      (stack) => new SecureBucket(stack, 'Bucket', { encryption: { s3Managed: true, reason: 'access logs' }, accessLogsReason: 'is the access-log bucket' }),
      ['TestStack/Bucket/Resource/Resource'],
    );
  });

  it('F9: a raw CfnBucket whose rule sets only BucketKeyEnabled (no default encryption: SSE-S3)', () => {
    expectFindings(RULE, (stack) => cfnBucket(stack, { bucketKeyEnabled: true }), ['TestStack/Raw']);
  });

  it('F11: a raw CfnBucket, AES256 (SSE-S3) naming a customer key: the algorithm decides, not the key', () => {
    expectFindings(RULE, (stack) => cfnBucket(stack, { ...SSE_KMS, serverSideEncryptionByDefault: { sseAlgorithm: 'AES256', kmsMasterKeyId: KEY_ARN } }), ['TestStack/Raw']);
  });

  it('F10: a raw CfnBucket, SSE-KMS with a customer key and BucketKeyEnabled "false" as a string', () => {
    expectFindings(RULE, (stack) => cfnBucket(stack, SSE_KMS).addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.0.BucketKeyEnabled', 'false'), ['TestStack/Raw']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(
      ENC02_S3_ENCRYPTED_WITH_CMK,
      (stack) => cfnBucket(stack, { bucketKeyEnabled: true, serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: parameterRef(stack) } }),
      ['TestStack/Raw'],
      /^KMSMasterKeyID \(a parameter\) cannot/,
    );
  });

  it('E2: an algorithm from a template parameter', () => {
    expectNotEvaluated(
      ENC02_S3_ENCRYPTED_WITH_CMK,
      (stack) => cfnBucket(stack, { bucketKeyEnabled: true, serverSideEncryptionByDefault: { sseAlgorithm: parameterRef(stack), kmsMasterKeyId: KEY_ARN } }),
      ['TestStack/Raw'],
      /^SSEAlgorithm cannot/,
    );
  });

  it.each<[string, (stack: Stack) => unknown, RegExp]>([
    ['the whole BucketEncryption', (stack) => cfnBucket(stack, SSE_KMS).addPropertyOverride('BucketEncryption', Fn.conditionIf('Cmk', { ServerSideEncryptionConfiguration: [] }, {})), /^BucketEncryption\.ServerSideEncryptionConfiguration cannot/],
    ['the second rule', (stack) => cfnBucket(stack, SSE_KMS, Fn.conditionIf('Cmk', {}, {}) as never), /^BucketEncryption\.ServerSideEncryptionConfiguration cannot/],
    ['BucketKeyEnabled', (stack) => cfnBucket(stack, SSE_KMS).addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.0.BucketKeyEnabled', Fn.conditionIf('Cmk', true, false)), /^BucketKeyEnabled cannot/],
  ])('E3: %s chosen by a condition', (_what, build, reason) => {
    expectNotEvaluated(ENC02_S3_ENCRYPTED_WITH_CMK, build, ['TestStack/Raw'], reason);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: SSE-KMS with a key of another stack and a bucket key', () => {
    expectCompliant(RULE, (stack, app) =>
      new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: cmk(secondStack(app)), bucketKeyEnabled: true }),
    );
  });

  it('P2: SecureBucket with a key', () => {
    expectCompliant(RULE, (stack) =>
      new SecureBucket(stack, 'Bucket', { encryption: { key: cmk(stack) }, accessLogsReason: 'fixture' }),
    );
  });

  it('P3: DSSE-KMS with a customer-managed key (S3 Bucket Keys do not apply to DSSE-KMS)', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.DSSE, encryptionKey: cmk(stack) }));
  });

  it('P4: a raw CfnBucket, SSE-KMS with a literal key ARN and BucketKeyEnabled (true, and "true" as a string)', () => {
    expectCompliant(RULE, (stack) => cfnBucket(stack, SSE_KMS));
    expectCompliant(RULE, (stack) => cfnBucket(stack, SSE_KMS).addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.0.BucketKeyEnabled', 'true'));
  });
});
