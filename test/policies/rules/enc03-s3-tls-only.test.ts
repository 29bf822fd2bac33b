import { type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../../../lib/constructs/secure-bucket';
import { ENC03_S3_TLS_ONLY } from '../../../policies/rules/enc/s3-tls-only';
import { expectCompliant, expectFindings } from '../support';
import { expectNotEvaluated, parameterRef } from './enc-fixtures';

const RULE = 'HDS-ENC03-S3TlsOnly';
const BUCKET = 'TestStack/Bucket/Resource';

const insecure = { Bool: { 'aws:SecureTransport': 'false' } };
const oldTls = { NumericLessThan: { 's3:TlsVersion': 1.2 } };

function deny(resources: unknown[], condition: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: resources, Condition: condition, ...extra };
}

/** A raw bucket and its raw policy, as a foreign template declares them (Fn::Sub, Ref, GetAtt). */
function rawBucketWithPolicy(stack: Stack, statements: (bucket: s3.CfnBucket) => Record<string, unknown>[], name?: string): s3.CfnBucket {
  const bucket = new s3.CfnBucket(stack, 'Raw', { bucketName: name });
  new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: bucket.ref, policyDocument: { Version: '2012-10-17', Statement: statements(bucket) } });
  return bucket;
}

const both = (b: s3.CfnBucket) => [b.attrArn, `${b.attrArn}/*`];

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a bucket with no bucket policy', () => {
    expectFindings(RULE, (stack) => new s3.Bucket(stack, 'Bucket'), [BUCKET]);
  });

  it('F2: enforceSSL without minimumTLSVersion (the part cdk-nag checks, alone)', () => {
    expectFindings(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { enforceSSL: true }), [BUCKET]);
  });

  it('F3: the TLS-version Deny without the SecureTransport Deny', () => {
    expectFindings(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), oldTls)]), ['TestStack/Raw']);
  });

  it('F4: the SecureTransport Deny covers the objects but not the bucket', () => {
    expectFindings(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny([`${b.attrArn}/*`], insecure), deny(both(b), oldTls)]), ['TestStack/Raw']);
  });

  it('F5: the TLS-version Deny covers one prefix only', () => {
    expectFindings(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure), deny([b.attrArn, `${b.attrArn}/public/*`], oldTls)]), ['TestStack/Raw']);
  });

  it('F6: the TLS-version Deny allows TLS 1.1 (NumericLessThan 1.1)', () => {
    expectFindings(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure), deny(both(b), { NumericLessThan: { 's3:TlsVersion': '1.1' } })]),
      ['TestStack/Raw'],
    );
  });

  it('F7: the SecureTransport Deny is narrowed by a second condition', () => {
    expectFindings(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), { ...insecure, StringEquals: { 'aws:PrincipalAccount': '222222222222' } }), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
    );
  });

  it('F7c: condition values as lists that miss: SecureTransport [true], TlsVersion [1.0, 1.1]', () => {
    expectFindings(
      RULE,
      (stack) => {
        rawBucketWithPolicy(stack, (b) => [deny(both(b), { Bool: { 'aws:SecureTransport': ['true'] } }), deny(both(b), oldTls)]);
        const other = new s3.CfnBucket(stack, 'Other', {});
        new s3.CfnBucketPolicy(stack, 'OtherPolicy', {
          bucket: other.ref,
          policyDocument: { Statement: [deny(both(other), insecure), deny(both(other), { NumericLessThan: { 's3:TlsVersion': ['1.0', '1.1'] } })] },
        });
      },
      ['TestStack/Other', 'TestStack/Raw'],
    );
  });

  it('F7b: the SecureTransport Deny is narrowed by a second key under the same Bool operator', () => {
    expectFindings(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), { Bool: { 'aws:SecureTransport': 'false', 'aws:ViaAWSService': 'false' } }), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
    );
  });

  it('F8: the Denies apply to one principal only', () => {
    expectFindings(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure, { Principal: { AWS: 'arn:aws:iam::111111111111:root' } }), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
    );
  });

  it('F9: the Denies cover s3:GetObject only', () => {
    expectFindings(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure, { Action: 's3:GetObject' }), deny(both(b), oldTls)]), ['TestStack/Raw']);
  });

  it('F10: both Denies in one statement (their conditions AND: neither holds alone)', () => {
    expectFindings(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), { ...insecure, ...oldTls })]), ['TestStack/Raw']);
  });

  it("F11: a complete policy, but for another bucket of the stack", () => {
    expectFindings(
      RULE,
      (stack) => {
        new s3.Bucket(stack, 'Other', { enforceSSL: true, minimumTLSVersion: 1.2 });
        const bucket = new s3.CfnBucket(stack, 'Raw', {});
        const other = new s3.CfnBucket(stack, 'Unrelated', {});
        new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: bucket.ref, policyDocument: { Statement: [deny(both(other), insecure), deny(both(other), oldTls)] } });
      },
      ['TestStack/Raw', 'TestStack/Unrelated'],
    );
  });

  it('F13: a policy naming, literally, a bucket other than the literally named one', () => {
    expectFindings(
      RULE,
      (stack) => {
        new s3.CfnBucket(stack, 'Raw', { bucketName: 'hds-docs' });
        const arns = ['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'];
        new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: 'hds-other', policyDocument: { Statement: [deny(arns, insecure), deny(arns, oldTls)] } });
      },
      ['TestStack/Raw'],
    );
  });

  it('F12: Allow statements with the same conditions (not a Deny)', () => {
    expectFindings(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure, { Effect: 'Allow' }), deny(both(b), oldTls, { Effect: 'Allow' })]),
      ['TestStack/Raw'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a Deny whose resources come from a parameter, and no other compliant statement', () => {
    expectNotEvaluated(
      ENC03_S3_TLS_ONLY,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny([parameterRef(stack)], insecure), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
    );
  });

  it('E2: a bucket policy whose Bucket is a parameter, in the stack of a bucket with no policy of its own', () => {
    expectNotEvaluated(
      ENC03_S3_TLS_ONLY,
      (stack) => {
        const bucket = new s3.CfnBucket(stack, 'Raw', {});
        new s3.CfnBucketPolicy(stack, 'Policy', { bucket: parameterRef(stack), policyDocument: { Statement: [deny(both(bucket), insecure), deny(both(bucket), oldTls)] } });
      },
      ['TestStack/Raw'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: enforceSSL and minimumTLSVersion 1.2', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { enforceSSL: true, minimumTLSVersion: 1.2 }));
  });

  it('P2: SecureBucket', () => {
    expectCompliant(RULE, (stack) => new SecureBucket(stack, 'Bucket', { encryption: { s3Managed: true, reason: 'fixture' }, accessLogsReason: 'fixture' }));
  });

  it('P3: a raw bucket with a literal name, its policy with literal ARNs, Principal "*" and TlsVersion "1.3"', () => {
    expectCompliant(RULE, (stack) =>
      rawBucketWithPolicy(
        stack,
        () => [
          deny(['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'], { Bool: { 'aws:SecureTransport': false } }, { Principal: '*' }),
          deny(['arn:aws:s3:::hds-docs*'], { NumericLessThan: { 's3:TlsVersion': '1.3' } }, { Action: ['s3:*'] }),
        ],
        'hds-docs',
      ),
    );
  });

  it('P4: ARNs written with Fn::Sub (${Bucket} and ${AWS::Partition}), condition keys in another case', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = new s3.CfnBucket(stack, 'Raw', {});
      bucket.overrideLogicalId('Docs');
      const arns = [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Docs}' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Docs}/*' }];
      new s3.CfnBucketPolicy(stack, 'RawPolicy', {
        bucket: bucket.ref,
        policyDocument: {
          Statement: [deny(arns, { Bool: { 'aws:securetransport': 'false' } }), deny(['*'], { NumericLessThan: { 'S3:TlsVersion': 1.2 } }, { Action: '*' })],
        },
      });
    });
  });

  it('P6: a bucket with a literal name, its policy naming the bucket by that literal name', () => {
    expectCompliant(RULE, (stack) => {
      new s3.CfnBucket(stack, 'Raw', { bucketName: 'hds-docs' });
      const arns = ['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'];
      new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: 'hds-docs', policyDocument: { Statement: [deny(arns, insecure), deny(arns, oldTls)] } });
    });
  });

  it('P7: condition values as lists (values OR): SecureTransport [false], TlsVersion [1.0, 1.2]', () => {
    expectCompliant(RULE, (stack) =>
      rawBucketWithPolicy(stack, (b) => [
        deny(both(b), { Bool: { 'aws:SecureTransport': ['false'] } }),
        deny(both(b), { NumericLessThan: { 's3:TlsVersion': ['1.0', '1.2'] } }),
      ]),
    );
  });

  it('P5: a bucket policy added statement by statement (addToResourcePolicy)', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      for (const conditions of [insecure, oldTls]) {
        bucket.addToResourcePolicy(
          new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['s3:*'], resources: [bucket.bucketArn, bucket.arnForObjects('*')], conditions }),
        );
      }
    });
  });
});
