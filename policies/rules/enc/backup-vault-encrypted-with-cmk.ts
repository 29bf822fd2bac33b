import { defineRule } from '../rule';
import { isCustomerManagedKey, resourceRule } from './support';

/** ENC-02, AWS Backup: a vault is encrypted with a customer-managed key (EncryptionKeyArn). */
export const ENC02_BACKUP_VAULT_ENCRYPTED_WITH_CMK = defineRule({
  name: 'BackupVaultEncryptedWithCmk',
  control: 'ENC-02',
  problem: 'This AWS Backup vault is not encrypted with a customer-managed KMS key (EncryptionKeyArn): aws/backup is used.',
  fix: 'create the vault with encryptionKey: the platform backup key (PlatformBackup does).',
  explanation:
    'ISO 27001 A.8.24 and A.8.13, RGPD art. 32: recovery points are copies of health data; they are encrypted with a key the editor controls, separate from the data key.',
  create: () =>
    resourceRule('BackupVaultEncryptedWithCmk', ['AWS::Backup::BackupVault'], (vault) =>
      isCustomerManagedKey(vault, vault.properties.EncryptionKeyArn, 'EncryptionKeyArn'),
    ),
});
