import { defineRule } from '../rule';
import { asBoolean, asString, at, isCustomerManagedKey, listAt, type RenderedResource, resourceRule } from './support';

/**
 * SSESpecification turns KMS encryption on: SSEEnabled true, SSEType KMS or absent (KMS is the only type,
 * and the one SSEEnabled selects). Without it, DynamoDB uses an AWS-owned key.
 */
function kmsEnabled(table: RenderedResource): boolean {
  const spec = table.properties.SSESpecification;
  const sseType = asString(at(spec, ['SSEType'], 'SSESpecification'), 'SSEType');
  return asBoolean(at(spec, ['SSEEnabled'], 'SSESpecification'), 'SSEEnabled') === true && (sseType === undefined || sseType === 'KMS');
}

/**
 * ENC-02, DynamoDB: a table is encrypted with a customer-managed key (SSESpecification.KMSMasterKeyId); a
 * global table in every replica (Replicas[].SSESpecification.KMSMasterKeyId), and has at least one replica.
 */
export const ENC02_DYNAMODB_ENCRYPTED_WITH_CMK = defineRule({
  name: 'DynamoDbEncryptedWithCmk',
  control: 'ENC-02',
  problem:
    'This DynamoDB table is not encrypted with a customer-managed KMS key (SSESpecification with SSEEnabled, SSEType KMS and KMSMasterKeyId; for a global table, a key in every replica).',
  fix: 'create the table with encryption: TableEncryption.CUSTOMER_MANAGED and encryptionKey (TableV2: TableEncryptionV2.customerManagedKey(key, replicaKeyArns)), a platform key.',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32 (encryption of personal data): health data at rest is encrypted with keys the editor controls and audits, not with AWS-owned keys it cannot see.',
  create: () =>
    resourceRule('DynamoDbEncryptedWithCmk', ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'], (table) => {
      if (!kmsEnabled(table)) return false;
      if (table.node.cfnResourceType === 'AWS::DynamoDB::Table') {
        return isCustomerManagedKey(table, at(table.properties, ['SSESpecification', 'KMSMasterKeyId'], 'SSESpecification'), 'KMSMasterKeyId');
      }
      const replicas = listAt(table.properties, ['Replicas'], 'Replicas');
      return (
        replicas.length > 0 &&
        replicas.every((replica, i) =>
          isCustomerManagedKey(table, at(replica, ['SSESpecification', 'KMSMasterKeyId'], `Replicas[${i}]`), `Replicas[${i}].SSESpecification.KMSMasterKeyId`),
        )
      );
    }),
});
