import { Duration, Stack, type App } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { AlertTopic } from '../../../lib/constructs/alert-topic';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter } from './hds-fixtures';

const RULE = 'HDS-DET03-AlertsReachAPerson';
const ALARM = 'TestStack/Alarm/Resource';
const TOPIC = 'TestStack/Topic/Resource';

function alarm(scope: Construct, action?: cloudwatch.IAlarmAction, props: Partial<cloudwatch.AlarmProps> = {}): cloudwatch.Alarm {
  const a = new cloudwatch.Alarm(scope, 'Alarm', {
    metric: new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    ...props,
  });
  if (action) a.addAlarmAction(action);
  return a;
}

function topic(scope: Construct, options: { encrypted?: boolean; subscribed?: boolean; name?: string } = {}): sns.Topic {
  const t = new sns.Topic(scope, 'Topic', {
    masterKey: options.encrypted === false ? undefined : new kms.Key(scope, 'TopicKey'),
    topicName: options.name,
  });
  if (options.subscribed !== false) t.addSubscription(new subscriptions.EmailSubscription('security@example.com'));
  return t;
}

function onKeyDeletion(scope: Construct, target: sns.ITopic): events.Rule {
  return new events.Rule(scope, 'KeyDeletion', {
    eventPattern: { source: ['aws.kms'], detailType: ['AWS API Call via CloudTrail'], detail: { eventName: ['ScheduleKeyDeletion'] } },
    targets: [new targets.SnsTopic(target)],
  });
}

function otherStack(app: App): Stack {
  return new Stack(app, 'Alerts', { env: { account: '111111111111', region: 'eu-west-3' } });
}

const FOREIGN = (topicProperties: Record<string, unknown>) => ({
  Topic: { Type: 'AWS::SNS::Topic', Properties: topicProperties },
  Alarm: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmActions: [{ Ref: 'Topic' }],
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      MetricName: 'Errors',
      Namespace: 'Test',
      Period: 300,
      Statistic: 'Sum',
      Threshold: 1,
    },
  },
});

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an alarm with no alarm action', () => {
    expectNonCompliant(RULE, (stack) => alarm(stack), [ALARM]);
  });

  it('F2: an alarm with an action but actions disabled', () => {
    expectNonCompliant(RULE, (stack) => alarm(stack, new cwActions.SnsAction(topic(stack)), { actionsEnabled: false }), [ALARM]);
  });

  it('F3: an alarm that only notifies when it returns to OK', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const a = alarm(stack);
        a.addOkAction(new cwActions.SnsAction(topic(stack)));
      },
      [ALARM],
    );
  });

  it('F4: the alarm topic is not KMS-encrypted', () => {
    expectNonCompliant(RULE, (stack) => alarm(stack, new cwActions.SnsAction(topic(stack, { encrypted: false }))), [TOPIC]);
  });

  it('F5: the alarm topic has no subscription', () => {
    expectNonCompliant(RULE, (stack) => alarm(stack, new cwActions.SnsAction(topic(stack, { subscribed: false }))), [TOPIC]);
  });

  it('F6: an EventBridge rule sends to a topic neither encrypted nor subscribed', () => {
    expectNonCompliant(RULE, (stack) => onKeyDeletion(stack, topic(stack, { encrypted: false, subscribed: false })), [TOPIC]);
  });

  it('F7: a composite alarm with no action', () => {
    expectNonCompliant(
      RULE,
      (stack) => new cloudwatch.CompositeAlarm(stack, 'Composite', { alarmRule: cloudwatch.AlarmRule.fromAlarm(alarm(stack, new cwActions.SnsAction(topic(stack))), cloudwatch.AlarmState.ALARM) }),
      ['TestStack/Composite/Resource'],
    );
  });

  it('F8: an alarm naming, by literal ARN, a topic of the app that has no subscription', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        topic(stack, { name: 'alerts', subscribed: false });
        new cloudwatch.CfnAlarm(stack, 'Raw', {
          alarmActions: ['arn:aws:sns:eu-west-3:111111111111:alerts'],
          comparisonOperator: 'GreaterThanThreshold',
          evaluationPeriods: 1,
          metricName: 'Errors',
          namespace: 'Test',
          period: 300,
          statistic: 'Sum',
          threshold: 1,
        });
      },
      [TOPIC],
    );
  });

  it('F9: a foreign template alarm whose topic is not encrypted', () => {
    expectNonCompliant(
      RULE,
      (stack) => includeTemplate(stack, FOREIGN({ Subscription: [{ Protocol: 'email', Endpoint: 'security@example.com' }] })),
      ['TestStack/Foreign/Topic'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: AlertTopic, the platform construct, as the action of an alarm and the target of an EventBridge rule', () => {
    expectCompliant(RULE, (stack) => {
      const alerts = new AlertTopic(stack, 'Alerts', { key: new kms.Key(stack, 'Key'), email: 'security@example.com' }).topic;
      alarm(stack, new cwActions.SnsAction(alerts));
      onKeyDeletion(stack, alerts);
    });
  });

  it('P2: the topic and its subscription in another stack (cross-stack reference)', () => {
    expectCompliant(RULE, (stack, app) => alarm(stack, new cwActions.SnsAction(topic(otherStack(app)))));
  });

  it('P3: a topic with an inline Subscription property', () => {
    expectCompliant(RULE, (stack) => {
      const t = new sns.CfnTopic(stack, 'Raw', {
        kmsMasterKeyId: 'alias/alerts',
        subscription: [{ protocol: 'email', endpoint: 'security@example.com' }],
      });
      onKeyDeletion(stack, sns.Topic.fromTopicArn(stack, 'Imported', t.ref));
    });
  });

  it('P4: a topic no alarm or rule sends to is not judged', () => {
    expectCompliant(RULE, (stack) => topic(stack, { encrypted: false, subscribed: false }));
  });

  it('P5: an alarm that notifies a topic outside the app', () => {
    expectCompliant(RULE, (stack) =>
      alarm(stack, new cwActions.SnsAction(sns.Topic.fromTopicArn(stack, 'External', 'arn:aws:sns:eu-west-3:222222222222:oncall'))),
    );
  });

  it('P6: a foreign template alarm whose topic is encrypted and subscribed', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        ...FOREIGN({ KmsMasterKeyId: 'alias/alerts' }),
        Subscription: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Topic' }, Protocol: 'email', Endpoint: 'security@example.com' } },
      }),
    );
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: alarm actions from a template parameter (a list)', () => {
    expectEvaluationErrors(
      RULE,
      (stack) =>
        new cloudwatch.CfnAlarm(stack, 'Raw', {
          alarmActions: parameter(stack, 'Actions', 'CommaDelimitedList').valueAsList,
          comparisonOperator: 'GreaterThanThreshold',
          evaluationPeriods: 1,
          metricName: 'Errors',
          namespace: 'Test',
          period: 300,
          statistic: 'Sum',
          threshold: 1,
        }),
      ['TestStack/Raw'],
    );
  });

  it("E2: the only subscription names its topic through a template parameter", () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        alarm(stack, new cwActions.SnsAction(topic(stack, { subscribed: false })));
        new sns.CfnSubscription(stack, 'Subscription', { topicArn: parameter(stack).valueAsString, protocol: 'email', endpoint: 'a@example.com' });
      },
      [TOPIC],
    );
  });
});
