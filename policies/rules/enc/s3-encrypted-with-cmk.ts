import { defineRule } from '../rule';
import { asBoolean, asString, at, isCustomerManagedKey, listAt, resourceRule } from './support';

const KMS_ALGORITHMS: ReadonlySet<string> = new Set(['aws:kms', 'aws:kms:dsse']);

/**
 * ENC-02, S3: every default-encryption rule of the bucket is SSE-KMS (or DSSE-KMS) with a customer-managed
 * key, and SSE-KMS uses an S3 Bucket Key. A bucket with no rule gets SSE-S3. DSSE-KMS does not support bucket
 * keys (AWS documents it), so it is not asked for one. The server-access-log bucket, which S3 cannot deliver
 * to under SSE-KMS, is the documented exception: an acknowledgement, not a hole in this rule.
 */
export const ENC02_S3_ENCRYPTED_WITH_CMK = defineRule({
  name: 'S3EncryptedWithCmk',
  control: 'ENC-02',
  problem:
    'This S3 bucket is not encrypted by default with a customer-managed KMS key (SSE-KMS with a bucket key, or DSSE-KMS): SSE-S3, an AWS-managed key (alias/aws/s3) or no key.',
  fix: 'use SecureBucket with encryption: { key } (or s3.Bucket with encryption: BucketEncryption.KMS, encryptionKey: a platform key, bucketKeyEnabled: true); for the server-access-log bucket only, acknowledge with the reason.',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32 (encryption of personal data): health data at rest is encrypted with keys the editor controls, audits (CloudTrail logs each use) and can revoke.',
  create: () =>
    resourceRule('S3EncryptedWithCmk', ['AWS::S3::Bucket'], (bucket) => {
      const what = 'BucketEncryption.ServerSideEncryptionConfiguration';
      const rules = listAt(bucket.properties, ['BucketEncryption', 'ServerSideEncryptionConfiguration'], what);
      if (rules.length === 0) return false;
      return rules.every((rule) => {
        const algorithm = asString(at(rule, ['ServerSideEncryptionByDefault', 'SSEAlgorithm'], what), 'SSEAlgorithm');
        if (algorithm === undefined || !KMS_ALGORITHMS.has(algorithm)) return false;
        const key = at(rule, ['ServerSideEncryptionByDefault', 'KMSMasterKeyID'], what);
        if (!isCustomerManagedKey(bucket, key, 'KMSMasterKeyID')) return false;
        return algorithm === 'aws:kms:dsse' || asBoolean(at(rule, ['BucketKeyEnabled'], what), 'BucketKeyEnabled') === true;
      });
    }),
});
