import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, acknowledgementsOf, type Acknowledgement } from '../lib/acknowledgements';
import type { ControlId } from '../policies/catalogue';
import { testApp, testStack } from './support/app';

const REASON = 'S3 cannot deliver server access logs to an SSE-KMS bucket';

describe('acknowledge', () => {
  it('records <plugin>::<rule> with the reason prefixed by [CONTROL], as CDK acknowledgement metadata', () => {
    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'AccessLogs');
    acknowledge(bucket, { plugin: 'AwsSolutions', rule: 'AwsSolutions-S1', control: 'ENC-02', reason: REASON });

    const entries = bucket.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(entries.map((m) => m.data)).toStrictEqual([{ 'AwsSolutions::AwsSolutions-S1': `[ENC-02] ${REASON}` }]);
  });

  it('keeps a rule id with a bracketed suffix intact', () => {
    const stack = testStack();
    acknowledge(stack, {
      plugin: 'AwsSolutions',
      rule: 'AwsSolutions-IAM5[Action::s3:*]',
      control: 'IAM-02',
      reason: 'ENI management APIs accept no resource-level permissions',
    });
    expect(acknowledgementsOf(stack).map((a) => a.id)).toEqual(['AwsSolutions::AwsSolutions-IAM5[Action::s3:*]']);
  });

  it.each(['', 'because', '   too short, padded      ', 'x'.repeat(19)])('refuses the too-short reason %j', (reason) => {
    const stack = testStack();
    expect(() => acknowledge(stack, { plugin: 'HdsChecks', rule: 'HDS-LOG-04', control: 'LOG-04', reason })).toThrow(
      new RegExp(`^TestStack: acknowledgement of HDS-LOG-04 needs a reason that says what compensates for it \\(received "${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\)$`),
    );
    expect(acknowledgementsOf(stack)).toEqual([]);
  });

  it('accepts a reason of exactly 20 characters', () => {
    const stack = testStack();
    acknowledge(stack, { plugin: 'HdsChecks', rule: 'HDS-LOG-04', control: 'LOG-04', reason: 'y'.repeat(20) });
    expect(acknowledgementsOf(stack)).toHaveLength(1);
  });

  it('refuses a control id that is not in the catalogue', () => {
    const stack = testStack();
    const ack: Acknowledgement = { plugin: 'AwsSolutions', rule: 'AwsSolutions-S1', control: 'ENC-99' as ControlId, reason: REASON };
    expect(() => acknowledge(stack, ack)).toThrow(/^TestStack: acknowledgement of AwsSolutions-S1 names unknown control "ENC-99"$/);
  });
});

describe('acknowledgementsOf', () => {
  it('lists every acknowledgement under a scope with its construct path, in tree order', () => {
    const app = testApp();
    const stack = testStack(app);
    const bucket = new s3.Bucket(stack, 'AccessLogs');
    acknowledge(stack, { plugin: 'HIPAA.Security', rule: 'HIPAA.Security-S3BucketReplicationEnabled', control: 'RES-02', reason: 'replication out of the region conflicts with data residency' });
    acknowledge(bucket, { plugin: 'AwsSolutions', rule: 'AwsSolutions-S1', control: 'ENC-02', reason: REASON });
    acknowledge(bucket, { plugin: 'CloudFormation-Validate', rule: 'W3045', control: 'LOG-05', reason: 'access logs are delivered through a bucket policy' });

    expect(acknowledgementsOf(app)).toStrictEqual([
      {
        path: 'TestStack',
        id: 'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled',
        reason: '[RES-02] replication out of the region conflicts with data residency',
      },
      { path: 'TestStack/AccessLogs', id: 'AwsSolutions::AwsSolutions-S1', reason: `[ENC-02] ${REASON}` },
      { path: 'TestStack/AccessLogs', id: 'CloudFormation-Validate::W3045', reason: '[LOG-05] access logs are delivered through a bucket policy' },
    ]);
    // Scoped to the bucket: the stack's own acknowledgement is above it.
    expect(acknowledgementsOf(bucket).map((a) => a.id)).toEqual(['AwsSolutions::AwsSolutions-S1', 'CloudFormation-Validate::W3045']);
  });

  it('also lists acknowledgements made directly through Validations (plain or qualified ids)', () => {
    const stack = testStack();
    Validations.of(stack).acknowledge({ id: 'HdsChecks::HDS-RES-01', reason: 'written without the helper' });
    expect(acknowledgementsOf(stack)).toStrictEqual([{ path: 'TestStack', id: 'HdsChecks::HDS-RES-01', reason: 'written without the helper' }]);
  });

  it('is empty when nothing is acknowledged', () => {
    expect(acknowledgementsOf(testStack())).toEqual([]);
  });
});
