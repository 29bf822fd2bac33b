import { defineRule } from '../rule';
import { isCustomerManagedKey, resourceRule } from './support';

/** ENC-02, SNS: a topic is encrypted with a customer-managed key (KmsMasterKeyId; not alias/aws/sns). */
export const ENC02_SNS_ENCRYPTED_WITH_CMK = defineRule({
  name: 'SnsEncryptedWithCmk',
  control: 'ENC-02',
  problem: 'This SNS topic is not encrypted with a customer-managed KMS key (KmsMasterKeyId): alias/aws/sns or no encryption.',
  fix: 'create the topic with masterKey: a platform key (AlertTopic does).',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32 (encryption of personal data): notifications may name patients or resources; they are encrypted with keys the editor controls and audits.',
  create: () => resourceRule('SnsEncryptedWithCmk', ['AWS::SNS::Topic'], (topic) => isCustomerManagedKey(topic, topic.properties.KmsMasterKeyId, 'KmsMasterKeyId')),
});
