import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { applyPlatformTags } from '../../lib/aspects/tags';
import { testConfig, testStack } from '../support/app';

describe('applyPlatformTags', () => {
  it('puts hds:environment, hds:stage, hds:managed-by and the editor tags on a taggable resource', () => {
    const stack = testStack();
    new sns.Topic(stack, 'Topic');
    applyPlatformTags(stack, testConfig({ environment: 'teleconsult', stage: 'staging', tags: { 'cost-centre': 'R&D-42', owner: 'platform' } }));

    const topics = Template.fromStack(stack).findResources('AWS::SNS::Topic');
    const [topic] = Object.values(topics);
    // CloudFormation tags come out sorted by key.
    expect(topic.Properties.Tags).toStrictEqual([
      { Key: 'cost-centre', Value: 'R&D-42' },
      { Key: 'hds:environment', Value: 'teleconsult' },
      { Key: 'hds:managed-by', Value: 'hds-blueprint' },
      { Key: 'hds:stage', Value: 'staging' },
      { Key: 'owner', Value: 'platform' },
    ]);
  });

  it('with the default config, tags the platform name "hds" and the stage "production" only', () => {
    const stack = testStack();
    new s3.Bucket(stack, 'Bucket');
    applyPlatformTags(stack, testConfig());

    const [bucket] = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket'));
    expect(bucket.Properties.Tags).toStrictEqual([
      { Key: 'hds:environment', Value: 'hds' },
      { Key: 'hds:managed-by', Value: 'hds-blueprint' },
      { Key: 'hds:stage', Value: 'production' },
    ]);
  });

  it('reaches resources nested below the scope, and not those outside it', () => {
    const stack = testStack();
    const tagged = new Construct(stack, 'Tagged');
    const inner = new sns.Topic(new Construct(tagged, 'Deep'), 'Inner');
    const outside = new sns.Topic(stack, 'Outside');
    applyPlatformTags(tagged, testConfig({ stage: 'development' }));

    const topics = Template.fromStack(stack).findResources('AWS::SNS::Topic');
    const logicalId = (topic: sns.Topic) => stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic);
    expect(topics[logicalId(inner)].Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'hds:stage', Value: 'development' }]));
    expect(topics[logicalId(outside)]).toBeDefined();
    expect(topics[logicalId(outside)].Properties?.Tags).toBeUndefined();
  });
});
