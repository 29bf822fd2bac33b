import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { recordControls } from '../controls';

/** Point-in-time recovery window of continuous backups: the AWS Backup maximum. */
export const CONTINUOUS_BACKUP_DAYS = 35;
/** AWS Backup keeps recovery points in cold storage at least this long. */
export const COLD_STORAGE_MINIMUM_DAYS = 90;

export interface BackupRetention {
  /** Daily recovery points are kept this many days. */
  readonly dailyDays: number;
  /** Monthly recovery points are kept this many days. */
  readonly monthlyDays: number;
  /**
   * Monthly recovery points move to cold storage after this many days, for resource types that
   * support it (at least 90 days before they expire).
   */
  readonly monthlyColdStorageAfterDays: number;
}

export interface VaultLockSettings {
  /** Every recovery point in the vault is kept at least this long; no rule may keep one shorter. */
  readonly minRetentionDays: number;
  /** No recovery point may be kept longer than this. */
  readonly maxRetentionDays: number;
  /**
   * Compliance mode: the lock becomes immutable after this many days (at least 3, AWS's cooling-off
   * period). Absent: governance mode, the lock can be removed by a privileged principal.
   */
  readonly changeableForDays?: number;
}

export interface BackupCopy {
  /** Vault in another allowed region (RES-02, BAK-05). */
  readonly destinationVaultArn: string;
  readonly retentionDays: number;
}

export interface PlatformBackupProps {
  /** Prefix of the vault and plan names. */
  readonly namePrefix: string;
  /** Encrypts recovery points (BAK-01, ENC-02). */
  readonly backupKey: kms.IKey;
  readonly retention: BackupRetention;
  readonly vaultLock: VaultLockSettings;
  /** Local hour (0-23, Europe/Paris) at which daily and monthly backups start. */
  readonly startHour: number;
  /** Resources carrying this tag are backed up (BAK-02). */
  readonly selectionTag: { readonly key: string; readonly value: string };
  /** @default - no cross-region copy */
  readonly copy?: BackupCopy;
}

/** The AWS-managed policies AWS Backup needs to back up and restore S3 and Aurora (no narrower ones exist). */
export const BACKUP_SERVICE_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
] as const;

export interface LockedBackupVaultProps {
  readonly vaultName: string;
  /** Encrypts recovery points (BAK-01, ENC-02). */
  readonly key: kms.IKey;
  readonly lock: VaultLockSettings;
}

/**
 * A backup vault nobody can empty (BAK-01): encrypted with a customer-managed key, locked
 * (compliance mode when `changeableForDays` is set), with an access policy that denies deleting
 * recovery points or changing their lifecycle to every principal, and retained with its stack.
 */
