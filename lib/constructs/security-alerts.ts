import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ControlId } from '../../policies/catalogue';
import { recordControls } from '../controls';

/** Namespace of the metrics the trail's metric filters publish. */
export const SECURITY_METRIC_NAMESPACE = 'hds-blueprint/security';

/** Runbooks the alerts link to (DET-04), relative to the repository root. */
export const INCIDENT_RUNBOOK = 'docs/runbooks/incident.md';
export const KEY_COMPROMISE_RUNBOOK = 'docs/runbooks/key-compromise.md';
export const RESTORE_FAILURES_RUNBOOK = 'docs/runbooks/restore.md';

/**
 * Name prefix of the break-glass role. The guardrails exempt `role/hds-break-glass*` from their tamper
 * protection (`DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN` in `policies/guardrails`), so any role with this
 * prefix is a break-glass role, whoever created it.
 */
export const BREAK_GLASS_ROLE_NAME_PREFIX = 'hds-break-glass';

/** Default GuardDuty severity from which findings alert: 7 is the bottom of GuardDuty's "high" band. */
export const DEFAULT_GUARDDUTY_MIN_SEVERITY = 7;
/** GuardDuty severities run from 1.0 to 8.9 (low 1-3.9, medium 4-6.9, high 7-8.9). */
export const GUARDDUTY_SEVERITY_RANGE = { min: 1, max: 8.9 } as const;

/** KMS calls that destroy, hold to ransom or open a key (ENC-01). */
export const KEY_EVENTS = ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'] as const;

/** CloudTrail calls that blind or narrow the trail (LOG-01, LOG-02). */
export const TRAIL_EVENTS = ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'] as const;

/**
 * IAM calls that change what a principal may do (IAM-02): the CIS CloudWatch.4 list (inline and managed
 * policies of users, groups and roles, policy versions), plus the calls that change permissions as surely
 * without being "policy" calls: the default version of a managed policy, a role's trust policy, and the
 * permissions boundary that carries the residency guardrail (RES-03).
 */
export const IAM_POLICY_EVENTS = [
  'PutUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'DeleteUserPolicy',
  'DeleteGroupPolicy',
  'DeleteRolePolicy',
  'AttachUserPolicy',
  'AttachGroupPolicy',
  'AttachRolePolicy',
  'DetachUserPolicy',
  'DetachGroupPolicy',
  'DetachRolePolicy',
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  'UpdateAssumeRolePolicy',
  'PutUserPermissionsBoundary',
  'PutRolePermissionsBoundary',
  'DeleteUserPermissionsBoundary',
  'DeleteRolePermissionsBoundary',
] as const;

const eventNameAlternatives = (names: readonly string[]) => names.map((n) => `($.eventName = "${n}")`).join(' || ');

/** The metric filters on the trail's log group, by alarm. CloudWatch Logs caps a pattern at 1,024 characters. */
export const SECURITY_FILTER_PATTERNS = {
  /** CIS CloudWatch.1: the root user, acting itself (not a service on its behalf). */
  rootActivity:
    '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && ($.eventType != "AwsServiceEvent") }',
  trailChanges: `{ ($.eventSource = "cloudtrail.amazonaws.com") && (${eventNameAlternatives(TRAIL_EVENTS)}) }`,
  iamPolicyChanges: `{ ($.eventSource = "iam.amazonaws.com") && (${eventNameAlternatives(IAM_POLICY_EVENTS)}) }`,
  /** CIS CloudWatch.2: an IAM user signed in to the console, successfully, without MFA. */
  consoleSignInWithoutMfa:
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  /** Successful or refused: an attempt on the break-glass role is worth a call too. */
  breakGlassRoleUsed: `{ ($.eventName = "AssumeRole") && ($.requestParameters.roleArn = "*role/${BREAK_GLASS_ROLE_NAME_PREFIX}*") }`,
} as const;

export type SecurityAlarmName = keyof typeof SECURITY_FILTER_PATTERNS;

/** Metric name of each alarm's metric, in `SECURITY_METRIC_NAMESPACE`. */
export const SECURITY_METRIC_NAMES: Record<SecurityAlarmName, string> = {
  rootActivity: 'RootActivity',
  trailChanges: 'CloudTrailChanges',
  iamPolicyChanges: 'IamPolicyChanges',
  consoleSignInWithoutMfa: 'ConsoleSignInWithoutMfa',
  breakGlassRoleUsed: 'BreakGlassRoleUsed',
};

