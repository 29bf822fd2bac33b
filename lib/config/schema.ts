import { z } from 'zod';
import { HDS_EEA_REGIONS, isHdsRegion } from '../../policies/regions';
import { backupSettingsProblems } from '../constructs/platform-backup';
import { RETENTION_PRESET_NAMES, retentionProblems } from './retention';
import { IAM_PRINCIPAL_ARN } from '../constructs/duty-roles';
import { EXCHANGE_USER_NAME, isPartnerCidr, LAMBDA_FUNCTION_ARN, SSH_PUBLIC_KEY } from '../constructs/secure-exchange';

/**
 * The one typed configuration of an HDS platform. The schema is the single source of the config's
 * type, its defaults and its validation: `HdsConfig` is inferred from it, and `docs/configuration.md`
 * describes the same fields.
 *
 * Every message below says what is allowed and how to fix it; the loader adds the field path and
 * the value received.
 */

/** CloudWatch Logs accepts only these retention periods (days); LOG-04 requires at least 365. */
export const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const STAGES = ['production', 'staging', 'development'] as const;
export type Stage = (typeof STAGES)[number];

/** Tag keys the blueprint sets itself; an editor's tags may not override them. */
export const RESERVED_TAG_PREFIXES = ['aws:', 'hds:'] as const;

const regionList = HDS_EEA_REGIONS.join(', ');

const region = z.enum(HDS_EEA_REGIONS, {
  error: `one of the HDS-certified EEA regions: ${regionList} (CONTROLS.md RES-01; eu-central-2 and eu-west-2 are outside the EEA)`,
});

/** An IPv4 CIDR block such as 10.40.0.0/16, with a prefix between /16 and /24. */
function isIpv4Cidr(value: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  // Leading zeros ("010") are ambiguous (octal in some tools) and would differ from the VPC's own CIDR.
  if (match.slice(1, 5).some((o) => o.length > 1 && o.startsWith('0'))) return false;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 24) return false;
  // The address must be the network address of the block (no host bits set).
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  return address % hostBits === 0;
}

function bothNumbers(value: unknown, a: string, b: string): boolean {
  const v = value as Record<string, unknown> | undefined;
  return typeof v?.[a] === 'number' && typeof v?.[b] === 'number';
}

/** Aurora Serverless v2 capacity units: 0.5 to 256, in steps of 0.5. */
const acu = (what: string) =>
  z
    .number({ error: `a number of Aurora capacity units (ACU) for ${what}, between 0.5 and 256` })
    .min(0.5, { error: `at least 0.5 ACU (Aurora Serverless v2 minimum) for ${what}` })
    .max(256, { error: `at most 256 ACU (Aurora Serverless v2 maximum) for ${what}` })
    .refine((v) => Number.isInteger(v * 2), { error: `a multiple of 0.5 ACU for ${what}` });

export const networkSchema = z.strictObject({
  /** IPv4 range of the platform's VPC. */
  cidr: z
    .string({ error: 'an IPv4 CIDR block such as "10.40.0.0/16"' })
    .refine(isIpv4Cidr, {
      error: 'an IPv4 network CIDR block with a prefix from /16 to /24 and no host bits set, such as "10.40.0.0/16"',
    })
    .default('10.40.0.0/16'),
  /** Availability zones the subnets span (2 or 3); the zones are `<region>a`, `<region>b`, `<region>c`. */
  azCount: z
    .number({ error: 'the number of availability zones: 2 or 3' })
    .int({ error: 'a whole number of availability zones: 2 or 3' })
    .min(2, { error: 'at least 2 availability zones (a single zone has no resilience)' })
    .max(3, { error: 'at most 3 availability zones (every HDS EEA region has 3)' })
    .default(2),
});

