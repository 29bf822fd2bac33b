import { defineRule } from '../rule';
import { at, isCustomerManagedKey, listAt, resourceRule } from './support';

/** ENC-02, Secrets Manager: a secret and each of its replicas are encrypted with a customer-managed key. */
export const ENC02_SECRET_ENCRYPTED_WITH_CMK = defineRule({
  name: 'SecretEncryptedWithCmk',
  control: 'ENC-02',
  problem:
    'This Secrets Manager secret (or one of its replicas) is not encrypted with a customer-managed KMS key (KmsKeyId, ReplicaRegions[].KmsKeyId): aws/secretsmanager is used.',
  fix: 'create the secret with encryptionKey: a platform key, and a key for every replica region.',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32: credentials that open health data are encrypted with keys the editor controls, so that reading them needs a KMS permission CloudTrail records.',
  create: () =>
    resourceRule('SecretEncryptedWithCmk', ['AWS::SecretsManager::Secret'], (secret) => {
      const replicas = listAt(secret.properties, ['ReplicaRegions'], 'ReplicaRegions');
      return (
        isCustomerManagedKey(secret, secret.properties.KmsKeyId, 'KmsKeyId') &&
        replicas.every((replica, i) => isCustomerManagedKey(secret, at(replica, ['KmsKeyId'], `ReplicaRegions[${i}]`), `ReplicaRegions[${i}].KmsKeyId`))
      );
    }),
});
