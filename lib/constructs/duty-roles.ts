import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN } from '../../policies/guardrails';
import { ACCESS_REASON_TAG, MAX_PRIVILEGED_SESSION_SECONDS } from '../../policies/rules/log/privileged-access-with-reason';
import { recordControls } from '../controls';

/** Prefix of the break-glass role's name: the guardrails' tamper protection exempts `role/hds-break-glass*`. */
export const BREAK_GLASS_ROLE_NAME_PREFIX = 'hds-break-glass';

/** Longest session of a duty role (IAM-01, LOG-06). */
export const DUTY_SESSION = Duration.seconds(MAX_PRIVILEGED_SESSION_SECONDS);

/**
 * The condition every duty role's trust puts on `sts:AssumeRole` and `sts:TagSession` (LOG-06):
 * - `Bool aws:MultiFactorAuthPresent true` (not `BoolIfExists`, which lets in a session with no MFA key);
 * - `StringLike aws:RequestTag/access-reason ?*`: the reason tag is present and not empty;
 * - `ForAllValues:StringEquals aws:TagKeys [access-reason]`: no other session tag, so a caller cannot set
 *   tags that attribute-based policies might trust.
 */
export const DUTY_TRUST_CONDITIONS = {
  Bool: { 'aws:MultiFactorAuthPresent': 'true' },
  StringLike: { [`aws:RequestTag/${ACCESS_REASON_TAG}`]: '?*' },
  'ForAllValues:StringEquals': { 'aws:TagKeys': [ACCESS_REASON_TAG] },
} as const;

/** The AWS managed policies the duty roles use. */
export const DUTY_MANAGED_POLICIES = {
  operator: 'ReadOnlyAccess',
  auditor: 'SecurityAudit',
  breakGlass: 'AdministratorAccess',
} as const;

/**
 * The CDK bootstrap roles the CDK CLI assumes to deploy (not the CloudFormation execution role, which
 * only CloudFormation assumes): `cdk-<qualifier>-<kind>-<account>-<region>`.
 */
export const CDK_BOOTSTRAP_ROLE_KINDS = ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'] as const;
/** The qualifier `cdk bootstrap` uses unless told otherwise. */
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';

export interface DutyRolesProps {
  /**
   * Environment name, part of the role names: `<environment>-operator`, `<environment>-auditor` and
   * `hds-break-glass-<environment>`. Letters, digits and `+=,.@_-`, at most 48 characters.
   */
  readonly environment: string;
  /**
   * Who may assume the operator role: IAM role or user ARNs (e.g. the roles of an IAM Identity Center
   * permission set) or an account root (`arn:aws:iam::123456789012:root`, every principal of that account
   * whose own policies allow it). At least one.
   */
  readonly operators: readonly string[];
  /** Who may assume the auditor role; same forms as `operators`. At least one. */
  readonly auditors: readonly string[];
  /** Who may assume the break-glass role; same forms as `operators`. At least one. */
  readonly breakGlass: readonly string[];
  /** The health-data key: operator and auditor are denied every cryptographic use of it. */
  readonly dataKey: kms.IKey;
  /** The documents bucket: operator and auditor are denied its objects. */
  readonly documents: s3.IBucket;
  /** Encrypts the traces: the auditor may decrypt with it through S3 (CloudTrail log files). */
  readonly logsKey: kms.IKey;
  /**
   * Buckets that keep traces and evidence (the log archive, the access-log bucket, the Backup Audit Manager
   * evidence bucket): the auditor may list and read their objects, and decrypt them through S3 with the key
   * each bucket is encrypted with.
   */
  readonly traceBuckets: readonly s3.IBucket[];
  /**
   * Log groups the auditor may read (events and Logs Insights queries).
   * @default - every log group of the stack's account and region (every log group of the platform is a trace, LOG-04)
   */
  readonly traceLogGroups?: readonly logs.ILogGroup[];
  /**
   * Qualifier of the CDK bootstrap (`cdk bootstrap --qualifier`), whose roles the operator deploys through.
   * @default 'hnb659fds' (the CDK default)
   */
  readonly cdkQualifier?: string;
  /**
   * Regions the operator deploys to, through the bootstrap roles of each.
   * @default - the stack's region
   */
  readonly deployRegions?: readonly string[];
}