export const databaseSchema = z
  .strictObject({
    /** Lowest Aurora Serverless v2 capacity (ACU) the cluster scales down to. */
    minCapacity: acu('minCapacity').default(0.5),
    /** Highest Aurora Serverless v2 capacity (ACU) the cluster scales up to. */
    maxCapacity: acu('maxCapacity').default(4),
    /** Reader instances beside the writer; 1 or more gives a multi-AZ failover target. */
    readers: z
      .number({ error: 'a number of reader instances from 0 to 15' })
      .int({ error: 'a whole number of reader instances from 0 to 15' })
      .min(0, { error: 'a number of reader instances from 0 to 15' })
      .max(15, { error: 'a number of reader instances from 0 to 15 (the Aurora limit)' })
      .default(1),
  })
  .refine((d) => d.minCapacity <= d.maxCapacity, {
    error: 'at most database.maxCapacity: lower minCapacity or raise maxCapacity',
    path: ['minCapacity'],
    // Checked even when another field is invalid (every problem at once), but not when either
    // capacity is itself invalid: that problem is already reported on its own field.
    when: ({ value, issues }) =>
      bothNumbers(value, 'minCapacity', 'maxCapacity') &&
      !issues.some((i) => i.path?.[0] === 'minCapacity' || i.path?.[0] === 'maxCapacity'),
  });

const wholeDays = (what: string, min: number, max: number) =>
  z
    .number({ error: `a whole number of days for ${what}, from ${min} to ${max}` })
    .int({ error: `a whole number of days for ${what}, from ${min} to ${max}` })
    .min(min, { error: `at least ${min} days for ${what}` })
    .max(max, { error: `at most ${max} days for ${what}` });

const hour = (what: string) =>
  z
    .number({ error: `a whole hour from 0 to 23 (Europe/Paris) for ${what}` })
    .int({ error: `a whole hour from 0 to 23 (Europe/Paris) for ${what}` })
    .min(0, { error: `a whole hour from 0 to 23 (Europe/Paris) for ${what}` })
    .max(23, { error: `a whole hour from 0 to 23 (Europe/Paris) for ${what}` });

/** Backups and restore tests (BAK-01..05). Days are calendar days; hours are Europe/Paris time. */
export const backupSchema = z
  .strictObject({
    /** Hour at which daily and monthly backups start. */
    startHour: hour('backup.startHour').default(1),
    retention: z
      .strictObject({
        /** Daily recovery points. */
        dailyDays: wholeDays('daily recovery points', 7, 3653).default(35),
        /** Monthly recovery points (long term). */
        monthlyDays: wholeDays('monthly recovery points', 90, 36500).default(365),
        /** Monthly recovery points move to cold storage after this many days, where the resource type supports it. */
        monthlyColdStorageAfterDays: wholeDays('the move to cold storage', 1, 36500).default(90),
      })
      .prefault({}),
    vaultLock: z
      .strictObject({
        /** Every recovery point is kept at least this long (no rule may be shorter). */
        minRetentionDays: wholeDays('the vault lock minimum retention', 1, 36500).default(35),
        /** No recovery point is kept longer than this. */
        maxRetentionDays: wholeDays('the vault lock maximum retention', 1, 36500).default(3653),
        /** Production only: days before the compliance-mode lock becomes immutable (AWS minimum: 3). */
        changeableForDays: wholeDays('the vault lock cooling-off period', 3, 36500).default(3),
      })
      .prefault({}),
    restoreTests: z
      .strictObject({
        /** How often every protected resource is restored and validated (BAK-03: at least weekly). */
        frequency: z.enum(['weekly', 'daily'], { error: 'one of: weekly, daily (BAK-03: at least weekly)' }).default('weekly'),
        /** Hour at which restore tests start (Sunday for weekly tests). */
        startHour: hour('backup.restoreTests.startHour').default(4),
        /** Hours a restored copy is kept for validation before AWS Backup deletes it. */
        validationWindowHours: z
          .number({ error: 'a whole number of hours from 1 to 168' })
          .int({ error: 'a whole number of hours from 1 to 168' })
          .min(1, { error: 'at least 1 hour' })
          .max(168, { error: 'at most 168 hours (AWS Backup limit)' })
          .default(4),
        /** Restore time objective checked by Backup Audit Manager, in hours. */
        maxRestoreTimeHours: z
          .number({ error: 'a whole number of hours from 1 to 720' })
          .int({ error: 'a whole number of hours from 1 to 720' })
          .min(1, { error: 'at least 1 hour' })
          .max(720, { error: 'at most 720 hours' })
          .default(8),
      })
      .prefault({}),
    /**
     * Copy of daily recovery points to a vault in another allowed region (BAK-05, RES-02).
     * @default - no copy
     */
    copy: z
      .strictObject({
        region,
        retentionDays: wholeDays('copied recovery points', 7, 36500).default(35),
      })
      .optional(),
  })
  .superRefine((b, ctx) => {
    // A field already refused on its own is not refused again by the cross-field rules.
    const refused = new Set(ctx.issues.map((i) => (i.path ?? []).join('.')));
    for (const problem of backupSettingsProblems({
      retention: b.retention,
      vaultLock: b.vaultLock,
      startHour: b.startHour,
      copy: b.copy,
    })) {
      if (refused.has(problem.path.join('.'))) continue;
      ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    }
  });

