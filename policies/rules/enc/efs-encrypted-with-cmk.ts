import { defineRule } from '../rule';
import { asBoolean, isCustomerManagedKey, resourceRule } from './support';

/** ENC-02, EFS: a file system is encrypted (Encrypted) with a customer-managed key (KmsKeyId). */
export const ENC02_EFS_ENCRYPTED_WITH_CMK = defineRule({
  name: 'EfsEncryptedWithCmk',
  control: 'ENC-02',
  problem: 'This EFS file system is not encrypted with a customer-managed KMS key (Encrypted true and KmsKeyId).',
  fix: 'create the file system with encrypted: true and kmsKey: a platform key.',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32 (encryption of personal data): shared files that may hold health data are encrypted with keys the editor controls and audits.',
  create: () =>
    resourceRule('EfsEncryptedWithCmk', ['AWS::EFS::FileSystem'], (fileSystem) => {
      const p = fileSystem.properties;
      return asBoolean(p.Encrypted, 'Encrypted') === true && isCustomerManagedKey(fileSystem, p.KmsKeyId, 'KmsKeyId');
    }),
});