export type SecurityRuleName =
  | 'guardDutyFindings'
  | 'securityHubFindings'
  | 'backupJobFailed'
  | 'copyJobFailed'
  | 'keyChanges'
  | 'rootActivity'
  | 'trailChanges'
  | 'iamPolicyChanges';

export interface SecurityAlertsProps {
  /** Where every alert goes (DET-03): the platform's `AlertTopic`, KMS-encrypted and subscribed. */
  readonly topic: sns.ITopic;
  /**
   * The audit trail's CloudWatch Logs group (`AuditTrail.logGroup`). The trail is multi-region with
   * global service events, so this group receives the events of every region, IAM, STS and console
   * sign-in included: the metric filters watch it.
   */
  readonly trailLogGroup: logs.ILogGroup;
  /** The platform's keys (`PlatformKeys`): disabling, scheduling the deletion of or re-writing the policy of any of them alerts. */
  readonly keys: kms.IKey[];
  /**
   * GuardDuty findings of this severity or more alert (1 to 8.9).
   * @default 7 - GuardDuty's "high" findings
   */
  readonly guardDutyMinSeverity?: number;
  /**
   * Where the runbooks are published (the repository or documentation site of the editor's copy of the
   * blueprint, `https://`), so that alerts carry a link that opens. Alerts link
   * `${runbookBaseUrl}/docs/runbooks/incident.md`.
   * @default - alerts give the runbooks' path in the repository, `docs/runbooks/incident.md`
   */
  readonly runbookBaseUrl?: string;
}

/**
 * Security events reach a person (DET-03), with what to do (DET-04): EventBridge rules and CloudWatch
 * alarms that send a message to the alert topic for each event below. Every message says what happened,
 * which control it concerns (`[DET-01]`, `[ENC-01]`...), and links the incident runbook (and the
 * key-compromise runbook for key events).
 *
 * Which mechanism, and why. EventBridge receives an AWS event only in the region where it is recorded,
 * and a rule sees only its own region. IAM, and console sign-in through the global endpoint, are recorded
 * in us-east-1; STS and console sign-in in whichever region's endpoint was called. The multi-region trail
 * delivers every region's events, global services included, to its one log group: a metric filter there
 * sees them all, but only while the trail runs, and its alarm carries no detail of the event.
 *
 * | event | mechanism | why |
 * |---|---|---|
 * | GuardDuty finding, severity >= `guardDutyMinSeverity` | rule | GuardDuty is regional: the detector of the platform's region publishes its findings there. The message names the finding |
 * | Security Hub finding, CRITICAL or HIGH, NEW, active (GuardDuty's excluded) | rule | regional, as above. GuardDuty's findings, which Security Hub also imports, are left to the GuardDuty rule and its threshold, or each would alert twice |
 * | AWS Backup backup or copy job FAILED, ABORTED or EXPIRED | rule | Backup events are emitted in the vault's region, the platform's. Restore jobs are not here: `RestoreTesting` already alerts on every FAILED or ABORTED restore job, and a restore job never expires |
 * | KMS `DisableKey`, `ScheduleKeyDeletion`, `PutKeyPolicy` on a platform key | rule | keys are regional, in the platform's region. Matched on `requestParameters.keyId` (id or ARN: these three calls take no alias). Independent of the trail: works while the logs key is disabled |
 * | root user activity | rule and alarm | the rule gives who, what and from where, for calls to the platform's region. Only the alarm sees the root sign-in (global endpoint: us-east-1), read-only calls (which a default rule does not receive) and other regions. A root call in the platform's region alerts twice; root is never used day to day |
 * | CloudTrail `StopLogging`, `DeleteTrail`, `UpdateTrail`, `PutEventSelectors` | rule and alarm | the rule does not depend on the trail, so it still fires once the trail is stopped. The alarm (CIS CloudWatch.5) catches trails of other regions and backs up a best-effort delivery for the one event attackers start with |
 * | IAM policy changes | alarm (and a rule only in a us-east-1 stack) | IAM is global: its events reach EventBridge in us-east-1 only, where HDS data never lives (RES-01). A rule in the platform's region would never fire yet read as coverage, so it is created only when the stack is in us-east-1 |
 * | console sign-in without MFA | alarm | sign-in events reach EventBridge only in the region of the sign-in endpoint; CIS CloudWatch.2 filter |
 * | break-glass role assumed (or tried) | alarm | STS events are recorded in the region of the endpoint called (us-east-1 for the global one): only the trail sees every call |
 *
 * Alarms: one metric filter each on the trail's log group (namespace `hds-blueprint/security`), threshold
 * 1 over 5 minutes, missing data is not breaching, alarm action to the topic. Because the alert topic has
 * a topic policy (TLS only), CloudWatch may publish only if that policy allows it: this construct adds that
 * statement, for this account's alarms.
 */