/** A sentence the evidence report prints in French and in English (never mixed). */
const bilingualText = (what: string) =>
  z.strictObject(
    {
      fr: z.string({ error: `the French text of ${what}` }).min(1, { error: `a non-empty French text for ${what}` }),
      en: z.string({ error: `the English text of ${what}` }).min(1, { error: `a non-empty English text for ${what}` }),
    },
    { error: `an object { "fr": "...", "en": "..." } with ${what} in French and in English` },
  );

/**
 * One actor that hosts or processes the platform's health data, as hosts publish them for HDS EXI 31
 * (RES-04). The evidence report prints them in its transfer map.
 */
const ACTIVITY = 'an HDS hosting activity number from 1 to 6 (EXI 31)';

const hostingActor = z.strictObject({
  name: z.string({ error: 'the legal name of the actor' }).min(1, { error: 'a non-empty actor name' }),
  /** `host`: the HDS-certified host; `processor`: a subcontractor that accesses or processes the data. */
  role: z.enum(['host', 'processor'], { error: 'one of: host, processor' }),
  hdsCertified: z.boolean({ error: 'true or false: whether the actor holds the HDS certification' }),
  secNumCloud: z.boolean({ error: 'true or false: whether the service used is SecNumCloud-qualified' }),
  /** HDS hosting activities (1 to 6) the actor performs. */
  activities: z
    .array(
      z
        .number({ error: ACTIVITY })
        .int({ error: ACTIVITY })
        .min(1, { error: ACTIVITY })
        .max(6, { error: ACTIVITY }),
      { error: 'a list of HDS hosting activity numbers from 1 to 6' },
    )
    .min(1, { error: 'at least one HDS hosting activity (1 to 6)' }),
  /** Access to the data from outside the EEA, and its safeguards (EXI 29). */
  accessFromOutsideEea: bilingualText('the access from outside the EEA and its safeguards'),
  /** Exposure to the laws of a third country, and the residual risk (EXI 30). */
  thirdCountryLaw: bilingualText('the exposure to third-country law and the residual risk'),
});

/** AWS, the editor's HDS-certified host for activities 1 to 6 in the HDS regions (CONTROLS.md RES-04). */
export const AWS_HOST: z.input<typeof hostingActor> = {
  name: 'Amazon Web Services EMEA SARL',
  role: 'host',
  hdsCertified: true,
  secNumCloud: false,
  activities: [1, 2, 3, 4, 5, 6],
  accessFromOutsideEea: {
    fr: "Possible pour le support et l'exploitation d'AWS, encadré par l'avenant de traitement des données (DPA) et les clauses contractuelles types ; les données sont chiffrées avec les clés KMS gérées par l'éditeur.",
    en: "Possible for AWS support and operations, governed by the data processing addendum (DPA) and standard contractual clauses; the data is encrypted with the editor's customer-managed KMS keys.",
  },
  thirdCountryLaw: {
    fr: "Société mère aux États-Unis : exposition au droit américain (CLOUD Act, FISA 702). Risque résiduel réduit par le chiffrement avec des clés gérées par l'éditeur ; à évaluer par l'éditeur et son DPO.",
    en: "Parent company in the United States: exposure to US law (CLOUD Act, FISA 702). Residual risk reduced by encryption with editor-managed keys; to be assessed by the editor and its DPO.",
  },
};

