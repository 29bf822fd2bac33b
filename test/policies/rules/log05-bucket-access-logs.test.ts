import { Fn } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { expectCompliant } from '../support';
import { expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG05-BucketAccessLogs';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a bucket with no server access logs', () => {
    expectNonCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket'), ['TestStack/Bucket/Resource']);
  });

  it('F2: a raw L1 bucket with a LoggingConfiguration that names no destination', () => {
    expectNonCompliant(RULE, (stack) => new s3.CfnBucket(stack, 'Raw', { loggingConfiguration: { logFilePrefix: 'raw/' } }), ['TestStack/Raw']);
  });

  it('F3: access logs removed by an escape-hatch override', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const logs = new s3.Bucket(stack, 'AccessLogs');
        const bucket = new s3.Bucket(stack, 'Bucket', { serverAccessLogsBucket: logs });
        (bucket.node.defaultChild as s3.CfnBucket).addPropertyDeletionOverride('LoggingConfiguration');
      },
      // The access-log bucket itself is reported too: its exception is an acknowledgement, not a rule case.
      ['TestStack/AccessLogs/Resource', 'TestStack/Bucket/Resource'],
    );
  });

  it('F4: a LoggingConfiguration chosen by a condition (Fn::If) cannot be evaluated: an evaluation error that names it', () => {
    expectEvaluationErrorNaming(
      RULE,
      (stack) => {
        new s3.CfnBucket(stack, 'Raw').addPropertyOverride(
          'LoggingConfiguration',
          Fn.conditionIf('Logged', { DestinationBucketName: 'access-logs' }, { Ref: 'AWS::NoValue' }),
        );
      },
      'TestStack/Raw',
      /TestStack\/Raw LoggingConfiguration cannot be evaluated/,
    );
  });

  it('F5: a DestinationBucketName chosen by a condition cannot be evaluated: an evaluation error that names it', () => {
    expectEvaluationErrorNaming(
      RULE,
      (stack) => {
        new s3.CfnBucket(stack, 'Raw').addPropertyOverride('LoggingConfiguration.DestinationBucketName', Fn.conditionIf('Logged', 'access-logs', { Ref: 'AWS::NoValue' }));
      },
      'TestStack/Raw',
      /TestStack\/Raw DestinationBucketName cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a bucket logging to the access-log bucket (only that one is reported)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const logs = new s3.Bucket(stack, 'AccessLogs');
        new s3.Bucket(stack, 'Bucket', { serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'bucket/' });
      },
      ['TestStack/AccessLogs/Resource'],
    );
  });

  it('P2: a raw L1 bucket logging to a bucket named literally', () => {
    expectCompliant(RULE, (stack) => new s3.CfnBucket(stack, 'Raw', { loggingConfiguration: { destinationBucketName: 'access-logs' } }));
  });

  it('P3: resources that are not buckets are not applicable', () => {
    expectCompliant(RULE, (stack) => new sns.Topic(stack, 'Topic'));
  });
});