/** An IAM principal a trust policy can name: an account root, a role or a user (any path), no wildcard. */
/** An IAM role, user (with or without path) or account root: who may assume a duty role. The config uses it too. */
export const IAM_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(root|(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;
const ENVIRONMENT = /^[A-Za-z0-9][\w+=,.@-]*$/;
/** IAM role names are at most 64 characters; the break-glass name is the longest. */
const MAX_ENVIRONMENT_LENGTH = 64 - `${BREAK_GLASS_ROLE_NAME_PREFIX}-`.length;

/** Glob match of an IAM ARN pattern (`*`, `?`), as `ArnLike` does. */
function arnLike(pattern: string, arn: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`).test(arn);
}

/**
 * Duty roles for the people who run the platform (IAM-01, IAM-02, LOG-06): operator, auditor, break-glass.
 *
 * **Trust.** Each role trusts only the principals its prop names, for `sts:AssumeRole` and `sts:TagSession`,
 * under `DUTY_TRUST_CONDITIONS`: MFA, a non-empty `access-reason` session tag, and no other session tag.
 * Sessions last at most one hour. The reason is recorded by CloudTrail in the `AssumeRole` event (request
 * parameters), and every later call of the session carries the session's access key id and role session
 * name, which join it to that event: who (the calling principal), when, and why.
 *
 * `access-reason` is allowed, not required, to be transitive. An operator chains into the CDK bootstrap
 * roles to deploy; if the tag is marked transitive (`--transitive-tag-keys access-reason`) the reason is
 * also recorded in that chained `AssumeRole` event, but a transitive tag makes chaining fail into any role
 * whose trust does not allow `sts:TagSession` (older CDK bootstraps, third-party roles). The chain stays
 * traceable without it: the chained `AssumeRole` event is made by the tagged session.
 *
 * **Operator** (deploys and operates, reads no health data): the AWS managed `ReadOnlyAccess` (every
 * service's configuration, metrics and logs, which operating needs), and `sts:AssumeRole`/`sts:TagSession`
 * on the CDK bootstrap roles of the account, named exactly (deploy, publish assets, lookups; per deploy
 * region): changes go through the synth-checked CloudFormation templates. No write access of its own. `ReadOnlyAccess` also allows data
 * reads (`s3:GetObject` on every bucket, among others), which the `NoHealthData` policy cuts with explicit
 * denies: every cryptographic use of the data key (so nothing encrypted with it, documents, the database's
 * managed master secret, can be decrypted through any AWS service acting for the caller), the documents bucket's objects
 * (read, write, delete), and database connections (`rds-db:connect`, the RDS Data API). An explicit deny
 * wins over any allow, including what AWS adds to `ReadOnlyAccess` later. `PowerUserAccess` was not used:
 * it grants every action but IAM, i.e. administrator of every data store (IAM-02).
 * What this does not stop: deploying a template is as powerful as the CloudFormation execution role
 * (`AdministratorAccess` in a default bootstrap). Restrict it with `cdk bootstrap
 * --cloudformation-execution-policies`, and deploy from reviewed code; IAM policy changes raise an alert (DET-03).
 *
 * **Auditor** (configuration, traces and evidence, no health data): the AWS managed `SecurityAudit`
 * (configuration and metadata of every service, no data reads), CloudTrail event history
 * (`cloudtrail:LookupEvents`), read of the trace log groups (events and Logs Insights), list and read of the
 * trace buckets' objects, and `kms:Decrypt` of their keys only through S3 (`kms:ViaService`), for the
 * SSE-KMS CloudTrail log files. The same `NoHealthData` denies apply.
 *
 * **Break-glass** (full access in an emergency): the AWS managed `AdministratorAccess`, with the same trust
 * conditions. Its name starts with `hds-break-glass`, the role the guardrails' tamper protection exempts.
 * The HDS rule IAM-02 reports it (`HdsChecks::HDS-IAM02-NoAdminPolicies`): the platform acknowledges it with
 * the alarm on its use as compensating control (DET-03).
 *
 * **Assuming a role** (CLI or SDK; the console's Switch Role cannot pass session tags):
 * `aws sts assume-role --role-arn arn:aws:iam::<account>:role/<env>-operator --role-session-name <who>
 * --tags Key=access-reason,Value=<ticket or reason> --serial-number <MFA device> --token-code <code>`, or from a
 * session already opened with MFA. `aws:MultiFactorAuthPresent` is set only for sessions whose credentials were
 * obtained with MFA through IAM/STS: check, before naming IAM Identity Center permission-set roles, that their
 * sessions carry it in your organisation; otherwise name IAM users with MFA devices.
 * Principals must exist when the stack is deployed (IAM refuses a trust policy naming an unknown role or user).
 *
 * Every role receives the residency boundary from the platform (`applyResidencyBoundary`, RES-03); none sets
 * a boundary of its own, and none has a path, so the break-glass exemption `role/hds-break-glass*` matches.
 * Permissions are customer managed policies, not inline policies, so that they can be reviewed on their own.
 */
export class DutyRoles extends Construct {
  public readonly operator: iam.Role;
  public readonly auditor: iam.Role;
  public readonly breakGlass: iam.Role;
  /** Explicit denies of health data, attached to the operator and the auditor. */
  public readonly noHealthData: iam.ManagedPolicy;
  /** The operator's own grants (CDK bootstrap roles). */
  public readonly operatorPermissions: iam.ManagedPolicy;
  /** The auditor's own grants (traces and evidence). */
  public readonly auditorPermissions: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: DutyRolesProps) {
    super(scope, id);
    validate(this.node.path, props);
    const stack = Stack.of(this);

    const names = {
      operator: `${props.environment}-operator`,
      auditor: `${props.environment}-auditor`,
      breakGlass: `${BREAK_GLASS_ROLE_NAME_PREFIX}-${props.environment}`,
    };
    if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(props.environment)) {
      const arn = `arn:aws:iam::${stack.account}:role/${names.breakGlass}`;
      if (!arnLike(DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN, arn)) {
        throw new Error(`${this.node.path}: the break-glass role ${arn} does not match the guardrails' exemption ${DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN}`);
      }
    }

    this.noHealthData = new iam.ManagedPolicy(this, 'NoHealthData', {
      description: 'hds-blueprint IAM-01/IAM-02: denies every use of the health-data key, the documents objects and database connections',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyHealthDataKeyUse',
          effect: iam.Effect.DENY,
          actions: ['kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant'],
          resources: [props.dataKey.keyArn],
        }),
        new iam.PolicyStatement({
          sid: 'DenyHealthDocuments',
          effect: iam.Effect.DENY,
          actions: ['s3:GetObject*', 's3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject', 's3:ReplicateObject'],
          resources: [props.documents.arnForObjects('*')],
        }),
        new iam.PolicyStatement({
          sid: 'DenyDatabaseConnections',
          effect: iam.Effect.DENY,
          actions: ['rds-db:connect', 'rds-data:*'],
          resources: ['*'],
        }),
      ],
    });

    const qualifier = props.cdkQualifier ?? DEFAULT_CDK_QUALIFIER;
    const regions = props.deployRegions ?? [stack.region];
    this.operatorPermissions = new iam.ManagedPolicy(this, 'OperatorPermissions', {
      description: 'hds-blueprint IAM-01: the operator deploys through the CDK bootstrap roles',
      statements: [
        new iam.PolicyStatement({
          sid: 'DeployThroughCdkBootstrapRoles',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: regions.flatMap((region) =>
            CDK_BOOTSTRAP_ROLE_KINDS.map((kind) => `arn:${stack.partition}:iam::${stack.account}:role/cdk-${qualifier}-${kind}-${stack.account}-${region}`),
          ),
        }),
      ],
    });

    const logGroupArns = props.traceLogGroups
      ? props.traceLogGroups.map((g) => g.logGroupArn)
      : [`arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`];
    const traceKeys = [props.logsKey, ...props.traceBuckets.flatMap((b) => (b.encryptionKey ? [b.encryptionKey] : []))];
    this.auditorPermissions = new iam.ManagedPolicy(this, 'AuditorPermissions', {
      description: 'hds-blueprint IAM-01: the auditor reads traces and evidence',
      statements: [
        new iam.PolicyStatement({
          sid: 'CloudTrailEventHistory',
          // LookupEvents and the Logs Insights query APIs have no resource-level permissions.
          actions: ['cloudtrail:LookupEvents', 'logs:DescribeQueries', 'logs:GetQueryResults', 'logs:StopQuery'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTraceLogGroups',
          actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery', 'logs:GetLogGroupFields'],
          resources: logGroupArns,
        }),
        new iam.PolicyStatement({
          sid: 'ListTraceBuckets',
          actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
          resources: props.traceBuckets.map((b) => b.bucketArn),
        }),
        new iam.PolicyStatement({
          sid: 'ReadTraceObjects',
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
          resources: props.traceBuckets.map((b) => b.arnForObjects('*')),
        }),
        new iam.PolicyStatement({
          sid: 'DecryptTracesThroughS3',
          actions: ['kms:Decrypt'],
          resources: [...new Set(traceKeys)].map((k) => k.keyArn),
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      ],
    });

    const managed = (name: string) => iam.ManagedPolicy.fromAwsManagedPolicyName(name);
    this.operator = this.dutyRole('Operator', names.operator, props.operators, {
      description: 'hds-blueprint operator: deploys and operates the platform; no access to health data (IAM-01)',
      managedPolicies: [managed(DUTY_MANAGED_POLICIES.operator), this.operatorPermissions, this.noHealthData],
    });
    this.auditor = this.dutyRole('Auditor', names.auditor, props.auditors, {
      description: 'hds-blueprint auditor: reads configuration, traces and evidence; no access to health data (IAM-01)',
      managedPolicies: [managed(DUTY_MANAGED_POLICIES.auditor), this.auditorPermissions, this.noHealthData],
    });
    this.breakGlass = this.dutyRole('BreakGlass', names.breakGlass, props.breakGlass, {
      description: 'hds-blueprint break-glass: full access in an emergency; every use raises an alert (IAM-01, DET-03)',
      managedPolicies: [managed(DUTY_MANAGED_POLICIES.breakGlass)],
    });
    for (const policy of [this.noHealthData, this.operatorPermissions, this.auditorPermissions]) recordControls(policy, 'IAM-01', 'IAM-02');
  }

  private dutyRole(
    id: string,
    roleName: string,
    principals: readonly string[],
    options: { description: string; managedPolicies: iam.IManagedPolicy[] },
  ): iam.Role {
    const role = new iam.Role(this, id, {
      roleName,
      description: options.description,
      assumedBy: new iam.CompositePrincipal(...principals.map((arn) => new iam.ArnPrincipal(arn)))
        .withConditions({ ...DUTY_TRUST_CONDITIONS })
        .withSessionTags(),
      maxSessionDuration: DUTY_SESSION,
      managedPolicies: options.managedPolicies,
    });
    recordControls(role, 'IAM-01', 'IAM-02', 'LOG-06');
    return role;
  }
}

/** Checks every prop and throws once with every problem (unresolved tokens are skipped). */
function validate(path: string, props: DutyRolesProps): void {
  const problems: string[] = [];
  const env = props.environment;
  if (!Token.isUnresolved(env) && (!ENVIRONMENT.test(env) || env.length > MAX_ENVIRONMENT_LENGTH)) {
    problems.push(
      `environment "${env}" cannot be part of an IAM role name: use letters, digits and +=,.@_- (starting with a letter or digit), at most ${MAX_ENVIRONMENT_LENGTH} characters`,
    );
  }
  for (const prop of ['operators', 'auditors', 'breakGlass'] as const) {
    const list = props[prop];
    if (list.length === 0) problems.push(`${prop} is empty: name at least one principal allowed to assume the role`);
    list.forEach((arn, i) => {
      if (Token.isUnresolved(arn) || IAM_PRINCIPAL_ARN.test(arn)) return;
      problems.push(
        `${prop}[${i}] "${arn}" is not an IAM principal ARN: allowed are an IAM role (arn:aws:iam::<12-digit account>:role/<path/>name), an IAM user (arn:aws:iam::<account>:user/<path/>name) or an account root (arn:aws:iam::<account>:root), without wildcards; not an assumed-role session (arn:aws:sts::...) nor a service`,
      );
    });
  }
  const qualifier = props.cdkQualifier;
  if (qualifier !== undefined && !Token.isUnresolved(qualifier) && !/^[A-Za-z0-9_-]{1,10}$/.test(qualifier)) {
    problems.push(`cdkQualifier "${qualifier}" is not a CDK bootstrap qualifier: up to 10 letters, digits, _ or -`);
  }
  if (props.deployRegions?.length === 0) problems.push('deployRegions is empty: name the regions the operator deploys to, or leave it out for the stack region');
  if (props.traceBuckets.length === 0) problems.push('traceBuckets is empty: pass the log archive (and the access-log and evidence buckets) the auditor reads');
  if (props.traceBuckets.includes(props.documents)) problems.push('traceBuckets includes the documents bucket: the auditor reads no health data');
  if (props.traceBuckets.some((b) => b.encryptionKey === props.dataKey)) problems.push('a trace bucket is encrypted with the data key: the auditor would be allowed to decrypt with it');
  if (props.logsKey === props.dataKey) problems.push('logsKey is the data key: traces and health data are encrypted with separate keys (ENC-01)');
  if (problems.length > 0) throw new Error(`${path}: invalid DutyRoles props (IAM-01, LOG-06):\n- ${problems.join('\n- ')}`);
}
