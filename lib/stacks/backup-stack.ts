import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BackupAudit } from '../constructs/backup-audit';
import { BACKUP_TAG, DATABASE_PORT, type HealthDataStore } from '../constructs/health-data-store';
import { PlatformBackup } from '../constructs/platform-backup';
import type { PrivateNetwork } from '../constructs/private-network';
import { RestoreTesting } from '../constructs/restore-testing';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface BackupStackProps extends HdsStackProps {
  readonly backupKey: kms.IKey;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly accessLogs: s3.IBucket;
  readonly network: PrivateNetwork;
  readonly store: HealthDataStore;
  readonly alertTopic: sns.ITopic;
  /** ARN of the copy vault in another allowed region, when `backup.copy` is configured. */
  readonly copyVaultArn?: string;
}

/** Backups an editor can prove (BAK-01..05): locked vault, plan, restore tests, audit evidence. */
export class BackupStack extends HdsStack {
  public readonly backup: PlatformBackup;
  public readonly restoreTesting: RestoreTesting;
  public readonly audit: BackupAudit;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id, { description: 'hds-blueprint backup: locked vault, plan, restore tests, audit', ...props });
    const { backup: settings } = this.config;
    const name = this.config.environment;

    this.backup = new PlatformBackup(this, 'Backup', {
      namePrefix: name,
      backupKey: props.backupKey,
      retention: settings.retention,
      vaultLock: {
        minRetentionDays: settings.vaultLock.minRetentionDays,
        maxRetentionDays: settings.vaultLock.maxRetentionDays,
        // Compliance mode (immutable after the cooling-off period) in production only.
        changeableForDays: this.lockMode === 'COMPLIANCE' ? settings.vaultLock.changeableForDays : undefined,
      },
      startHour: settings.startHour,
      selectionTag: BACKUP_TAG,
      copy:
        settings.copy && props.copyVaultArn
          ? { destinationVaultArn: props.copyVaultArn, retentionDays: settings.copy.retentionDays }
          : undefined,
    });

    this.restoreTesting = new RestoreTesting(this, 'RestoreTesting', {
      namePrefix: name,
      vault: this.backup.vault,
      frequency: settings.restoreTests.frequency,
      startHour: settings.restoreTests.startHour,
      validationWindowHours: settings.restoreTests.validationWindowHours,
      selectionTag: BACKUP_TAG,
      vpc: props.network.vpc,
      computeSubnets: props.network.computeSubnets,
      vpcCidr: props.network.cidrBlock,
      dbSubnetGroupName: props.store.databaseSubnetGroup.subnetGroupName,
      databasePort: DATABASE_PORT,
      dataKey: props.dataKey,
      logsKey: props.logsKey,
      logRetention: this.traceRetention,
      allowedRegions: this.config.allowedRegions,
      alertTopic: props.alertTopic,
    });

    this.audit = new BackupAudit(this, 'Audit', {
      namePrefix: name,
      key: props.logsKey,
      accessLogs: props.accessLogs,
      lockMode: this.lockMode,
      retentionDays: this.config.traceRetentionDays,
      minimumRetentionDays: settings.vaultLock.minRetentionDays,
      maxRestoreTimeHours: settings.restoreTests.maxRestoreTimeHours,
    });
  }
}
