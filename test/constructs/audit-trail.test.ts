import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { AuditTrail } from '../../lib/constructs/audit-trail';
import { testStack } from '../support/app';

interface Built {
  stack: Stack;
  trail: AuditTrail;
  key: kms.Key;
  archive: s3.Bucket;
  healthData: s3.Bucket[];
}

function build(healthDataCount = 2): Built {
  const stack = testStack();
  const key = new kms.Key(stack, 'LogsKey');
  const archive = new s3.Bucket(stack, 'Archive');
  const healthData = Array.from({ length: healthDataCount }, (_, i) => new s3.Bucket(stack, `HealthData${i}`));
  const trail = new AuditTrail(stack, 'Audit', {
    trailName: 'hds-trail',
    archive,
    logsKey: key,
    retention: logs.RetentionDays.TWO_YEARS,
    healthDataBuckets: healthData,
  });
  return { stack, trail, key, archive, healthData };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** `{ Fn::GetAtt: [id, Arn] }` as it appears in the template (not `stack.resolve`, which adds a symbol). */
function arnOf(stack: Stack, construct: IConstruct) {
  return { 'Fn::GetAtt': [logicalId(stack, construct), 'Arn'] };
}

describe('AuditTrail', () => {
  const built = build();
  const { stack } = built;
  const template = Template.fromStack(stack);
  const logGroupArn = arnOf(stack, built.trail.logGroup);

  test('LOG-01: one multi-region trail with file validation and global events, encrypted, into the archive', () => {
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'hds-trail',
      IsLogging: true,
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IncludeGlobalServiceEvents: true,
      KMSKeyId: arnOf(stack, built.key),
      S3BucketName: { Ref: logicalId(stack, built.archive) },
      CloudWatchLogsLogGroupArn: logGroupArn,
      CloudWatchLogsRoleArn: Match.anyValue(),
    });
  });

  test('LOG-01: every management event, read and write, is recorded', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: Match.arrayWith([{ IncludeManagementEvents: true, ReadWriteType: 'All' }]),
    });
  });

  test('LOG-02: every object of every health-data bucket is recorded, read and write', () => {
    const objectsOf = (bucket: s3.Bucket) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, bucket), 'Arn'] }, '/']],
    });
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: Match.arrayWith([
        {
          IncludeManagementEvents: false,
          ReadWriteType: 'All',
          DataResources: [{ Type: 'AWS::S3::Object', Values: built.healthData.map(objectsOf) }],
        },
      ]),
    });
  });

  test('the trail records LOG-01 and LOG-02', () => {
    template.hasResource('AWS::CloudTrail::Trail', {
      Metadata: { [CONTROLS_METADATA_KEY]: ['LOG-01', 'LOG-02'] },
    });
  });

  test('LOG-04: the trail log group is encrypted with the logs key, retained for the given period and kept', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: arnOf(stack, built.key), RetentionInDays: 731 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Metadata: { [CONTROLS_METADATA_KEY]: ['LOG-01', 'LOG-04'] },
    });
  });

  test('CloudTrail writes to that log group only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'sts:AssumeRole' })],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArn }],
      },
    });
  });

  test('the trail waits for the archive bucket policy that lets CloudTrail deliver', () => {
    const [policyId] = Object.keys(
      template.findResources('AWS::S3::BucketPolicy', {
        Properties: { Bucket: { Ref: logicalId(stack, built.archive) } },
      }),
    );
    expect(policyId).toBeDefined();
    template.hasResource('AWS::CloudTrail::Trail', { DependsOn: Match.arrayWith([policyId]) });
  });

  test('refuses an empty list of health-data buckets (LOG-02)', () => {
    expect(() => build(0)).toThrow(/healthDataBuckets is empty/);
  });
});
