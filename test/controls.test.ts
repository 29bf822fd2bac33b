import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CONTROLS_METADATA_KEY, recordControls, recordedControls } from '../lib/controls';
import type { ControlId } from '../policies/catalogue';
import { testStack } from './support/app';

/** The template Metadata of the bucket's CloudFormation resource. */
function metadataOf(bucket: s3.Bucket): Record<string, unknown> | undefined {
  const stack = bucket.stack;
  const logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  return Template.fromStack(stack).toJSON().Resources[logicalId].Metadata;
}

describe('recordControls', () => {
  it('uses the metadata key hds:controls', () => {
    expect(CONTROLS_METADATA_KEY).toBe('hds:controls');
  });

  it('writes the ids, sorted and de-duplicated, under Metadata "hds:controls" of the L2 default child', () => {
    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    recordControls(bucket, 'LOG-05', 'ENC-02', 'LOG-05', 'BAK-02');
    recordControls(bucket, 'ENC-02', 'ENC-03');
    expect(metadataOf(bucket)).toMatchObject({ 'hds:controls': ['BAK-02', 'ENC-02', 'ENC-03', 'LOG-05'] });
    expect(recordedControls(bucket)).toEqual(['BAK-02', 'ENC-02', 'ENC-03', 'LOG-05']);
  });

  it('accepts the L1 resource itself', () => {
    const stack = testStack();
    const cfn = new s3.CfnBucket(stack, 'Raw');
    recordControls(cfn, 'NET-01');
    expect(Template.fromStack(stack).toJSON().Resources.Raw.Metadata).toStrictEqual({ 'hds:controls': ['NET-01'] });
  });

  it('throws on an unknown control id, naming it and the construct, and records nothing', () => {
    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(() => recordControls(bucket, 'ENC-01', 'XYZ-99' as ControlId)).toThrow(
      /^TestStack\/Bucket: unknown control id "XYZ-99"$/,
    );
    expect(recordedControls(bucket)).toEqual([]);
    expect(metadataOf(bucket)?.['hds:controls']).toBeUndefined();
  });

  it('throws on a construct without a CloudFormation default child', () => {
    const stack = testStack();
    const group = new Construct(stack, 'Group');
    expect(() => recordControls(group, 'ENC-01')).toThrow(
      /^TestStack\/Group: cannot record controls on a construct without a CloudFormation resource/,
    );
    expect(() => recordedControls(group)).toThrow(/TestStack\/Group: cannot record controls/);
  });

  it('recordedControls is empty for a resource with none', () => {
    const stack = testStack();
    expect(recordedControls(new s3.Bucket(stack, 'Bucket'))).toEqual([]);
  });
});
