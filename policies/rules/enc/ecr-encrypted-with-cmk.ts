import { defineRule } from '../rule';
import { asString, at, isCustomerManagedKey, resourceRule } from './support';

const KMS_TYPES: ReadonlySet<string> = new Set(['KMS', 'KMS_DSSE']);

/**
 * ENC-02, ECR: a repository is encrypted with a customer-managed key (EncryptionConfiguration EncryptionType
 * KMS or KMS_DSSE with a KmsKey). Without a configuration ECR uses AES256; KMS without a key uses aws/ecr.
 */
export const ENC02_ECR_ENCRYPTED_WITH_CMK = defineRule({
  name: 'EcrEncryptedWithCmk',
  control: 'ENC-02',
  problem: 'This ECR repository is not encrypted with a customer-managed KMS key: AES256 (the default), or KMS with the AWS-managed key aws/ecr.',
  fix: 'create the repository with encryption: RepositoryEncryption.KMS and encryptionKey: a platform key (ContainerService does).',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32: the images of the application that processes health data (its code, its configuration) are encrypted with keys the editor controls and audits.',
  create: () =>
    resourceRule('EcrEncryptedWithCmk', ['AWS::ECR::Repository'], (repository) => {
      const what = 'EncryptionConfiguration';
      const type = asString(at(repository.properties, ['EncryptionConfiguration', 'EncryptionType'], what), 'EncryptionType');
      if (type === undefined || !KMS_TYPES.has(type)) return false;
      return isCustomerManagedKey(repository, at(repository.properties, ['EncryptionConfiguration', 'KmsKey'], what), 'KmsKey');
    }),
});
