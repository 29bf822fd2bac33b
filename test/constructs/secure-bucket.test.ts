import { Duration, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket, type SecureBucketProps } from '../../lib/constructs/secure-bucket';
import { testStack } from '../support/app';

const REASON = 'test: this is the access-log bucket';

interface Built {
  stack: Stack;
  bucket: SecureBucket;
  key: kms.Key;
  logs: s3.Bucket;
}

/** A SecureBucket with a KMS key and access logs unless `props` says otherwise. */
function build(props: (built: Omit<Built, 'bucket'>) => Partial<SecureBucketProps> = () => ({})): Built {
  const stack = testStack();
  const key = new kms.Key(stack, 'Key');
  const logs = new s3.Bucket(stack, 'AccessLogs');
  const bucket = new SecureBucket(stack, 'Bucket', {
    encryption: { key },
    serverAccessLogs: { bucket: logs, prefix: 'bucket/' },
    ...props({ stack, key, logs }),
  });
  return { stack, bucket, key, logs };
}

/** The synthesized bucket and the statements of its policy. */
function synth(built: Built) {
  const template = Template.fromStack(built.stack);
  const id = built.stack.getLogicalId(built.bucket.bucket.node.defaultChild as CfnElement);
  const policies = Object.values(
    template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: id } } }),
  ) as { Properties: { PolicyDocument: { Statement: unknown[] } } }[];
  expect(policies).toHaveLength(1);
  return {
    template,
    id,
    resource: template.toJSON().Resources[id],
    statements: policies[0].Properties.PolicyDocument.Statement,
  };
}

describe('SecureBucket', () => {
  describe.each([
    ['a KMS key', build()],
    [
      'SSE-S3 and no access logs, with reasons',
      build(() => ({
        encryption: { s3Managed: true, reason: REASON },
        serverAccessLogs: undefined,
        accessLogsReason: REASON,
      })),
    ],
  ])('hardening that does not depend on the props (%s)', (_label, built) => {
    const { template, id, resource, statements } = synth(built);

    test('blocks all public access, versions objects, enforces ownership, is retained', () => {
      expect(resource).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: 'Enabled' },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        },
      });
      expect(resource.Properties.AccessControl).toBeUndefined();
      expect(resource.Properties.ObjectLockEnabled).toBeUndefined();
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    });

    test('ENC-03: denies every request without TLS, and below TLS 1.2, on the bucket and its objects', () => {
      const arn = { 'Fn::GetAtt': [id, 'Arn'] };
      const resources = [arn, { 'Fn::Join': ['', [arn, '/*']] }];
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: resources,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: resources,
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          },
        ]),
      );
    });

    test('grants nothing to anyone', () => {
      expect(statements.filter((s) => (s as { Effect: string }).Effect === 'Allow')).toEqual([]);
    });
  });

  describe('ENC-02: encryption', () => {
    test('a KMS key gives SSE-KMS with that key and a bucket key', () => {
      const built = build();
      const keyId = built.stack.getLogicalId(built.key.node.defaultChild as CfnElement);
      expect(synth(built).resource.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        ],
      });
    });

    test('s3Managed gives SSE-S3', () => {
      const built = build(() => ({ encryption: { s3Managed: true, reason: REASON } }));
      expect(synth(built).resource.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    });

    test.each(['', '   '])('s3Managed with reason %j is refused', (reason) => {
      expect(() => build(() => ({ encryption: { s3Managed: true, reason } }))).toThrow(/encryption\.reason is empty/);
    });
  });

  describe('LOG-05: server access logs', () => {
    test('go to the given bucket and prefix', () => {
      const built = build();
      expect(synth(built).resource.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: built.stack.getLogicalId(built.logs.node.defaultChild as CfnElement) },
        LogFilePrefix: 'bucket/',
      });
    });

    test.each([
      ['no reason', undefined],
      ['an empty reason', ''],
      ['a reason of spaces only', '   '],
    ])('missing, with %s, are refused', (_label, accessLogsReason) => {
      const withoutLogs = () => build(() => ({ serverAccessLogs: undefined, accessLogsReason }));
      expect(withoutLogs).toThrow(/serverAccessLogs is missing/);
    });

    test('may be absent with a reason (the access-log bucket itself)', () => {
      const built = build(() => ({ serverAccessLogs: undefined, accessLogsReason: REASON }));
      expect(synth(built).resource.Properties.LoggingConfiguration).toBeUndefined();
    });
  });

  describe('LOG-03, DATA-01: Object Lock', () => {
    test.each(['COMPLIANCE', 'GOVERNANCE'] as const)('%s mode with a default retention in days', (mode) => {
      const built = build(() => ({ objectLock: { mode, days: 3650 } }));
      expect(synth(built).resource.Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: mode, Days: 3650 } },
        },
      });
    });

    test('off unless asked for', () => {
      const props = synth(build()).resource.Properties;
      expect(props.ObjectLockEnabled).toBeUndefined();
      expect(props.ObjectLockConfiguration).toBeUndefined();
    });
  });

  test('passes lifecycle rules through', () => {
    const built = build(() => ({
      lifecycleRules: [{ id: 'expire', expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(30) }],
    }));
    expect(synth(built).resource.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'expire', Status: 'Enabled', ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 30 } },
      ],
    });
  });
});
