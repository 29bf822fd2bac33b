import { Duration, Fn, Stack, type App, type IResolvable } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { AlertTopic } from '../../../lib/constructs/alert-topic';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

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

/** An L1 alarm (`TestStack/Raw`) with the given actions, as a foreign template may declare it. */
function rawAlarm(scope: Construct, actions: Partial<cloudwatch.CfnAlarmProps>): cloudwatch.CfnAlarm {
  return new cloudwatch.CfnAlarm(scope, 'Raw', {
    comparisonOperator: 'GreaterThanThreshold',
    evaluationPeriods: 1,
    metricName: 'Errors',
    namespace: 'Test',
    period: 300,
    statistic: 'Sum',
    threshold: 1,
    ...actions,
  });
}

/** A topic outside the app. */
const ONCALL = 'arn:aws:sns:eu-west-3:222222222222:oncall';

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

  it('F10: an alarm that only notifies a topic that is not encrypted, when it returns to OK', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const a = alarm(stack);
        a.addOkAction(new cwActions.SnsAction(topic(stack, { encrypted: false })));
      },
      [ALARM, TOPIC],
    );
  });

  it('F11: an alarm that only notifies a topic that is not encrypted, on insufficient data', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const a = alarm(stack);
        a.addInsufficientDataAction(new cwActions.SnsAction(topic(stack, { encrypted: false })));
      },
      [ALARM, TOPIC],
    );
  });

  it("F12: ActionsEnabled is the string 'false' (an override, as a JSON template may write it)", () => {
    expectNonCompliant(
      RULE,
      (stack) => (alarm(stack, new cwActions.SnsAction(topic(stack))).node.defaultChild as cloudwatch.CfnAlarm).addPropertyOverride('ActionsEnabled', 'false'),
      [ALARM],
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

  it('P7: only the topic an alarm refers to is judged, not another topic of the app', () => {
    expectCompliant(RULE, (stack) => {
      alarm(stack, new cwActions.SnsAction(topic(stack)));
      new sns.CfnTopic(stack, 'Unused');
    });
  });

  it('P8: an alarm that notifies a topic outside the app by ARN; a named topic of the app is not that topic', () => {
    expectCompliant(RULE, (stack) => {
      rawAlarm(stack, { alarmActions: [ONCALL] });
      new sns.CfnTopic(stack, 'Internal', { topicName: 'internal' });
    });
  });

  it('P9: an alarm with an EC2 action (not a topic) besides its topic', () => {
    expectCompliant(RULE, (stack) => rawAlarm(stack, { alarmActions: [topic(stack).topicArn, 'arn:aws:automate:eu-west-3:ec2:stop'] }));
  });

  it('P10: actions explicitly enabled', () => {
    expectCompliant(RULE, (stack) => alarm(stack, new cwActions.SnsAction(topic(stack)), { actionsEnabled: true }));
  });

  it("P11: ActionsEnabled is the string 'true' (an override, as a JSON template may write it)", () => {
    expectCompliant(RULE, (stack) =>
      (alarm(stack, new cwActions.SnsAction(topic(stack))).node.defaultChild as cloudwatch.CfnAlarm).addPropertyOverride('ActionsEnabled', 'true'),
    );
  });

  it('P12: the alert topic is subscribed; another subscription names its topic through a template parameter', () => {
    expectCompliant(RULE, (stack) => {
      alarm(stack, new cwActions.SnsAction(topic(stack)));
      new sns.CfnSubscription(stack, 'Subscription', { topicArn: parameter(stack).valueAsString, protocol: 'email', endpoint: 'a@example.com' });
    });
  });

  it('P13: a topic of another name in an environment-agnostic stack cannot be the one an alarm names by ARN', () => {
    expectCompliant(RULE, (stack) => {
      topic(new Stack(stack.node.root as App, 'Agnostic'), { name: 'other', subscribed: false });
      rawAlarm(stack, { alarmActions: [ONCALL] });
    });
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  const UNEVALUABLE: [string, FixtureBuilder, string, RegExp][] = [
    [
      'E1: alarm actions from a template parameter (a list)',
      (stack) => rawAlarm(stack, { alarmActions: parameter(stack, 'Actions', 'CommaDelimitedList').valueAsList }),
      'TestStack/Raw',
      /TestStack\/Raw AlarmActions cannot be evaluated at synth: \{"Ref":"Actions"\}/,
    ],
    [
      'E2: the only subscription names its topic through a template parameter',
      (stack) => {
        alarm(stack, new cwActions.SnsAction(topic(stack, { subscribed: false })));
        new sns.CfnSubscription(stack, 'Subscription', { topicArn: parameter(stack).valueAsString, protocol: 'email', endpoint: 'a@example.com' });
      },
      TOPIC,
      /\[DET-03\] subscriptions could not be evaluated: TestStack\/Subscription TopicArn cannot be evaluated at synth: \{"Ref":"Param"\}/,
    ],
    [
      'E3: OK actions from a template parameter (a list): which topics they notify is not known',
      (stack) => {
        rawAlarm(stack, { alarmActions: [ONCALL], okActions: parameter(stack, 'Actions', 'CommaDelimitedList').valueAsList });
        topic(stack);
      },
      TOPIC,
      /\[DET-03\] alert routing could not be evaluated: TestStack\/Raw OKActions cannot be evaluated at synth: \{"Ref":"Actions"\}/,
    ],
    [
      'E4: two alarm actions from template parameters (every reason is given)',
      (stack) => {
        rawAlarm(stack, { alarmActions: [parameter(stack, 'A').valueAsString, parameter(stack, 'B').valueAsString] });
        topic(stack);
      },
      TOPIC,
      /\[DET-03\] alert routing could not be evaluated: TestStack\/Raw AlarmActions cannot be evaluated at synth: \{"Ref":"A"\}; TestStack\/Raw AlarmActions cannot be evaluated at synth: \{"Ref":"B"\}/,
    ],
    [
      'E5: the targets of an EventBridge rule chosen by an Fn::If',
      (stack) => {
        new events.CfnRule(stack, 'Rule', { eventPattern: { source: ['aws.kms'] }, targets: Fn.conditionIf('Chosen', [], []) as IResolvable });
        topic(stack);
      },
      TOPIC,
      /\[DET-03\] alert routing could not be evaluated: TestStack\/Rule Targets cannot be evaluated/,
    ],
    [
      'E6: the target of an EventBridge rule from a template parameter',
      (stack) => {
        new events.CfnRule(stack, 'Rule', { eventPattern: { source: ['aws.kms'] }, targets: [{ id: 'Target', arn: parameter(stack).valueAsString }] });
        topic(stack);
      },
      TOPIC,
      /\[DET-03\] alert routing could not be evaluated: TestStack\/Rule Targets Arn cannot be evaluated/,
    ],
    [
      'E7: ActionsEnabled from a template parameter',
      (stack) => (alarm(stack, new cwActions.SnsAction(topic(stack))).node.defaultChild as cloudwatch.CfnAlarm).addPropertyOverride('ActionsEnabled', parameter(stack).value),
      ALARM,
      /TestStack\/Alarm\/Resource ActionsEnabled cannot be evaluated at synth: \{"Ref":"Param"\}/,
    ],
    [
      'E8: the inline subscriptions of an alert topic chosen by an Fn::If',
      (stack) => {
        const t = new sns.CfnTopic(stack, 'Topic', { kmsMasterKeyId: 'alias/alerts', subscription: Fn.conditionIf('Chosen', [], []) as IResolvable });
        rawAlarm(stack, { alarmActions: [t.ref] });
      },
      'TestStack/Topic',
      /TestStack\/Topic Subscription cannot be evaluated/,
    ],
    [
      'E9: two subscriptions name their topic through template parameters (every reason is given)',
      (stack) => {
        alarm(stack, new cwActions.SnsAction(topic(stack, { subscribed: false })));
        new sns.CfnSubscription(stack, 'A', { topicArn: parameter(stack, 'TopicA').valueAsString, protocol: 'email', endpoint: 'a@example.com' });
        new sns.CfnSubscription(stack, 'B', { topicArn: parameter(stack, 'TopicB').valueAsString, protocol: 'email', endpoint: 'b@example.com' });
      },
      TOPIC,
      /\[DET-03\] subscriptions could not be evaluated: TestStack\/A TopicArn cannot be evaluated at synth: \{"Ref":"TopicA"\}; TestStack\/B TopicArn/,
    ],
    [
      'E10: an alarm names by ARN a topic whose name matches a topic of an environment-agnostic stack (its ARN is unknown at synth)',
      (stack) => {
        topic(new Stack(stack.node.root as App, 'Agnostic'), { name: 'alerts', subscribed: false });
        rawAlarm(stack, { alarmActions: ['arn:aws:sns:eu-west-3:111111111111:alerts'] });
      },
      // Judged on the topic, which may or may not be the one the alarm sends to.
      'Agnostic/Topic/Resource',
      /\[DET-03\] alert routing could not be evaluated: region of stack Agnostic cannot be evaluated at synth/,
    ],
  ];

  it.each(UNEVALUABLE)('%s: could not be evaluated, and the verbose pack names the property', (_what, build, path, reason) => {
    expectEvaluationErrors(RULE, build, [path]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });
});
