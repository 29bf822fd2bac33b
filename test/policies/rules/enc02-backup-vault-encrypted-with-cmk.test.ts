import * as backup from 'aws-cdk-lib/aws-backup';
import { ENC02_BACKUP_VAULT_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/backup-vault-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, parameterRef, secondStack } from './enc-fixtures';

const RULE = 'HDS-ENC02-BackupVaultEncryptedWithCmk';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a vault with default settings (aws/backup)', () => {
    expectFindings(RULE, (stack) => new backup.BackupVault(stack, 'Vault'), ['TestStack/Vault/Resource']);
  });

  it('F2: a raw CfnBackupVault with the AWS-managed alias ARN', () => {
    expectFindings(
      RULE,
      (stack) => new backup.CfnBackupVault(stack, 'Vault', { backupVaultName: 'v', encryptionKeyArn: 'arn:aws:kms:eu-west-3:111111111111:alias/aws/backup' }),
      ['TestStack/Vault'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(
      ENC02_BACKUP_VAULT_ENCRYPTED_WITH_CMK,
      (stack) => new backup.CfnBackupVault(stack, 'Vault', { backupVaultName: 'v', encryptionKeyArn: parameterRef(stack) }),
      ['TestStack/Vault'],
      /^EncryptionKeyArn \(a parameter\) cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a vault with encryptionKey, a key of another stack', () => {
    expectCompliant(RULE, (stack, app) => new backup.BackupVault(stack, 'Vault', { encryptionKey: cmk(secondStack(app)) }));
  });
});
