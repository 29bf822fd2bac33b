/**
 * Residency guardrails (RES-03) and trace/key tamper protection (LOG-01, LOG-03, LOG-04, ENC-01, BAK-01), as
 * plain IAM policy JSON: the same statements are the Organizations SCP and the permissions boundary of every
 * role the blueprint creates. Evaluated offline by `test/policies/guardrails/simulation.test.ts`.
 */
import { HDS_EEA_REGIONS } from '../regions';

/** One IAM policy statement, as IAM, Organizations and CloudFormation read it. */
export interface PolicyStatementJson {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocumentJson {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatementJson[];
}

/** An action the region deny does not cover, and why it may run outside the allow-list. */
export interface GlobalServiceExemption {
  readonly action: string;
  readonly reason: string;
}

/**
 * The reviewed `NotAction` list of the region deny: global services whose calls carry
 * `aws:RequestedRegion` = `us-east-1` (their only endpoint, or their global endpoint) whatever region
 * the caller works in. None of them stores or processes health data. Anything not listed here is denied
 * outside the allow-list; notably KMS (regional, it guards health data), ACM and WAF's CloudFront scope
 * (only needed for CloudFront, which RES-02 refuses), Global Accelerator and S3's account-level settings
 * (S3 Control has regional endpoints). See README.md for the services left out and why.
 */
export const GLOBAL_SERVICE_EXEMPTIONS: readonly GlobalServiceExemption[] = [
  {
    action: 'iam:*',
    reason:
      'IAM is global: its only endpoint is in us-east-1, so every call (CloudFormation creating a role included) reports us-east-1. It holds identities and policies, no health data.',
  },
  {
    action: 'organizations:*',
    reason:
      'AWS Organizations is global (endpoint in us-east-1); services and tools read the organisation from member accounts. Leaving the organisation stays denied by the tamper protection.',
  },
  {
    action: 'account:*',
    reason: 'The Account Management API (contacts, region opt-in) is global, served from us-east-1. It touches no data.',
  },
  {
    action: 'sts:*',
    reason:
      'STS has a global endpoint (sts.amazonaws.com) served from us-east-1: sts:GetCallerIdentity or sts:AssumeRole sent there report us-east-1, although STS is regional (regional endpoints report their own region). Older SDKs, the console switch-role and many tools use the global endpoint. STS issues credentials; it stores or moves no data, and every call made with those credentials is checked again.',
  },
  {
    action: 'route53:*',
    reason: 'Route 53 (public and private hosted zones, health checks) is global, its API in us-east-1. DNS records are not health data.',
  },
  {
    action: 'route53domains:*',
    reason: 'Route 53 domain registration has a single endpoint, in us-east-1.',
  },
  {
    action: 'cloudfront:Get*',
    reason:
      'CloudFront is global (API in us-east-1). Read-only, so the console and posture tools can show that no distribution exists; creating one stays denied, since edge caches lie outside the EEA (RES-02).',
  },
  {
    action: 'cloudfront:List*',
    reason: 'As cloudfront:Get*: listing distributions and their settings, read-only.',
  },
  {
    action: 'support:*',
    reason: 'The AWS Support API is global (us-east-1 endpoint); opening and following cases is part of incident response (DET-04).',
  },
  {
    action: 'trustedadvisor:*',
    reason: 'Trusted Advisor is global (us-east-1); it reports account-level checks and holds no health data.',
  },
  {
    action: 'health:*',
    reason: 'The AWS Health API is global (us-east-1 endpoint); service events feed incident response (DET-03, DET-04).',
  },
  {
    action: 'budgets:*',
    reason: 'AWS Budgets has a single endpoint, in us-east-1. Costs, not data.',
  },
  {
    action: 'ce:*',
    reason: 'Cost Explorer has a single endpoint, in us-east-1. Costs, not data.',
  },
  {
    action: 'aws-portal:*',
    reason: 'Billing console permissions (legacy), evaluated as a global service. Costs, not data.',
  },
  {
    action: 'billing:*',
    reason: 'Billing console permissions, global. Costs, not data.',
  },
  {
    action: 'shield:*',
    reason:
      'The Shield Advanced API is global (us-east-1); it protects the regional internet-facing load balancer (NET-05) without moving data.',
  },
  {
    action: 's3:ListAllMyBuckets',
    reason:
      'ListBuckets returns bucket names, never objects; the S3 console, which is global, calls it on the us-east-1 (global) endpoint.',
  },
  {
    action: 's3:GetBucketLocation',
    reason:
      "Returns only a bucket's region. The S3 console and clients configured for another region call it on the global endpoint (us-east-1) to find where a bucket lives before calling that region: without it they fail before reaching an allowed region.",
  },
];

/** The `NotAction` list of the region deny, in review order. */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = GLOBAL_SERVICE_EXEMPTIONS.map((e) => e.action);

/** Sid of the region-deny statement (the RES-03 rule and the tests look for it by shape, not by Sid). */
export const REGION_DENY_SID = 'DenyOutsideAllowedRegions';

/** The allow-list of the generated documents committed under `policies/guardrails/`: the default region. */
export const DEFAULT_GUARDRAIL_REGIONS: readonly string[] = ['eu-west-3'];

/** Checks an allow-list: at least one region, each one an HDS EEA region (a deployment narrows, never widens). */
function checkedRegions(allowedRegions: readonly string[]): string[] {
  const problems: string[] = [];
  if (allowedRegions.length === 0) problems.push('the list is empty');
  const outside = allowedRegions.filter((r) => !(HDS_EEA_REGIONS as readonly string[]).includes(r));
  if (outside.length > 0) {
    problems.push(`${outside.join(', ')} ${outside.length === 1 ? 'is not an HDS EEA region' : 'are not HDS EEA regions'}`);
  }
  if (new Set(allowedRegions).size !== allowedRegions.length) problems.push('it has duplicates');
  if (problems.length > 0) {
    throw new Error(
      `allowedRegions ${JSON.stringify(allowedRegions)}: ${problems.join('; ')}. Pass distinct regions among: ${HDS_EEA_REGIONS.join(', ')} (CONTROLS.md, RES-01)`,
    );
  }
  return [...allowedRegions];
}

/**
 * Denies every action, except the reviewed global services, when the request targets a region outside
 * `allowedRegions` (RES-03). No principal is exempt: residency has no break-glass.
 */
export function regionDenyStatements(allowedRegions: readonly string[]): PolicyStatementJson[] {
  return [
    {
      Sid: REGION_DENY_SID,
      Effect: 'Deny',
      NotAction: [...GLOBAL_SERVICE_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': checkedRegions(allowedRegions) } },
    },
  ];
}

export interface TamperProtectionOptions {
  /**
   * Roles that may still destroy or reconfigure traces, keys and vaults (the break-glass role; its use is
   * alarmed, DET-03). An IAM ARN pattern matched against `aws:PrincipalArn` (the role ARN, whatever the session).
   * @default 'arn:aws:iam::*:role/hds-break-glass*' (a role without a path)
   */
  readonly breakGlassRoleArnPattern?: string;
  /**
   * Roles that deploy the reviewed, synth-checked templates: they may change trace settings (trail event
   * selectors, log retention, the archive's Object Lock and lifecycle), which CloudFormation sets when it
   * creates those resources, but may not destroy anything.
   * @default 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*' (the CloudFormation execution role of `cdk bootstrap`)
   */
  readonly deploymentRoleArnPattern?: string;
  /**
   * ARN patterns of the buckets that keep traces (the log archive and the access-log bucket, LOG-03, LOG-05).
   * @default ['arn:aws:s3:::*-logarchive*'] (the CloudFormation-generated names of the LogArchive buckets)
   */
  readonly logArchiveBucketArnPatterns?: readonly string[];
}

export const DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN = 'arn:aws:iam::*:role/hds-break-glass*';
export const DEFAULT_DEPLOYMENT_ROLE_ARN_PATTERN = 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*';
export const DEFAULT_LOG_ARCHIVE_BUCKET_ARN_PATTERNS: readonly string[] = ['arn:aws:s3:::*-logarchive*'];

/**
 * Keeps traces, keys and backups intact (LOG-01, LOG-03, LOG-04, ENC-01, BAK-01): destroying them is denied to
 * every principal but the break-glass role; changing the settings that keep them is denied to every principal
 * but the break-glass role and the deployment role.
 *
 * Deliberately not denied: `kms:PutKeyPolicy` (CloudFormation sets key policies on every deploy),
 * `logs:DeleteRetentionPolicy` (it makes retention unlimited: nothing is lost). `logs:PutRetentionPolicy` is
 * denied whatever the new value, because IAM cannot tell a shorter retention from a longer one.
 */
export function tamperProtectionStatements(options: TamperProtectionOptions = {}): PolicyStatementJson[] {
  const breakGlass = options.breakGlassRoleArnPattern ?? DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN;
  const deployment = options.deploymentRoleArnPattern ?? DEFAULT_DEPLOYMENT_ROLE_ARN_PATTERN;
  const archives = [...(options.logArchiveBucketArnPatterns ?? DEFAULT_LOG_ARCHIVE_BUCKET_ARN_PATTERNS)];
  const invalid = [
    ...[breakGlass, deployment].filter((p) => !p.startsWith('arn:aws:iam::')),
    ...archives.filter((p) => !p.startsWith('arn:aws:s3:::')),
  ];
  if (archives.length === 0) invalid.push('(no log archive bucket pattern)');
  if (invalid.length > 0) {
    throw new Error(
      `tamper protection: ${invalid.join(', ')}: pass role ARN patterns (arn:aws:iam::<account or *>:role/<name>) and at least one bucket ARN pattern (arn:aws:s3:::<name>)`,
    );
  }
  const exceptBreakGlass = { ArnNotLike: { 'aws:PrincipalArn': breakGlass } };
  const exceptBreakGlassAndDeployment = { ArnNotLike: { 'aws:PrincipalArn': [breakGlass, deployment] } };
  return [
    {
      Sid: 'DenyTraceKeyAndVaultDestruction',
      Effect: 'Deny',
      Action: [
        // LOG-01: the trail records every region; stopping or deleting it blinds the audit.
        'cloudtrail:StopLogging',
        'cloudtrail:DeleteTrail',
        // LOG-04: log groups and streams are traces.
        'logs:DeleteLogGroup',
        'logs:DeleteLogStream',
        // ENC-01: a disabled or deleted key makes every record it encrypts unreadable, backups included.
        'kms:DisableKey',
        'kms:ScheduleKeyDeletion',
        'kms:DisableKeyRotation',
        // BAK-01: the locked vault (a governance-mode lock can be removed).
        'backup:DeleteBackupVault',
        'backup:DeleteBackupVaultLockConfiguration',
        // Leaving the organisation would drop this SCP and with it the region deny.
        'organizations:LeaveOrganization',
      ],
      Resource: '*',
      Condition: exceptBreakGlass,
    },
    {
      Sid: 'DenyLogArchiveDestruction',
      Effect: 'Deny',
      Action: [
        // LOG-03, LOG-05: the buckets and the object versions that keep traces; nobody needs to delete them
        // (lifecycle expiry is done by S3 itself, not by a principal).
        's3:DeleteBucket',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        // LOG-03: in governance mode (non-production), this permission deletes locked traces.
        's3:BypassGovernanceRetention',
      ],
      Resource: archives.flatMap((a) => [a, `${a}/*`]),
      Condition: exceptBreakGlass,
    },
    {
      Sid: 'DenyTraceSettingChanges',
      Effect: 'Deny',
      Action: [
        // LOG-01, LOG-02: which events the trail records (management, data events on health data).
        'cloudtrail:UpdateTrail',
        'cloudtrail:PutEventSelectors',
        // LOG-04: IAM cannot tell shortening from lengthening, so every change goes through the checked templates.
        'logs:PutRetentionPolicy',
      ],
      Resource: '*',
      Condition: exceptBreakGlassAndDeployment,
    },
    {
      Sid: 'DenyLogArchiveSettingChanges',
      Effect: 'Deny',
      // LOG-03: Object Lock retention and the lifecycle rules decide how long traces are kept.
      Action: ['s3:PutBucketObjectLockConfiguration', 's3:PutLifecycleConfiguration'],
      Resource: archives,
      Condition: exceptBreakGlassAndDeployment,
    },
  ];
}

/** An Organizations SCP for the HDS accounts: the region deny and the tamper protection (RES-03). */
export function scpDocument(allowedRegions: readonly string[], options: TamperProtectionOptions = {}): PolicyDocumentJson {
  return {
    Version: '2012-10-17',
    Statement: [...regionDenyStatements(allowedRegions), ...tamperProtectionStatements(options)],
  };
}

/**
 * The permissions boundary of every role the blueprint creates (RES-03): everything the role's own policies
 * grant, except what the region deny and the tamper protection deny.
 */
export function permissionsBoundaryDocument(allowedRegions: readonly string[], options: TamperProtectionOptions = {}): PolicyDocumentJson {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowWhatIdentityPoliciesGrant', Effect: 'Allow', Action: '*', Resource: '*' },
      ...regionDenyStatements(allowedRegions),
      ...tamperProtectionStatements(options),
    ],
  };
}
