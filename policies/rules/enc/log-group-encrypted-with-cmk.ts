import { defineRule } from '../rule';
import { isCustomerManagedKey, resourceRule } from './support';

/** ENC-02, CloudWatch Logs: a log group is encrypted with a customer-managed key (KmsKeyId). */
export const ENC02_LOG_GROUP_ENCRYPTED_WITH_CMK = defineRule({
  name: 'LogGroupEncryptedWithCmk',
  control: 'ENC-02',
  problem: 'This CloudWatch Logs log group is not encrypted with a customer-managed KMS key (KmsKeyId).',
  fix: 'create the log group with encryptionKey: the platform logs key.',
  explanation:
    'ISO 27001 A.8.24 and A.8.15, RGPD art. 32: traces and application logs can contain health data and identifiers; they are encrypted with keys the editor controls and audits.',
  create: () => resourceRule('LogGroupEncryptedWithCmk', ['AWS::Logs::LogGroup'], (group) => isCustomerManagedKey(group, group.properties.KmsKeyId, 'KmsKeyId')),
});
