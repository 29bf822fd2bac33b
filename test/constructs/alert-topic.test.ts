import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlertTopic } from '../../lib/constructs/alert-topic';
import { testStack } from '../support/app';

describe('AlertTopic (DET-03)', () => {
  const stack = testStack();
  const key = new kms.Key(stack, 'LogsKey');
  const alerts = new AlertTopic(stack, 'Alerts', { key, email: 'soc@editor.example' });
  const template = Template.fromStack(stack);
  const topicId = stack.getLogicalId(alerts.topic.node.defaultChild as CfnElement);
  const keyId = stack.getLogicalId(key.node.defaultChild as CfnElement);

  test('is encrypted with the given key', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(template.toJSON().Resources[topicId].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('has exactly one subscription: e-mail to the configured address', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0].Properties).toEqual({
      Protocol: 'email',
      Endpoint: 'soc@editor.example',
      TopicArn: { Ref: topicId },
    });
  });

  test('its policy denies publishing without TLS, to everyone', () => {
    const policies = Object.values(
      template.findResources('AWS::SNS::TopicPolicy', { Properties: { Topics: [{ Ref: topicId }] } }),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement as Record<string, unknown>[];
    const tlsDenies = statements.filter(
      (s) =>
        s.Effect === 'Deny' &&
        JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
    );
    expect(tlsDenies).toHaveLength(1);
    // "*" and { AWS: "*" } both mean every principal.
    expect(['*', { AWS: '*' }]).toContainEqual(tlsDenies[0].Principal);
    expect(tlsDenies[0].Resource).toEqual({ Ref: topicId });
    expect([tlsDenies[0].Action].flat()).toContain('sns:Publish');
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
  });
});