const hostingSchema = z.strictObject({
  /**
   * Every actor that hosts or processes the data (RES-04, EXI 31). Defaults to AWS alone; an editor that
   * uses a managed-services provider or another processor lists them too (and AWS).
   */
  actors: z
    .array(hostingActor, { error: 'a list of hosting actors' })
    .min(1, { error: 'at least one actor: the HDS-certified host' })
    .refine((list) => list.some((a) => a.role === 'host' && a.hdsCertified), {
      error: 'a list with at least one HDS-certified host (role "host", hdsCertified true): health data is hosted only by an HDS-certified host',
    })
    .default([AWS_HOST as z.output<typeof hostingActor>]),
});

/** A hosting actor of the transfer map (RES-04). */
export type HostingActor = z.output<typeof hostingActor>;

const serviceMode = (service: string, why: string) =>
  z
    .enum(['create', 'existing'], {
      error: `one of: create (the platform creates ${service}), existing (the account already has one: ${why})`,
    })
    .default('create');

/** Threat detection and posture (DET-01, DET-02, DET-03). */
const detectionSchema = z.strictObject({
  /** GuardDuty detector. `existing` under an Organizations delegated administrator: a second detector fails the deployment. */
  guardDuty: serviceMode('a GuardDuty detector', 'a second detector fails the deployment'),
  /** Security Hub with the AWS Foundational Security Best Practices and CIS standards. */
  securityHub: serviceMode('Security Hub', 'enabling it twice fails the deployment'),
  /** AWS Config recorder and delivery channel. `existing` under Control Tower, which always has one. */
  configRecorder: serviceMode('an AWS Config recorder', 'Control Tower and many organizations have one; a second recorder fails the deployment'),
  /** GuardDuty findings at or above this severity raise an alert (GuardDuty: 7 to 8.9 high, 4 to 6.9 medium). */
  guardDutyMinSeverity: z
    .number({ error: 'a GuardDuty severity from 1 to 8.9 (7 = high, 4 = medium)' })
    .min(1, { error: 'a GuardDuty severity from 1 to 8.9 (7 = high, 4 = medium)' })
    .max(8.9, { error: 'a GuardDuty severity from 1 to 8.9 (7 = high, 4 = medium)' })
    .default(7),
});

const principals = (who: string) =>
  z
    .array(
      z
        .string({ error: `an IAM principal ARN (role, user or account root) allowed to assume the ${who} role` })
        .regex(IAM_PRINCIPAL_ARN, {
          error: `an IAM principal ARN such as "arn:aws:iam::123456789012:role/AWSReservedSSO_Operators_abc" or "arn:aws:iam::123456789012:root" (the ${who} role)`,
        }),
      { error: `a list of IAM principal ARNs allowed to assume the ${who} role` },
    )
    .refine((list) => new Set(list).size === list.length, { error: 'a list without duplicates' })
    .default([]);

/**
 * Who may assume the duty roles (IAM-01, LOG-06), always with MFA, an access-reason session tag and for at
 * most one hour. An empty list means the platform's account itself: any of its principals that its own IAM
 * policies let assume the role.
 */
const accessSchema = z.strictObject({
  operators: principals('operator'),
  auditors: principals('auditor'),
  breakGlass: principals('break-glass'),
});

