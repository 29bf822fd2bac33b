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
    // The one Allow: this account's CloudWatch alarms publish (the TLS-only policy replaced SNS's default one).
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Sid: 'CloudWatchAlarmsOfThisAccountPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111111111111' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-3:111111111111:alarm:*' },
        },
      },
    ]);
  });
});

describe('AlertTopic with an on-call HTTPS endpoint', () => {
  const build = (httpsEndpoint: string) => {
    const stack = testStack();
    const alerts = new AlertTopic(stack, 'Alerts', { key: new kms.Key(stack, 'LogsKey'), email: 'soc@editor.example', httpsEndpoint });
    return { stack, alerts };
  };

  test('subscribes it with the https protocol, besides the e-mail address', () => {
    const { stack, alerts } = build('https://events.oncall.example/integration/sns/abc123');
    const topicId = stack.getLogicalId(alerts.topic.node.defaultChild as CfnElement);
    const subscriptions = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions).toContainEqual({
      Protocol: 'https',
      Endpoint: 'https://events.oncall.example/integration/sns/abc123',
      TopicArn: { Ref: topicId },
    });
    expect(subscriptions).toContainEqual({ Protocol: 'email', Endpoint: 'soc@editor.example', TopicArn: { Ref: topicId } });
  });

  test.each(['http://events.oncall.example/sns', 'events.oncall.example/sns', 'ftp://events.oncall.example', 'https://'])(
    'refuses %p, naming the prop, the value and what is allowed',
    (endpoint) => {
      expect(() => build(endpoint)).toThrow(
        `TestStack/Alerts: httpsEndpoint is "${endpoint}"; allowed: an absolute https:// URL`,
      );
    },
  );
});