export class SecurityAlerts extends Construct {
  public readonly rules: Partial<Record<SecurityRuleName, events.Rule>> = {};
  public readonly alarms: Record<SecurityAlarmName, cloudwatch.Alarm>;
  public readonly metricFilters: Record<SecurityAlarmName, logs.MetricFilter>;
  /** Severity from which GuardDuty findings alert. */
  public readonly guardDutyMinSeverity: number;

  private readonly runbookBase: string;

  constructor(scope: Construct, id: string, props: SecurityAlertsProps) {
    super(scope, id);
    validateSecurityAlertsProps(this, props);
    this.guardDutyMinSeverity = props.guardDutyMinSeverity ?? DEFAULT_GUARDDUTY_MIN_SEVERITY;
    this.runbookBase = props.runbookBaseUrl === undefined ? '' : `${props.runbookBaseUrl.replace(/\/+$/, '')}/`;
    const stack = Stack.of(this);
    const incident = this.runbook(INCIDENT_RUNBOOK);
    const keyRunbook = this.runbook(KEY_COMPROMISE_RUNBOOK);
    const restoreRunbook = this.runbook(RESTORE_FAILURES_RUNBOOK);
    const field = (path: string) => events.EventField.fromPath(path);
    const where = `account ${field('$.account')}, region ${field('$.region')}`;
    const caller = `${field('$.detail.userIdentity.arn')} from ${field('$.detail.sourceIPAddress')}`;

    const rules = new Construct(this, 'Rules');
    const rule = (
      name: SecurityRuleName,
      ruleId: string,
      description: string,
      eventPattern: events.EventPattern,
      message: string,
      controls: ControlId[],
    ) => {
      const created = new events.Rule(rules, ruleId, {
        description: `${description} (${controls.join(', ')}, DET-03)`,
        eventPattern,
        targets: [new targets.SnsTopic(props.topic, { message: events.RuleTargetInput.fromText(message) })],
      });
      recordControls(created, 'DET-03', ...controls);
      this.rules[name] = created;
    };

    rule(
      'guardDutyFindings',
      'GuardDutyFindings',
      `GuardDuty finding of severity ${this.guardDutyMinSeverity} or more`,
      {
        source: ['aws.guardduty'],
        detailType: ['GuardDuty Finding'],
        detail: { severity: events.Match.greaterThanOrEqual(this.guardDutyMinSeverity) },
      },
      `[DET-01] GuardDuty finding ${field('$.detail.type')}, severity ${field('$.detail.severity')} ` +
        `(alerts from ${this.guardDutyMinSeverity}): ${field('$.detail.title')} (${where}, finding ${field('$.detail.id')}). ` +
        `What to do: ${incident}#en-triage (severity 7 or more is an incident).`,
      ['DET-01'],
    );

    const finding = (path: string) => field(`$.detail.findings[0].${path}`);
    rule(
      'securityHubFindings',
      'SecurityHubFindings',
      'Security Hub finding, critical or high, new',
      {
        source: ['aws.securityhub'],
        detailType: ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: ['CRITICAL', 'HIGH'] },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
            // GuardDuty's own findings alert through the GuardDuty rule, at its configured severity.
            ProductArn: events.Match.anythingButSuffix('/product/aws/guardduty'),
          },
        },
      },
      `[DET-02] Security Hub ${finding('Severity.Label')} finding: ${finding('Title')} ` +
        `(resource ${finding('Resources[0].Type')} ${finding('Resources[0].Id')}, ${where}, finding ${finding('Id')}). ` +
        `What to do: ${incident}#en-triage (find who changed the resource).`,
      ['DET-02'],
    );

    const failedStates = ['FAILED', 'ABORTED', 'EXPIRED'];
    const backupWhatToDo =
      `Until a job succeeds, the latest changes of this resource are not protected. ` +
      `What to do: ${restoreRunbook}#en-failures; if data may have been deleted or encrypted: ${incident}#en-triage.`;
    rule(
      'backupJobFailed',
      'BackupJobFailed',
      'AWS Backup backup job failed, aborted or expired',
      { source: ['aws.backup'], detailType: ['Backup Job State Change'], detail: { state: failedStates } },
      `[BAK-02] AWS Backup backup job ${field('$.detail.backupJobId')} ended ${field('$.detail.state')} ` +
        `for ${field('$.detail.resourceType')} ${field('$.detail.resourceArn')}, ${where}. ${backupWhatToDo}`,
      ['BAK-02'],
    );
    rule(
      'copyJobFailed',
      'CopyJobFailed',
      'AWS Backup copy job failed, aborted or expired',
      { source: ['aws.backup'], detailType: ['Copy Job State Change'], detail: { state: failedStates } },
      `[BAK-02] AWS Backup copy job ${field('$.detail.copyJobId')} ended ${field('$.detail.state')} ` +
        `for ${field('$.detail.resourceType')} ${field('$.detail.resourceArn')}, ${where}. ${backupWhatToDo}`,
      ['BAK-02'],
    );

    rule(
      'keyChanges',
      'KeyChanges',
      'A platform KMS key was disabled, scheduled for deletion or given a new policy',
      {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          eventName: [...KEY_EVENTS],
          // These calls take a key id or a key ARN, never an alias.
          requestParameters: { keyId: props.keys.flatMap((key) => [key.keyId, key.keyArn]) },
        },
      },
      `[ENC-01] KMS ${field('$.detail.eventName')} on the platform key ${field('$.detail.requestParameters.keyId')} ` +
        `by ${caller}, ${where}. ` +
        `What to do now: ${keyRunbook}#en-emergency (cancel the deletion, enable the key), then ${incident}#en-triage.`,
      ['ENC-01'],
    );

    rule(
      'rootActivity',
      'RootActivity',
      'The root user acted in the platform region',
      {
        detailType: ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'],
        detail: { userIdentity: { type: ['Root'], invokedBy: events.Match.doesNotExist() } },
      },
      `[IAM-01] The root user called ${field('$.detail.eventName')} (${field('$.detail.eventSource')}) ` +
        `from ${field('$.detail.sourceIPAddress')}, ${where}. The root user is never used day to day. ` +
        `What to do: ask the holder of root; if nobody used it, it is an incident: ${incident}#en-containment (3.4).`,
      ['IAM-01'],
    );

    rule(
      'trailChanges',
      'TrailChanges',
      'A CloudTrail trail was stopped, deleted or changed',
      {
        source: ['aws.cloudtrail'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['cloudtrail.amazonaws.com'], eventName: [...TRAIL_EVENTS] },
      },
      `[LOG-01] CloudTrail ${field('$.detail.eventName')} by ${caller}, ${where}. ` +
        `Attackers often start by blinding the trail. ` +
        `What to do: check and restart the trail, then treat it as an incident: ${incident}#en-containment (3.5).`,
      ['LOG-01', 'LOG-02'],
    );

    // IAM's events reach EventBridge in us-east-1 only: elsewhere the metric filter below is the alert.
    if (Token.isUnresolved(stack.region) || stack.region === 'us-east-1') {
      rule(
        'iamPolicyChanges',
        'IamPolicyChanges',
        'An IAM policy, trust policy or permissions boundary changed',
        {
          source: ['aws.iam'],
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['iam.amazonaws.com'], eventName: [...IAM_POLICY_EVENTS] },
        },
        `[IAM-02] IAM ${field('$.detail.eventName')} by ${caller}, account ${field('$.account')}. ` +
          `What to do: compare with the planned changes; if unknown, it is an incident: ${incident}#en-triage.`,
        ['IAM-02'],
      );
    }

    const trailNote = 'Seen in the audit trail, all regions.';
    const descriptions: Record<SecurityAlarmName, { text: string; controls: ControlId[] }> = {
      rootActivity: {
        text:
          `[IAM-01] The root user signed in or made a call. ${trailNote} The root user is never used day to day. ` +
          `What to do: ask the holder of root; if nobody used it, it is an incident: ${incident}#en-containment (3.4). ` +
          `Who did what: query "Root activity and console sign-ins", ${incident}#en-evidence.`,
        controls: ['IAM-01'],
      },
      trailChanges: {
        text:
          `[LOG-01] A CloudTrail trail was stopped, deleted or changed (${TRAIL_EVENTS.join(', ')}). ${trailNote} ` +
          `Attackers often start by blinding the trail. ` +
          `What to do: check and restart the trail, then treat it as an incident: ${incident}#en-containment (3.5).`,
        controls: ['LOG-01', 'LOG-02'],
      },
      iamPolicyChanges: {
        text:
          `[IAM-02] An IAM policy, trust policy or permissions boundary changed. ${trailNote} ` +
          `What to do: compare with the planned changes; if unknown, it is an incident: ${incident}#en-triage. ` +
          `Which change, by whom: query "IAM changes", ${incident}#en-evidence.`,
        controls: ['IAM-02'],
      },
      consoleSignInWithoutMfa: {
        text:
          `[IAM-01] An IAM user signed in to the console without MFA. ${trailNote} ` +
          `What to do: call the person; if it was not them: ${incident}#en-containment (3.2). ` +
          `Who: query "Root activity and console sign-ins", ${incident}#en-evidence.`,
        controls: ['IAM-01'],
      },
      breakGlassRoleUsed: {
        text:
          `[IAM-01, LOG-06] The break-glass role (${BREAK_GLASS_ROLE_NAME_PREFIX}*) was assumed, or someone tried to. ${trailNote} ` +
          `What to do: read the session's access-reason and call the person: ${keyRunbook}#en-break-glass; ` +
          `if nobody expected it: ${incident}#en-containment (3.3).`,
        controls: ['IAM-01', 'LOG-06'],
      },
    };

    const filters = new Construct(this, 'MetricFilters');
    const alarms = new Construct(this, 'Alarms');
    const alarmAction = new cwActions.SnsAction(props.topic);
    const createdAlarms: Partial<Record<SecurityAlarmName, cloudwatch.Alarm>> = {};
    const createdFilters: Partial<Record<SecurityAlarmName, logs.MetricFilter>> = {};
    for (const name of Object.keys(SECURITY_FILTER_PATTERNS) as SecurityAlarmName[]) {
      const constructId = SECURITY_METRIC_NAMES[name];
      const filter = new logs.MetricFilter(filters, constructId, {
        logGroup: props.trailLogGroup,
        filterPattern: logs.FilterPattern.literal(SECURITY_FILTER_PATTERNS[name]),
        metricNamespace: SECURITY_METRIC_NAMESPACE,
        metricName: SECURITY_METRIC_NAMES[name],
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(alarms, constructId, {
        alarmDescription: descriptions[name].text,
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No matching event in a period is the normal state, not a gap in monitoring.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      recordControls(alarm, 'DET-03', ...descriptions[name].controls);
      recordControls(filter, 'DET-03', ...descriptions[name].controls);
      createdAlarms[name] = alarm;
      createdFilters[name] = filter;
    }
    this.alarms = createdAlarms as Record<SecurityAlarmName, cloudwatch.Alarm>;
    this.metricFilters = createdFilters as Record<SecurityAlarmName, logs.MetricFilter>;
  }

  /** A runbook's link: its path in the repository, or its address under `runbookBaseUrl`. */
  private runbook(path: string): string {
    return `${this.runbookBase}${path}`;
  }
}

export function validateSecurityAlertsProps(scope: Construct, props: SecurityAlertsProps): void {
  const problems: string[] = [];
  const severity = props.guardDutyMinSeverity;
  const { min, max } = GUARDDUTY_SEVERITY_RANGE;
  if (severity !== undefined && !Token.isUnresolved(severity) && !(Number.isFinite(severity) && severity >= min && severity <= max)) {
    problems.push(
      `guardDutyMinSeverity is ${severity}; allowed: a number from ${min} to ${max} (GuardDuty severities: low 1-3.9, medium 4-6.9, high 7-8.9). ` +
        `Use ${DEFAULT_GUARDDUTY_MIN_SEVERITY} to alert on high findings, 4 to add medium ones`,
    );
  }
  if (props.keys.length === 0) {
    problems.push("keys is empty; ENC-01 alerts watch the platform's keys. Pass PlatformKeys' data, logs and backup keys");
  }
  const base = props.runbookBaseUrl;
  if (base !== undefined && !Token.isUnresolved(base) && !/^https:\/\/[^/\s]+(\/\S*)?$/.test(base)) {
    problems.push(
      `runbookBaseUrl is "${base}"; allowed: an absolute https:// address under which docs/runbooks/ is published ` +
        `(e.g. https://github.com/editor/platform/blob/main), or leave it unset to link the runbooks by their path`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`${scope.node.path}: invalid security alert settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
