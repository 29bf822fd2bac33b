import { Aws, Fn, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENC02_DYNAMODB_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/dynamodb-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef } from './enc-fixtures';

const RULE = 'HDS-ENC02-DynamoDbEncryptedWithCmk';
const PK = { name: 'pk', type: dynamodb.AttributeType.STRING };
const REPLICA_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function cfnTable(stack: Stack, sseSpecification?: dynamodb.CfnTable.SSESpecificationProperty): dynamodb.CfnTable {
  return new dynamodb.CfnTable(stack, 'Table', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    sseSpecification,
  });
}

function cfnGlobalTable(stack: Stack, replicas: dynamodb.CfnGlobalTable.ReplicaSpecificationProperty[], sseType: string | undefined = 'KMS'): dynamodb.CfnGlobalTable {
  return new dynamodb.CfnGlobalTable(stack, 'Global', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    sseSpecification: { sseEnabled: true, sseType },
    replicas,
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a Table with default settings (AWS-owned key)', () => {
    expectFindings(RULE, (stack) => new dynamodb.Table(stack, 'Table', { partitionKey: PK }), ['TestStack/Table/Resource']);
  });

  it('F2: a Table with TableEncryption.AWS_MANAGED (aws/dynamodb)', () => {
    expectFindings(RULE, (stack) => new dynamodb.Table(stack, 'Table', { partitionKey: PK, encryption: dynamodb.TableEncryption.AWS_MANAGED }), ['TestStack/Table/Resource']);
  });

  it('F3: a raw CfnTable with a key but SSEEnabled false', () => {
    expectFindings(RULE, (stack) => cfnTable(stack, { sseEnabled: false, sseType: 'KMS', kmsMasterKeyId: KEY_ARN }), ['TestStack/Table']);
  });

  it('F4: a raw CfnTable with SSEType other than KMS', () => {
    expectFindings(RULE, (stack) => cfnTable(stack, { sseEnabled: true, sseType: 'AES256', kmsMasterKeyId: KEY_ARN }), ['TestStack/Table']);
  });

  it('F5: a TableV2 with default settings (AWS-owned key)', () => {
    expectFindings(RULE, (stack) => new dynamodb.TableV2(stack, 'Table', { partitionKey: PK }), ['TestStack/Table/Resource']);
  });

  it('F6: a TableV2 with TableEncryptionV2.awsManagedKey()', () => {
    expectFindings(RULE, (stack) => new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, encryption: dynamodb.TableEncryptionV2.awsManagedKey() }), ['TestStack/Table/Resource']);
  });

  it('F7: a raw CfnGlobalTable whose second replica has no key', () => {
    expectFindings(
      RULE,
      (stack) => cfnGlobalTable(stack, [{ region: 'eu-west-3', sseSpecification: { kmsMasterKeyId: KEY_ARN } }, { region: 'eu-west-1' }]),
      ['TestStack/Global'],
    );
  });

  it('F8: a raw CfnGlobalTable with no replica (nothing shows a key)', () => {
    expectFindings(RULE, (stack) => cfnGlobalTable(stack, []), ['TestStack/Global']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a table key from a template parameter', () => {
    expectNotEvaluated(
      ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
      (stack) => cfnTable(stack, { sseEnabled: true, kmsMasterKeyId: parameterRef(stack) }),
      ['TestStack/Table'],
      /^KMSMasterKeyId \(a parameter\) cannot be evaluated/,
    );
  });

  it('E2: an SSESpecification chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
      (stack) => cfnTable(stack, Fn.conditionIf('Cmk', { SSEEnabled: true, KMSMasterKeyId: KEY_ARN }, { SSEEnabled: false }) as never),
      ['TestStack/Table'],
      /^SSESpecification cannot be evaluated/,
    );
  });

  it('E3: SSEEnabled chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
      (stack) => cfnTable(stack, { sseEnabled: true, kmsMasterKeyId: KEY_ARN }).addPropertyOverride('SSESpecification.SSEEnabled', Fn.conditionIf('Cmk', true, false)),
      ['TestStack/Table'],
      /^SSEEnabled cannot be evaluated/,
    );
  });

  it('E4: SSEType chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
      (stack) => cfnTable(stack, { sseEnabled: true, sseType: Fn.conditionIf('Cmk', 'KMS', 'AES256').toString(), kmsMasterKeyId: KEY_ARN }),
      ['TestStack/Table'],
      /^SSEType cannot be evaluated/,
    );
  });

  it('E5: a global table whose replica list is chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
      (stack) => cfnGlobalTable(stack, Fn.conditionIf('Two', [{ region: 'eu-west-3' }], [{ region: 'eu-west-1' }]) as never),
      ['TestStack/Global'],
      /^Replicas cannot be evaluated/,
    );
  });

  it('E6: a global table whose second replica is chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
      (stack) => cfnGlobalTable(stack, [{ region: 'eu-west-3', sseSpecification: { kmsMasterKeyId: KEY_ARN } }, Fn.conditionIf('Two', { region: 'eu-west-1' }, Aws.NO_VALUE) as never]),
      ['TestStack/Global'],
      /^Replicas\[1\] cannot be evaluated/,
    );
  });

  it('E7: a global table whose second replica key is a template parameter', () => {
    expectNotEvaluated(
      ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
      (stack) =>
        cfnGlobalTable(stack, [
          { region: 'eu-west-3', sseSpecification: { kmsMasterKeyId: KEY_ARN } },
          { region: 'eu-west-1', sseSpecification: { kmsMasterKeyId: parameterRef(stack) } },
        ]),
      ['TestStack/Global'],
      /^Replicas\[1\]\.SSESpecification\.KMSMasterKeyId \(a parameter\) cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a Table with TableEncryption.CUSTOMER_MANAGED', () => {
    expectCompliant(RULE, (stack) => new dynamodb.Table(stack, 'Table', { partitionKey: PK, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: cmk(stack) }));
  });

  it('P2: a raw CfnTable with SSEEnabled and a key, SSEType absent (KMS is the only type)', () => {
    expectCompliant(RULE, (stack) => cfnTable(stack, { sseEnabled: true, kmsMasterKeyId: KEY_ARN }));
  });

  it('P3: a TableV2 with a customer-managed key in its (only) replica', () => {
    expectCompliant(RULE, (stack) =>
      new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, encryption: dynamodb.TableEncryptionV2.customerManagedKey(cmk(stack)) }),
    );
  });

  it('P4: a raw CfnGlobalTable with a key in each replica', () => {
    expectCompliant(RULE, (stack) =>
      cfnGlobalTable(stack, [
        { region: 'eu-west-3', sseSpecification: { kmsMasterKeyId: KEY_ARN } },
        { region: 'eu-west-1', sseSpecification: { kmsMasterKeyId: REPLICA_KEY } },
      ]),
    );
  });
});
