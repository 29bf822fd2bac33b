import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { LogArchive, type LogArchiveProps } from '../../lib/constructs/log-archive';
import { testStack } from '../support/app';

interface Built {
  stack: Stack;
  archive: LogArchive;
  key: kms.Key;
  template: Template;
}

function build(props: Partial<Omit<LogArchiveProps, 'logsKey'>> = {}): Built {
  const stack = testStack();
  const key = new kms.Key(stack, 'LogsKey');
  const archive = new LogArchive(stack, 'LogArchive', {
    logsKey: key,
    retentionDays: 400,
    lockMode: 'COMPLIANCE',
    ...props,
  });
  return { stack, archive, key, template: Template.fromStack(stack) };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The bucket resource as synthesized, by its L2. */
function bucketResource(built: Built, bucket: s3.Bucket) {
  return built.template.toJSON().Resources[logicalId(built.stack, bucket)];
}

/** The statements of the policy attached to a bucket. */
function policyStatements(built: Built, bucket: s3.Bucket): unknown[] {
  const policies = built.template.findResources('AWS::S3::BucketPolicy', {
    Properties: { Bucket: { Ref: logicalId(built.stack, bucket) } },
  });
  expect(Object.keys(policies)).toHaveLength(1);
  return (Object.values(policies)[0] as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties
    .PolicyDocument.Statement;
}

describe('LogArchive', () => {
  const built = build();

  describe('LOG-03: the archive bucket locks traces for their retention', () => {
    test.each(['COMPLIANCE', 'GOVERNANCE'] as const)('Object Lock in %s mode for retentionDays', (lockMode) => {
      const b = build({ lockMode, retentionDays: 730 });
      expect(bucketResource(b, b.archive.archive).Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: lockMode, Days: 730 } },
        },
      });
    });

    // S3 cannot deliver server access logs to a bucket with a default Object Lock retention.
    test('the access-log bucket has no Object Lock', () => {
      const props = bucketResource(built, built.archive.accessLogs).Properties;
      expect(props.ObjectLockEnabled).toBeUndefined();
      expect(props.ObjectLockConfiguration).toBeUndefined();
    });

    test('the archive is encrypted with the logs key and a bucket key', () => {
      expect(bucketResource(built, built.archive.archive).Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(built.stack, built.key), 'Arn'] },
            },
          },
        ],
      });
    });

    test('the archive logs its access into the access-log bucket', () => {
      expect(bucketResource(built, built.archive.archive).Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logicalId(built.stack, built.archive.accessLogs) },
        LogFilePrefix: 'log-archive/',
      });
    });

    test('the archive records its controls', () => {
      expect(bucketResource(built, built.archive.archive).Metadata[CONTROLS_METADATA_KEY]).toEqual(
        expect.arrayContaining(['LOG-01', 'LOG-03', 'ENC-02', 'ENC-03']),
      );
    });
  });

  describe('LOG-05: the access-log bucket', () => {
    test('uses SSE-S3, the one documented exception to ENC-02', () => {
      expect(bucketResource(built, built.archive.accessLogs).Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    });

    test('admits S3 log delivery only from the archive bucket of this account', () => {
      expect(policyStatements(built, built.archive.accessLogs)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(built.stack, built.archive.archive), 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': '111111111111' },
            },
          }),
        ]),
      );
    });

    test('does not log into itself', () => {
      expect(bucketResource(built, built.archive.accessLogs).Properties.LoggingConfiguration).toBeUndefined();
      expect(bucketResource(built, built.archive.accessLogs).Metadata[CONTROLS_METADATA_KEY]).toEqual(['LOG-05']);
    });
  });

  describe.each([
    ['access-log', (a: LogArchive) => a.accessLogs],
    ['archive', (a: LogArchive) => a.archive],
  ])('the %s bucket is hardened', (_name, select) => {
    const bucket = () => select(built.archive);

    test('blocks all public access, versions objects, enforces ownership and is retained', () => {
      const resource = bucketResource(built, bucket());
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
    });

    test('denies requests without TLS and below TLS 1.2', () => {
      const arn = { 'Fn::GetAtt': [logicalId(built.stack, bucket()), 'Arn'] };
      const resources = [arn, { 'Fn::Join': ['', [arn, '/*']] }];
      expect(policyStatements(built, bucket())).toEqual(
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

    test('expires current and noncurrent versions after the trace retention, not before', () => {
      expect(bucketResource(built, bucket()).Properties.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 400 } }),
      ]);
    });
  });

  describe('validation', () => {
    test.each([364, 0, -1, 400.5])('refuses retentionDays = %p', (retentionDays) => {
      expect(() => build({ retentionDays })).toThrow(/retentionDays is .*365/);
    });

    test('accepts exactly 365 days', () => {
      const b = build({ retentionDays: 365 });
      const lock = bucketResource(b, b.archive.archive).Properties.ObjectLockConfiguration;
      expect(lock.Rule.DefaultRetention.Days).toBe(365);
    });
  });
});
