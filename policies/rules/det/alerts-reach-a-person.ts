import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule } from '../rule';
import { asList, get, UnresolvableValueError } from '../util';
import { appResources, arnOfResource, designation, perApp, propertiesWithReferences } from '../bak/support';

const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];

/** An SNS topic of the app, known by construct path and (when it has a literal name) by ARN. */
function topicArn(topic: CfnResource): string | undefined {
  const name = propertiesWithReferences(topic).TopicName;
  return typeof name === 'string' ? arnOfResource(topic, 'sns', name) : undefined;
}

/** Which topics of the app a value (an ARN or a reference) designates; throws when it cannot be told. */
function topicsDesignated(value: unknown, scope: IConstruct, topics: readonly CfnResource[], what: string): CfnResource[] {
  const target = designation(value, scope, what);
  if ('ref' in target) return topics.filter((t) => t.node.path === target.ref);
  if (!target.text.startsWith('arn:') || target.text.split(':')[2] !== 'sns') return [];
  return topics.filter((t) => {
    try {
      return topicArn(t) === target.text;
    } catch (error) {
      // A topic in an environment-agnostic stack: its ARN is not known at synth. Another name cannot be the
      // one designated; the same name may be, so that cannot be told (never assumed to be another topic).
      if (!(error instanceof UnresolvableValueError)) throw error;
      if (propertiesWithReferences(t).TopicName !== target.text.split(':').slice(5).join(':')) return false;
      throw error;
    }
  });
}

interface Alerting {
  /** Construct paths of the topics alarms and EventBridge rules send to. */
  readonly alertTopics: Set<string>;
  /** Construct paths of the topics with at least one AWS::SNS::Subscription. */
  readonly subscribed: Set<string>;
  readonly unknown: string[];
}

function readApp(root: IConstruct): Alerting {
  const topics = appResources(root, 'AWS::SNS::Topic');
  const alertTopics = new Set<string>();
  const subscribed = new Set<string>();
  const unknown: string[] = [];
  const collect = (into: Set<string>, value: unknown, scope: IConstruct, what: string) => {
    try {
      for (const t of topicsDesignated(value, scope, topics, what)) into.add(t.node.path);
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unknown.push(error.message);
    }
  };
  for (const alarm of appResources(root, ...ALARM_TYPES)) {
    const props = propertiesWithReferences(alarm);
    for (const key of ['AlarmActions', 'OKActions', 'InsufficientDataActions']) {
      try {
        for (const action of asList(props[key], `${alarm.node.path} ${key}`)) collect(alertTopics, action, alarm, `${alarm.node.path} ${key}`);
      } catch (error) {
        if (!(error instanceof UnresolvableValueError)) throw error;
        unknown.push(error.message);
      }
    }
  }
  for (const rule of appResources(root, 'AWS::Events::Rule')) {
    try {
      for (const target of asList(propertiesWithReferences(rule).Targets, `${rule.node.path} Targets`)) {
        collect(alertTopics, get(target, 'Arn'), rule, `${rule.node.path} Targets Arn`);
      }
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unknown.push(error.message);
    }
  }
  for (const subscription of appResources(root, 'AWS::SNS::Subscription')) {
    collect(subscribed, propertiesWithReferences(subscription).TopicArn, subscription, `${subscription.node.path} TopicArn`);
  }
  return { alertTopics, subscribed, unknown };
}

function alarmHasAction(node: CfnResource): boolean {
  const props = propertiesWithReferences(node);
  const path = node.node.path;
  const enabled = props.ActionsEnabled;
  if (enabled === false || enabled === 'false') return false;
  if (enabled !== undefined && enabled !== true && enabled !== 'true') throw new UnresolvableValueError(`${path} ActionsEnabled`, enabled);
  return asList(props.AlarmActions, `${path} AlarmActions`).length > 0;
}

function createRule(): (node: CfnResource) => NagRuleResult {
  const alertingOf = perApp(readApp);
  const rule = (node: CfnResource): NagRuleResult => {
    if (ALARM_TYPES.includes(node.cfnResourceType)) {
      return alarmHasAction(node) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    if (node.cfnResourceType !== 'AWS::SNS::Topic') return NagRuleCompliance.NOT_APPLICABLE;
    const { alertTopics, subscribed, unknown } = alertingOf(node);
    const path = node.node.path;
    if (!alertTopics.has(path)) {
      // Not known to receive alerts; unless an action or target could not be read.
      if (unknown.length > 0) throw new Error(`[DET-03] alert routing could not be evaluated: ${unknown.join('; ')}`);
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const props = propertiesWithReferences(node);
    if (props.KmsMasterKeyId === undefined) return NagRuleCompliance.NON_COMPLIANT;
    const inline = asList(props.Subscription, `${path} Subscription`);
    if (inline.length > 0 || subscribed.has(path)) return NagRuleCompliance.COMPLIANT;
    if (unknown.length > 0) throw new Error(`[DET-03] subscriptions could not be evaluated: ${unknown.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'AlertsReachAPerson' });
}

export const DET03_ALERTS_REACH_A_PERSON = defineRule({
  name: 'AlertsReachAPerson',
  control: 'DET-03',
  problem:
    'An alert does not reach a person: every CloudWatch alarm needs an alarm action (and actions enabled); every SNS topic that alarms or EventBridge rules send to must be KMS-encrypted (KmsMasterKeyId) and have at least one subscription.',
  fix: 'add alarm.addAlarmAction(new SnsAction(alertTopic)) and send to the platform AlertTopic (lib/constructs/alert-topic.ts), which is encrypted and subscribed; or set masterKey and addSubscription on the topic.',
  explanation:
    'ISO 27001 A.5.25, A.5.26 and A.8.16: a security event that nobody receives is not detected; alert messages may describe health-data resources and are encrypted (RGPD art. 32).',
  create: () => createRule(),
});