export class LockedBackupVault extends Construct {
  public readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: LockedBackupVaultProps) {
    super(scope, id);
    const { lock } = props;
    this.vault = new backup.BackupVault(this, 'Resource', {
      backupVaultName: props.vaultName,
      encryptionKey: props.key,
      lockConfiguration: {
        minRetention: Duration.days(lock.minRetentionDays),
        maxRetention: Duration.days(lock.maxRetentionDays),
        changeableFor: lock.changeableForDays === undefined ? undefined : Duration.days(lock.changeableForDays),
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault.addToAccessPolicy(
      new iam.PolicyStatement({
        sid: 'DenyRecoveryPointDeletionAndLifecycleChanges',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
        resources: ['*'],
      }),
    );
    recordControls(this.vault, 'BAK-01', 'ENC-02');
  }
}

/**
 * Backups an editor can prove (BAK-01, BAK-02, BAK-05): a vault encrypted with the backup key, locked
 * (compliance mode in production), whose access policy denies deleting recovery points or shortening
 * their lifecycle; a plan with continuous backup (35-day point-in-time recovery), daily and monthly
 * recovery points; a selection of every resource tagged for backup.
 */
export class PlatformBackup extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;
  /** Role AWS Backup assumes to back up and restore the selected resources. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PlatformBackupProps) {
    super(scope, id);
    validateBackupSettings(this, props);
    const stack = Stack.of(this);

    this.vault = new LockedBackupVault(this, 'Vault', {
      vaultName: `${props.namePrefix}-vault`,
      key: props.backupKey,
      lock: props.vaultLock,
    }).vault;

    const timezone = TimeZone.EUROPE_PARIS;
    const daily = events.Schedule.cron({ minute: '0', hour: String(props.startHour) });
    const monthly = events.Schedule.cron({ minute: '0', hour: String(props.startHour), day: '1' });
    const window = { startWindow: Duration.hours(1), completionWindow: Duration.hours(8) };
    const copyActions = props.copy
      ? [
          {
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyDestination', props.copy.destinationVaultArn),
            deleteAfter: Duration.days(props.copy.retentionDays),
          },
        ]
      : undefined;

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `${props.namePrefix}-plan`,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'continuous',
          enableContinuousBackup: true,
          deleteAfter: Duration.days(CONTINUOUS_BACKUP_DAYS),
          scheduleExpression: daily,
          scheduleExpressionTimezone: timezone,
          ...window,
        }),
        new backup.BackupPlanRule({
          ruleName: 'daily',
          deleteAfter: Duration.days(props.retention.dailyDays),
          scheduleExpression: daily,
          scheduleExpressionTimezone: timezone,
          copyActions,
          ...window,
        }),
        new backup.BackupPlanRule({
          ruleName: 'monthly',
          deleteAfter: Duration.days(props.retention.monthlyDays),
          moveToColdStorageAfter: Duration.days(props.retention.monthlyColdStorageAfterDays),
          scheduleExpression: monthly,
          scheduleExpressionTimezone: timezone,
          ...window,
        }),
      ],
    });
    recordControls(this.plan, 'BAK-02');

    this.role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'AWS Backup: back up and restore the resources tagged for backup',
      managedPolicies: BACKUP_SERVICE_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });

    const selection = this.plan.addSelection('Tagged', {
      backupSelectionName: 'tagged-for-backup',
      resources: [backup.BackupResource.fromTag(props.selectionTag.key, props.selectionTag.value)],
      role: this.role,
    });
    recordControls(selection, 'BAK-02');
  }
}

/** A problem with backup settings: which setting (a path relative to the settings), and why. */
export interface BackupSettingsProblem {
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * What AWS Backup would reject at deploy time, or what would lose recovery points. One source for
 * the construct (which throws) and the config schema (which reports each problem on its field).
 */
export function backupSettingsProblems(settings: {
  readonly retention: BackupRetention;
  readonly vaultLock: VaultLockSettings;
  readonly startHour: number;
  readonly copy?: { readonly retentionDays: number };
}): BackupSettingsProblem[] {
  const problems: BackupSettingsProblem[] = [];
  const { retention, vaultLock } = settings;
  const retentions: [string[], string, number][] = [
    [['vaultLock', 'minRetentionDays'], 'continuous backup (35 days, fixed)', CONTINUOUS_BACKUP_DAYS],
    [['retention', 'dailyDays'], 'retention.dailyDays', retention.dailyDays],
    [['retention', 'monthlyDays'], 'retention.monthlyDays', retention.monthlyDays],
  ];
  if (settings.copy) retentions.push([['copy', 'retentionDays'], 'copy.retentionDays', settings.copy.retentionDays]);
  for (const [path, name, days] of retentions) {
    if (days < vaultLock.minRetentionDays) {
      problems.push({
        path,
        message: `${name} is ${days} days, shorter than the vault lock minimum (vaultLock.minRetentionDays = ${vaultLock.minRetentionDays}): the vault would refuse these recovery points. Raise ${name} or lower the minimum`,
      });
    }
    if (days > vaultLock.maxRetentionDays) {
      problems.push({
        path: ['vaultLock', 'maxRetentionDays'],
        message: `${name} is ${days} days, longer than the vault lock maximum (vaultLock.maxRetentionDays = ${vaultLock.maxRetentionDays}). Lower ${name} or raise the maximum`,
      });
    }
  }
  if (vaultLock.minRetentionDays > vaultLock.maxRetentionDays) {
    problems.push({
      path: ['vaultLock', 'minRetentionDays'],
      message: `vaultLock.minRetentionDays (${vaultLock.minRetentionDays}) exceeds vaultLock.maxRetentionDays (${vaultLock.maxRetentionDays})`,
    });
  }
  if (retention.monthlyDays < retention.monthlyColdStorageAfterDays + COLD_STORAGE_MINIMUM_DAYS) {
    problems.push({
      path: ['retention', 'monthlyDays'],
      message: `retention.monthlyDays is ${retention.monthlyDays}; recovery points stay in cold storage at least ${COLD_STORAGE_MINIMUM_DAYS} days, so it must be at least monthlyColdStorageAfterDays + ${COLD_STORAGE_MINIMUM_DAYS} = ${retention.monthlyColdStorageAfterDays + COLD_STORAGE_MINIMUM_DAYS}`,
    });
  }
  if (vaultLock.changeableForDays !== undefined && vaultLock.changeableForDays < 3) {
    problems.push({
      path: ['vaultLock', 'changeableForDays'],
      message: `vaultLock.changeableForDays is ${vaultLock.changeableForDays}; AWS Backup requires at least 3 days (its cooling-off period)`,
    });
  }
  if (!Number.isInteger(settings.startHour) || settings.startHour < 0 || settings.startHour > 23) {
    problems.push({ path: ['startHour'], message: `startHour is ${settings.startHour}; allowed: a whole hour from 0 to 23` });
  }
  return problems;
}

function validateBackupSettings(scope: Construct, props: PlatformBackupProps): void {
  const problems = backupSettingsProblems(props);
  if (problems.length > 0) {
    throw new Error(
      `${scope.node.path}: invalid backup settings:\n${problems.map((p) => `  - ${p.path.join('.')}: ${p.message}`).join('\n')}`,
    );
  }
}
