import { RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN } from '../../policies/guardrails';
import { AlertTopic } from '../../lib/constructs/alert-topic';
import { PlatformKeys } from '../../lib/constructs/platform-keys';
import {
  BREAK_GLASS_ROLE_NAME_PREFIX,
  IAM_POLICY_EVENTS,
  SECURITY_FILTER_PATTERNS,
  SECURITY_METRIC_NAMESPACE,
  SecurityAlerts,
  type SecurityAlarmName,
  type SecurityAlertsProps,
} from '../../lib/constructs/security-alerts';
import { recordedControls } from '../../lib/controls';
import { testApp, testStack } from '../support/app';
import { findings } from '../policies/support';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

interface Target {
  Arn: unknown;
  InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string };
}

/** The platform's pieces the construct is given: keys, the alert topic, the trail's log group. */
function platform(stack: Stack) {
  const keys = new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' });
  const alerts = new AlertTopic(stack, 'Alerts', { key: keys.logs, email: 'soc@editor.example' });
  const trailLogGroup = new logs.LogGroup(stack, 'TrailLogs', {
    encryptionKey: keys.logs,
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { keys, alerts, trailLogGroup };
}

function build(props: Partial<SecurityAlertsProps> = {}, stack: Stack = testStack()) {
  const { keys, alerts, trailLogGroup } = platform(stack);
  const construct = new SecurityAlerts(stack, 'SecurityAlerts', {
    topic: alerts.topic,
    trailLogGroup,
    keys: [keys.data, keys.logs, keys.backup],
    ...props,
  });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const ruleOf = (name: keyof SecurityAlerts['rules']) => {
    const rule = construct.rules[name];
    if (!rule) throw new Error(`no rule ${name}`);
    return resources[id(rule)];
  };
  const targetOf = (name: keyof SecurityAlerts['rules']) => {
    const targets = ruleOf(name).Properties.Targets as Target[];
    expect(targets).toHaveLength(1);
    return targets[0];
  };
  /** The message the rule sends, with its `<placeholders>`. */
  const messageOf = (name: keyof SecurityAlerts['rules']) => JSON.parse(targetOf(name).InputTransformer.InputTemplate) as string;
  return {
    stack,
    construct,
    template,
    resources,
    ruleOf,
    targetOf,
    messageOf,
    ids: {
      topic: id(alerts.topic),
      logGroup: id(trailLogGroup),
      keys: [keys.data, keys.logs, keys.backup].map((k) => id(k)),
    },
  };
}

const ALARMS: SecurityAlarmName[] = ['rootActivity', 'trailChanges', 'iamPolicyChanges', 'consoleSignInWithoutMfa', 'breakGlassRoleUsed'];

describe('SecurityAlerts (DET-03, DET-04)', () => {
  const built = build();
  const { construct, resources, ruleOf, targetOf, messageOf, ids } = built;

  describe('EventBridge rules', () => {
    test('one per event the platform region can see; none for IAM outside us-east-1', () => {
      expect(Object.keys(construct.rules).sort()).toEqual(
        ['backupJobFailed', 'copyJobFailed', 'guardDutyFindings', 'keyChanges', 'rootActivity', 'securityHubFindings', 'trailChanges'].sort(),
      );
      expect(Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule')).toHaveLength(7);
      const patterns = Object.values(resources)
        .filter((r) => r.Type === 'AWS::Events::Rule')
        .map((r) => JSON.stringify(r.Properties.EventPattern));
      expect(patterns.filter((p) => p.includes('aws.iam'))).toEqual([]);
    });

    test('each sends to the alert topic, with a message', () => {
      for (const name of Object.keys(construct.rules) as (keyof SecurityAlerts['rules'])[]) {
        expect(ruleOf(name).Properties.State).toBe('ENABLED');
        expect(targetOf(name).Arn).toEqual({ Ref: ids.topic });
      }
    });

    test('GuardDuty: findings of severity 7 or more by default, numeric matching', () => {
      expect(ruleOf('guardDutyFindings').Properties.EventPattern).toEqual({
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', 7] }] },
      });
    });

    test('Security Hub: critical and high, new, active findings, GuardDuty excluded', () => {
      expect(ruleOf('securityHubFindings').Properties.EventPattern).toEqual({
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: ['CRITICAL', 'HIGH'] },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
            ProductArn: [{ 'anything-but': { suffix: '/product/aws/guardduty' } }],
          },
        },
      });
    });

    test('AWS Backup: backup and copy jobs failed, aborted or expired; restore jobs left to RestoreTesting', () => {
      expect(ruleOf('backupJobFailed').Properties.EventPattern).toEqual({
        source: ['aws.backup'],
        'detail-type': ['Backup Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      });
      expect(ruleOf('copyJobFailed').Properties.EventPattern).toEqual({
        source: ['aws.backup'],
        'detail-type': ['Copy Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      });
      const patterns = JSON.stringify(Object.values(resources).map((r) => r.Properties.EventPattern));
      expect(patterns).not.toContain('Restore Job State Change');
    });

    test('KMS: disable, scheduled deletion and new policy of the platform keys, by id or ARN', () => {
      expect(ruleOf('keyChanges').Properties.EventPattern).toEqual({
        source: ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          eventName: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'],
          requestParameters: { keyId: ids.keys.flatMap((k) => [{ Ref: k }, { 'Fn::GetAtt': [k, 'Arn'] }]) },
        },
      });
    });

    test('root: API calls and sign-ins of the root user itself', () => {
      expect(ruleOf('rootActivity').Properties.EventPattern).toEqual({
        'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
        detail: { userIdentity: { type: ['Root'], invokedBy: [{ exists: false }] } },
      });
    });

    test('CloudTrail: stop, delete, update and event selectors', () => {
      expect(ruleOf('trailChanges').Properties.EventPattern).toEqual({
        source: ['aws.cloudtrail'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cloudtrail.amazonaws.com'],
          eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'],
        },
      });
    });

    test.each([
      ['guardDutyFindings', '[DET-01]'],
      ['securityHubFindings', '[DET-02]'],
      ['backupJobFailed', '[BAK-02]'],
      ['copyJobFailed', '[BAK-02]'],
      ['keyChanges', '[ENC-01]'],
      ['rootActivity', '[IAM-01]'],
      ['trailChanges', '[LOG-01]'],
    ] as const)('%s: the message names control %s and links the incident runbook', (name, control) => {
      const message = messageOf(name);
      expect(message.startsWith(control)).toBe(true);
      expect(message).toContain('docs/runbooks/incident.md#en-');
      expect(message).toContain('What to do');
      // Every placeholder is defined.
      const paths = targetOf(name).InputTransformer.InputPathsMap;
      for (const [, placeholder] of message.matchAll(/<([^>]+)>/g)) expect(Object.keys(paths)).toContain(placeholder);
    });

    test('key messages link the key-compromise runbook first; backup messages the restore runbook', () => {
      expect(messageOf('keyChanges')).toContain('docs/runbooks/key-compromise.md#en-emergency');
      expect(messageOf('backupJobFailed')).toContain('docs/runbooks/restore.md#en-failures');
      expect(messageOf('copyJobFailed')).toContain('docs/runbooks/restore.md#en-failures');
    });

    test('messages say what happened, from the event', () => {
      expect(targetOf('guardDutyFindings').InputTransformer.InputPathsMap).toMatchObject({
        'detail-type': '$.detail.type',
        'detail-severity': '$.detail.severity',
        'detail-title': '$.detail.title',
      });
      expect(Object.values(targetOf('keyChanges').InputTransformer.InputPathsMap)).toEqual(
        expect.arrayContaining(['$.detail.eventName', '$.detail.requestParameters.keyId', '$.detail.userIdentity.arn']),
      );
    });

    test('record DET-03 and the control they watch', () => {
      expect(recordedControls(construct.rules.guardDutyFindings!)).toEqual(['DET-01', 'DET-03']);
      expect(recordedControls(construct.rules.keyChanges!)).toEqual(['DET-03', 'ENC-01']);
      expect(recordedControls(construct.rules.trailChanges!)).toEqual(['DET-03', 'LOG-01', 'LOG-02']);
    });
  });

  describe('metric filters and alarms on the trail log group', () => {
    const filterOf = (name: SecurityAlarmName) =>
      resources[built.stack.getLogicalId(construct.metricFilters[name].node.defaultChild as CfnElement)];
    const alarmOf = (name: SecurityAlarmName) => resources[built.stack.getLogicalId(construct.alarms[name].node.defaultChild as CfnElement)];

    test('one per event the platform region cannot (fully) see', () => {
      expect(Object.keys(construct.alarms).sort()).toEqual([...ALARMS].sort());
      expect(Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(ALARMS.length);
      expect(Object.values(resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter')).toHaveLength(ALARMS.length);
    });

    test.each([
      [
        'rootActivity',
        '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }',
      ],
      [
        'trailChanges',
        '{ ($.eventSource = "cloudtrail.amazonaws.com") && (($.eventName = "StopLogging") || ($.eventName = "DeleteTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "PutEventSelectors")) }',
      ],
      [
        'consoleSignInWithoutMfa',
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
      ],
      ['breakGlassRoleUsed', '{ ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*role/hds-break-glass*") }'],
    ] as const)('%s: exact filter pattern on the trail log group', (name, pattern) => {
      expect(filterOf(name).Properties).toEqual({
        LogGroupName: { Ref: ids.logGroup },
        FilterPattern: pattern,
        MetricTransformations: [{ MetricNamespace: SECURITY_METRIC_NAMESPACE, MetricName: expect.any(String), MetricValue: '1' }],
      });
    });

    test('IAM policy changes: every policy, trust and boundary call of IAM, within the 1,024-character limit', () => {
      const pattern = filterOf('iamPolicyChanges').Properties.FilterPattern as string;
      expect(pattern).toBe(
        `{ ($.eventSource = "iam.amazonaws.com") && (${IAM_POLICY_EVENTS.map((e) => `($.eventName = "${e}")`).join(' || ')}) }`,
      );
      for (const e of [
        'PutRolePolicy',
        'PutUserPolicy',
        'PutGroupPolicy',
        'AttachRolePolicy',
        'DetachRolePolicy',
        'DeleteRolePolicy',
        'CreatePolicy',
        'DeletePolicy',
        'CreatePolicyVersion',
        'UpdateAssumeRolePolicy',
        'DeleteRolePermissionsBoundary',
      ]) {
        expect(pattern).toContain(`($.eventName = "${e}")`);
      }
      for (const p of Object.values(SECURITY_FILTER_PATTERNS)) expect(p.length).toBeLessThanOrEqual(1024);
    });

    test('the break-glass filter matches the role name the guardrails exempt', () => {
      expect(DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN.endsWith(`:role/${BREAK_GLASS_ROLE_NAME_PREFIX}*`)).toBe(true);
      expect(SECURITY_FILTER_PATTERNS.breakGlassRoleUsed).toContain(`"*role/${BREAK_GLASS_ROLE_NAME_PREFIX}*"`);
    });

    test.each(ALARMS)('%s: alarm on its metric, 1 in 5 minutes, missing data not breaching, action to the topic', (name) => {
      const filter = filterOf(name).Properties.MetricTransformations as { MetricName: string }[];
      expect(alarmOf(name).Properties).toEqual({
        AlarmDescription: expect.any(String),
        Namespace: SECURITY_METRIC_NAMESPACE,
        MetricName: filter[0].MetricName,
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: ids.topic }],
      });
    });

    test.each([
      ['rootActivity', '[IAM-01]'],
      ['trailChanges', '[LOG-01]'],
      ['iamPolicyChanges', '[IAM-02]'],
      ['consoleSignInWithoutMfa', '[IAM-01]'],
      ['breakGlassRoleUsed', '[IAM-01, LOG-06]'],
    ] as const)('%s: the description names control %s and links the incident runbook', (name, control) => {
      const description = alarmOf(name).Properties.AlarmDescription as string;
      expect(description.startsWith(control)).toBe(true);
      expect(description).toContain('docs/runbooks/incident.md#en-');
      expect(description.length).toBeLessThanOrEqual(1024);
    });

    test('the break-glass alarm links the break-glass section of the key-compromise runbook', () => {
      expect(alarmOf('breakGlassRoleUsed').Properties.AlarmDescription).toContain('docs/runbooks/key-compromise.md#en-break-glass');
    });

    test('alarms record DET-03 and the control they watch', () => {
      expect(recordedControls(construct.alarms.breakGlassRoleUsed)).toEqual(['DET-03', 'IAM-01', 'LOG-06']);
      expect(recordedControls(construct.alarms.iamPolicyChanges)).toEqual(['DET-03', 'IAM-02']);
    });

    test("the topic's policy lets this account's alarms publish (the TLS-only policy would refuse them)", () => {
      const policies = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
      expect(policies).toHaveLength(1);
      const statements = (policies[0].Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
      expect(statements.find((s) => s.Sid === 'CloudWatchAlarmsOfThisAccountPublish')).toEqual({
        Sid: 'CloudWatchAlarmsOfThisAccountPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: ids.topic },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111111111111' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-3:111111111111:alarm:*' },
        },
      });
    });
  });
});

describe('SecurityAlerts options', () => {
  test('guardDutyMinSeverity sets the numeric match and the message', () => {
    const { ruleOf, messageOf } = build({ guardDutyMinSeverity: 4 });
    expect(ruleOf('guardDutyFindings').Properties.EventPattern).toEqual({
      source: ['aws.guardduty'],
      'detail-type': ['GuardDuty Finding'],
      detail: { severity: [{ numeric: ['>=', 4] }] },
    });
    expect(messageOf('guardDutyFindings')).toContain('(alerts from 4)');
  });

  test('runbookBaseUrl makes every link an address (trailing slash dropped)', () => {
    const { construct, messageOf, resources, stack } = build({ runbookBaseUrl: 'https://git.editor.example/platform/blob/main/' });
    const base = 'https://git.editor.example/platform/blob/main/docs/runbooks/';
    expect(messageOf('guardDutyFindings')).toContain(`${base}incident.md#en-triage`);
    expect(messageOf('keyChanges')).toContain(`${base}key-compromise.md#en-emergency`);
    const description = resources[stack.getLogicalId(construct.alarms.rootActivity.node.defaultChild as CfnElement)].Properties
      .AlarmDescription as string;
    expect(description).toContain(`${base}incident.md#en-containment`);
    expect(description).not.toContain(' docs/runbooks/');
  });

  test('in a us-east-1 stack, IAM policy changes also get a rule', () => {
    const stack = new Stack(testApp(), 'UsEast1', { env: { account: '111111111111', region: 'us-east-1' } });
    const { ruleOf, messageOf } = build({}, stack);
    expect(ruleOf('iamPolicyChanges').Properties.EventPattern).toEqual({
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['iam.amazonaws.com'], eventName: [...IAM_POLICY_EVENTS] },
    });
    expect(messageOf('iamPolicyChanges').startsWith('[IAM-02]')).toBe(true);
  });

  test.each([0, 0.5, 9, 10, Number.NaN])('refuses guardDutyMinSeverity %p', (severity) => {
    expect(() => build({ guardDutyMinSeverity: severity })).toThrow(
      new RegExp(`guardDutyMinSeverity is ${severity}; allowed: a number from 1 to 8\\.9`),
    );
  });

  test('accepts the bounds 1 and 8.9', () => {
    expect(() => build({ guardDutyMinSeverity: 1 })).not.toThrow();
    expect(() => build({ guardDutyMinSeverity: 8.9 })).not.toThrow();
  });

  test('refuses a runbookBaseUrl that is not https://, and no keys, in one message', () => {
    expect(() => build({ runbookBaseUrl: 'http://git.editor.example', keys: [] })).toThrow(
      /invalid security alert settings:\n {2}- keys is empty.*\n {2}- runbookBaseUrl is "http:\/\/git\.editor\.example"; allowed: an absolute https:\/\/ address/,
    );
  });
});

describe('SecurityAlerts under the HDS pack', () => {
  test('DET-03 (alerts reach a person) has no finding, and no rule reports on the construct', () => {
    const found = findings((stack) => {
      const { keys, alerts, trailLogGroup } = platform(stack);
      new SecurityAlerts(stack, 'SecurityAlerts', { topic: alerts.topic, trailLogGroup, keys: [keys.data, keys.logs, keys.backup] });
    });
    expect(found.filter((f) => f.rule === 'HDS-DET03-AlertsReachAPerson')).toEqual([]);
    expect(found.filter((f) => f.path.startsWith('TestStack/SecurityAlerts') || f.path.startsWith('TestStack/Alerts'))).toEqual([]);
  });
});
