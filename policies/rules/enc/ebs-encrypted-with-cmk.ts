import { defineRule } from '../rule';
import { asBoolean, isCustomerManagedKey, resourceRule } from './support';

/** ENC-02, EBS: a volume is encrypted (Encrypted) with a customer-managed key (KmsKeyId). */
export const ENC02_EBS_ENCRYPTED_WITH_CMK = defineRule({
  name: 'EbsEncryptedWithCmk',
  control: 'ENC-02',
  problem: 'This EBS volume is not encrypted with a customer-managed KMS key (Encrypted true and KmsKeyId).',
  fix: 'create the volume with encrypted: true and encryptionKey: a platform key.',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32 (encryption of personal data): a disk that holds or caches health data is encrypted with keys the editor controls and audits.',
  create: () =>
    resourceRule('EbsEncryptedWithCmk', ['AWS::EC2::Volume'], (volume) => {
      const p = volume.properties;
      return asBoolean(p.Encrypted, 'Encrypted') === true && isCustomerManagedKey(volume, p.KmsKeyId, 'KmsKeyId');
    }),
});
