import { defineRule } from '../rule';
import { isCustomerManagedKey, resourceRule } from './support';

/** ENC-02, SQS: a queue is encrypted with a customer-managed key (KmsMasterKeyId; not SSE-SQS, not alias/aws/sqs). */
export const ENC02_SQS_ENCRYPTED_WITH_CMK = defineRule({
  name: 'SqsEncryptedWithCmk',
  control: 'ENC-02',
  problem: 'This SQS queue is not encrypted with a customer-managed KMS key (KmsMasterKeyId): SSE-SQS, alias/aws/sqs or no encryption.',
  fix: 'create the queue with encryption: QueueEncryption.KMS and encryptionMasterKey: a platform key.',
  explanation:
    'ISO 27001 A.8.24 and RGPD art. 32 (encryption of personal data): messages may carry health data or identifiers; they are encrypted with keys the editor controls and audits.',
  create: () => resourceRule('SqsEncryptedWithCmk', ['AWS::SQS::Queue'], (queue) => isCustomerManagedKey(queue, queue.properties.KmsMasterKeyId, 'KmsMasterKeyId')),
});
