import { Stack } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type { Construct } from 'constructs';
import { recordControls } from '../controls';
import { LockedBackupVault } from '../constructs/platform-backup';
import { PlatformKeys } from '../constructs/platform-keys';
import { HdsStack, type HdsStackProps } from './hds-stack';

/**
 * The destination of cross-region copies (BAK-05), in another allowed region: its own keys and a
 * locked vault with the same lock as the primary vault. Only synthesized when `backup.copy` is set.
 */
export class BackupCopyStack extends HdsStack {
  public readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: HdsStackProps) {
    const copy = props.config.backup.copy;
    if (!copy) throw new Error(`${id}: backup.copy is not configured; there is nothing to copy to`);
    super(scope, id, {
      description: 'hds-blueprint backup copy: locked vault in a second allowed region',
      ...props,
      config: { ...props.config, region: copy.region },
    });
    const keys = new PlatformKeys(this, 'Keys', { aliasPrefix: `${this.config.environment}-copy` });
    const lock = this.config.backup.vaultLock;
    this.vault = new LockedBackupVault(this, 'Vault', {
      vaultName: BackupCopyStack.vaultName(this.config.environment),
      key: keys.backup,
      lock: {
        minRetentionDays: lock.minRetentionDays,
        maxRetentionDays: lock.maxRetentionDays,
        changeableForDays: this.lockMode === 'COMPLIANCE' ? lock.changeableForDays : undefined,
      },
    }).vault;
    recordControls(this.vault, 'BAK-05');
  }

  public static vaultName(environment: string): string {
    return `${environment}-copy-vault`;
  }

  /** ARN of the copy vault, built from its fixed name (no cross-region reference). */
  public static vaultArn(scope: Construct, environment: string, region: string): string {
    const stack = Stack.of(scope);
    return `arn:${stack.partition}:backup:${region}:${stack.account}:backup-vault:${BackupCopyStack.vaultName(environment)}`;
  }
}