/** The platform's end-user sign-in (IAM-03). */
const userPoolSchema = z.strictObject({
  /** A Cognito user pool for the platform's users (MFA, long passwords, threat protection). */
  enabled: z.boolean({ error: 'true or false' }).default(true),
  /** Whether people can sign themselves up (off: the editor invites its users). */
  selfSignUp: z.boolean({ error: 'true or false' }).default(false),
});

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: `a whole number from ${min} to ${max} (${what})` })
    .int({ error: `a whole number from ${min} to ${max} (${what})` })
    .min(min, { error: `a whole number from ${min} to ${max} (${what})` })
    .max(max, { error: `a whole number from ${min} to ${max} (${what})` });

/** One component of the editor's application (web, API, worker), run on Fargate behind the entry point. */
const serviceSchema = z
  .strictObject({
    /** Lower-case name, used in resource names and its ECR repository. */
    name: z
      .string({ error: 'a short lower-case name, such as "web" or "api"' })
      .regex(/^[a-z][a-z0-9-]{1,19}$/, { error: 'a short lower-case name (letters, digits, hyphens; 2 to 20 characters), such as "web" or "api"' }),
    /** Tag of the image in the service's ECR repository. Tags are immutable, so never "latest". */
    imageTag: z
      .string({ error: 'an image tag such as "1.4.2" or a commit id' })
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: 'an image tag such as "1.4.2" or a commit id (letters, digits, ".", "_", "-")' })
      .refine((t) => t !== 'latest', { error: 'a fixed image tag, not "latest": the repository has immutable tags, so each release pushes a new tag' }),
    /** Port the container listens on (HTTP, inside the VPC). */
    port: wholeNumber('container port', 1024, 65535).default(8080),
    /** Fargate CPU units and memory (a valid Fargate combination). */
    cpu: z.union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)], { error: 'one of the Fargate CPU sizes: 256, 512, 1024, 2048, 4096' }).default(256),
    memoryMiB: wholeNumber('memory in MiB', 512, 30720).default(512),
    /** Tasks kept running; autoscaling (CPU target tracking) stays between minCount and maxCount. */
    minCount: wholeNumber('minimum tasks', 1, 100).default(2),
    maxCount: wholeNumber('maximum tasks', 1, 100).default(4),
    /** Path the load balancer checks (HTTP 200). */
    healthCheckPath: z.string({ error: 'a path such as "/health"' }).regex(/^\/[\w\-./]*$/, { error: 'a path such as "/health"' }).default('/health'),
    /** Requests routed to this service (first match wins, in list order). Default: every path. */
    pathPatterns: z.array(z.string().regex(/^\/[\w\-./*?]*$/, { error: 'a path pattern such as "/api/*"' }), { error: 'a list of path patterns' }).min(1).max(5).default(['/*']),
  })
  .refine((s) => s.minCount <= s.maxCount, { error: 'at most maxCount: lower minCount or raise maxCount', path: ['minCount'] });

/** The editor's application: containers behind one filtered, TLS-only entry point (NET-04, NET-05, ENC-03). */
const applicationSchema = z
  .strictObject({
    /** Whether the platform hosts the application (entry point, services, repositories). */
    enabled: z.boolean({ error: 'true or false' }).default(true),
    /**
     * The entry point's certificate: an existing ACM certificate of the region (`certificateArn`), or one
     * created for `domainName` (validated by DNS records you publish). Exactly one.
     */
    certificateArn: z
      .string({ error: 'the ARN of an ACM certificate in the deployment region' })
      .regex(/^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, { error: 'an ACM certificate ARN such as "arn:aws:acm:eu-west-3:123456789012:certificate/0a1b2c3d-..."' })
      .optional(),
    domainName: z
      .string({ error: 'a domain name such as "app.editor.example"' })
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'a lower-case domain name such as "app.editor.example"' })
      .optional(),
    /** Requests per client IP per 5 minutes above which WAF blocks it. */
    rateLimitPer5Minutes: wholeNumber('requests per IP per 5 minutes', 100, 2_000_000_000).default(2000),
    services: z
      .array(serviceSchema, { error: 'a list of services' })
      .min(1, { error: 'at least one service' })
      .refine((list) => new Set(list.map((x) => x.name)).size === list.length, { error: 'a list of services with distinct names' })
      .default([{ name: 'web', imageTag: '1.0.0', port: 8080, cpu: 256, memoryMiB: 512, minCount: 2, maxCount: 4, healthCheckPath: '/health', pathPatterns: ['/*'] }]),
  })
  .refine((a) => !a.enabled || (a.certificateArn === undefined) !== (a.domainName === undefined), {
    error: 'exactly one of application.certificateArn (an existing ACM certificate) or application.domainName (a certificate the platform creates)',
    path: ['certificateArn'],
  });

/** The documents bucket's retention (DATA-01): a French retention preset, applied to lifecycle rules and Object Lock. */
const documentsSchema = z.strictObject({
  retention: z
    .strictObject({
      /** What the documents are; decides how long they are kept (lib/config/retention.ts). */
      preset: z
        .enum(RETENTION_PRESET_NAMES, { error: `one of the retention presets: ${RETENTION_PRESET_NAMES.join(', ')} (DATA-01)` })
        .default('patient-record'),
      /** For a preset counted from creation (care-sheet copies): days after which S3 deletes a document. */
      expireAfterDays: wholeDays('the documents expiry', 1, 36500).optional(),
      /** Object Lock default retention (governance mode), in days: nobody deletes a document earlier without bypass rights. */
      lockDays: wholeDays('the documents Object Lock retention', 1, 36500).optional(),
      /** Days an overwritten or deleted version stays recoverable in the bucket. */
      previousVersionsDays: wholeDays('previous versions of documents', 1, 36500).default(35),
    })
    .prefault({}),
});

/**
 * Secure file exchange with laboratories and peers on SFTP (ENC-03, NET-04, DATA-01). Off by default: an SFTP
 * server is billed by the hour whether used or not, and is one more way into the platform; turn it on when
 * partners exchange files (README, "Secure file exchange").
 */
const exchangeSchema = z
  .strictObject({
    enabled: z.boolean({ error: 'true or false' }).default(false),
    /** Reachable from the internet through Elastic IPs, from `allowedSourceCidrs` only; otherwise from the VPC only. */
    internetFacing: z.boolean({ error: 'true or false' }).default(false),
    /** Partner networks allowed to connect when internet-facing: IPv4 blocks of at most a /16, never 0.0.0.0/0. */
    allowedSourceCidrs: z
      .array(
        z.string().refine(isPartnerCidr, {
          error: 'an IPv4 block of a partner network, from /16 to /32, such as "203.0.113.0/24" (never 0.0.0.0/0)',
        }),
        { error: 'a list of IPv4 blocks' },
      )
      .max(50, { error: 'at most 50 blocks' })
      .default([]),
    /** Exchanged files are deleted this many days after they were written (DATA-01). */
    retentionDays: wholeDays('exchanged files', 1, 365).default(30),
    /** Service-managed users with their SSH public keys; or leave empty and set identityProviderFunctionArn. */
    users: z
      .array(
        z.strictObject({
          name: z.string({ error: 'a user name' }).regex(EXCHANGE_USER_NAME, { error: 'a user name of 3 to 100 letters, digits, "_", "-", ".", "@", such as "labo-biomed"' }),
          sshPublicKeys: z
            .array(
              z.string().regex(SSH_PUBLIC_KEY, {
                error: 'an OpenSSH public key line, such as "ssh-ed25519 AAAAC3Nza... labo"',
              }),
            )
            .min(1, { error: 'at least one SSH public key' })
            .max(10, { error: 'at most 10 SSH public keys' }),
        }),
        { error: 'a list of users { name, sshPublicKeys }' },
      )
      .refine((list) => new Set(list.map((u) => u.name)).size === list.length, { error: 'a list of users with distinct names' })
      .default([]),
    /** ARN of the editor's Lambda function that authenticates users (custom identity provider) instead of `users`. */
    identityProviderFunctionArn: z
      .string()
      .regex(LAMBDA_FUNCTION_ARN, {
        error: 'the ARN of a Lambda function, such as "arn:aws:lambda:eu-west-3:123456789012:function:sftp-identity"',
      })
      .optional(),
  })
  .refine((e) => !e.enabled || !e.internetFacing || e.allowedSourceCidrs.length > 0, {
    error: 'the partner networks allowed to connect (such as ["203.0.113.0/24"]) when internetFacing is true: an internet-facing SFTP server is never open to everyone',
    path: ['allowedSourceCidrs'],
  })
  .refine((e) => !e.enabled || (e.users.length > 0) !== (e.identityProviderFunctionArn !== undefined), {
    error: 'exactly one of exchange.users (service-managed users with SSH keys) or exchange.identityProviderFunctionArn (your identity function)',
    path: ['users'],
  });

/** Secondary use and reversibility of the health data (DATA-02, DATA-03). */
const privacySchema = z.strictObject({
  pseudonymisation: z
    .strictObject({
      /** An HMAC key and a function that turn patient identifiers into stable pseudonyms (DATA-02). */
      enabled: z.boolean({ error: 'true or false' }).default(true),
      /**
       * Generation of the pseudonymisation key (KMS cannot rotate HMAC keys). Raising it creates a new key,
       * and every pseudonym changes: a planned migration, see docs/runbooks/key-compromise.md.
       */
      keyVersion: wholeNumber('pseudonymisation key generation', 1, 99).default(1),
      /** Concurrent executions of the function (each makes up to 8 KMS calls at once). */
      reservedConcurrency: wholeNumber('concurrent executions of the pseudonymisation function', 1, 100).default(5),
    })
    .prefault({}),
  reversibility: z
    .strictObject({
      /** An export job that hands all the data back in open formats with a manifest of checksums (DATA-03). */
      enabled: z.boolean({ error: 'true or false' }).default(true),
    })
    .prefault({}),
});

const tagKey = z
  .string()
  .min(1, { error: 'a non-empty tag key' })
  .max(128, { error: 'a tag key of at most 128 characters' })
  .refine((k) => !RESERVED_TAG_PREFIXES.some((p) => k.toLowerCase().startsWith(p)), {
    error: `a tag key that does not start with ${RESERVED_TAG_PREFIXES.join(' or ')} (reserved for AWS and the blueprint)`,
  });

export const configSchema = z
  .strictObject({
    /** 12-digit AWS account id the platform is deployed to. The default is a placeholder that synthesizes offline. */
    account: z
      .string({ error: 'a 12-digit AWS account id, as a string, such as "123456789012"' })
      .regex(/^\d{12}$/, { error: 'a 12-digit AWS account id, as a string, such as "123456789012"' })
      .default('111111111111'),
    /** Region every stack is pinned to (RES-01). */
    region: region.default('eu-west-3'),
    /**
     * Regions that may hold data or copies of it (RES-01/02): a subset of the HDS EEA list that
     * contains `region`. Defaults to `[region]`: no other region is allowed until the editor says so.
     */
    allowedRegions: z
      .array(region, { error: `a list of regions among: ${regionList}` })
      .min(1, { error: `at least one region among: ${regionList}` })
      .refine((list) => new Set(list).size === list.length, { error: 'a list of regions without duplicates' })
      .optional(),
    /** Short lower-case name of this platform instance, used in resource and stack names. */
    environment: z
      .string({ error: 'a short name: lower-case letters, digits and hyphens, 2 to 20 characters, starting with a letter' })
      .regex(/^[a-z][a-z0-9-]{1,19}$/, {
        error: 'a short name: lower-case letters, digits and hyphens, 2 to 20 characters, starting with a letter',
      })
      .default('hds'),
    /** `production` locks traces and backups in compliance mode (irreversible); other stages use governance mode. */
    stage: z.enum(STAGES, { error: `one of: ${STAGES.join(', ')}` }).default('production'),
    /** Address that receives security and backup alerts (DET-03). */
    alertEmail: z
      .email({ error: 'an e-mail address, such as "security@editor.example"' })
      .default('security-alerts@example.com'),
    /** HTTPS endpoint of the editor's on-call tool, subscribed to the alert topic besides the e-mail (DET-03). */
    alertHttpsEndpoint: z
      .url({ protocol: /^https$/, error: 'an https:// URL of your on-call tool, such as "https://events.pagerduty.com/integration/abc/enqueue"' })
      .optional(),
    network: networkSchema.prefault({}),
    /** How long traces (CloudTrail, flow logs, database audit logs) are kept and locked, in days (LOG-03/04, DATA-01). */
    traceRetentionDays: z
      .number({ error: `a number of days among: ${LOG_RETENTION_DAYS.join(', ')}` })
      .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
        error: `a number of days, at least 365 (CONTROLS.md LOG-04), among the periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(365),
    database: databaseSchema.prefault({}),
    backup: backupSchema.prefault({}),
    /** Who hosts and processes the data, for the transfer map of the evidence report (RES-04, EXI 31). */
    hosting: hostingSchema.prefault({}),
    detection: detectionSchema.prefault({}),
    access: accessSchema.prefault({}),
    userPool: userPoolSchema.prefault({}),
    application: applicationSchema.prefault({ domainName: 'app.example.com' }),
    documents: documentsSchema.prefault({}),
    exchange: exchangeSchema.prefault({}),
    privacy: privacySchema.prefault({}),
    /** Extra tags on every resource (cost centre, owner...). */
    tags: z
      .record(tagKey, z
          .string({ error: 'a string tag value' })
          .max(256, { error: 'a tag value of at most 256 characters' }), {
        error: 'an object of tag keys to string values',
      })
      .default({}),
  })
  .refine((c) => c.allowedRegions === undefined || c.allowedRegions.includes(c.region), {
    error: 'a list that contains the deployment region: add the value of "region" to allowedRegions, or change region',
    path: ['allowedRegions'],
    when: ({ value }) => {
      const v = value as { region?: unknown; allowedRegions?: unknown };
      return typeof v?.region === 'string' && Array.isArray(v.allowedRegions);
    },
  })
  .refine(
    (c) => {
      const copyRegion = c.backup.copy?.region;
      return copyRegion === undefined || (copyRegion !== c.region && (c.allowedRegions ?? [c.region]).includes(copyRegion));
    },
    {
      error:
        'a region in allowedRegions other than the deployment region (RES-02, BAK-05): copies never leave the allowed regions. Add the region to allowedRegions or choose another',
      path: ['backup', 'copy', 'region'],
      when: ({ value }) => {
        const v = value as { region?: unknown; backup?: { copy?: { region?: unknown } } };
        const copyRegion = v.backup?.copy?.region;
        return typeof v?.region === 'string' && typeof copyRegion === 'string' && isHdsRegion(copyRegion);
      },
    },
  )
  .superRefine((c, ctx) => {
    // DATA-01: the documents' preset against the documents' own lock and the backups that copy them.
    const refused = new Set(ctx.issues.map((i) => (i.path ?? []).join('.')));
    for (const problem of retentionProblems({ documents: c.documents.retention, backup: c.backup })) {
      if (refused.has(problem.path.join('.'))) continue;
      ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    }
  })
  .transform((c) => ({ ...c, allowedRegions: c.allowedRegions ?? [c.region] }));

/** The validated configuration, with every default applied. */
export type HdsConfig = z.output<typeof configSchema>;
/** What an editor writes: every field optional. */
export type HdsConfigInput = z.input<typeof configSchema>;
