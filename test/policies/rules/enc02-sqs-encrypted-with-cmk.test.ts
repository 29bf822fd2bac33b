import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ENC02_SQS_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/sqs-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef, secondStack } from './enc-fixtures';

/**
 * The SQS rule is the simplest ENC-02 rule (one key property): its fixtures also cover every way a key
 * property can designate a key (support.ts `isCustomerManagedKey`), which the other ENC-02 rules share.
 */
const RULE = 'HDS-ENC02-SqsEncryptedWithCmk';
const QUEUE = 'TestStack/Queue/Resource';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a queue with default settings (SSE-SQS)', () => {
    expectFindings(RULE, (stack) => new sqs.Queue(stack, 'Queue'), [QUEUE]);
  });

  it('F2: QueueEncryption.UNENCRYPTED', () => {
    expectFindings(RULE, (stack) => new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED }), [QUEUE]);
  });

  it('F3: QueueEncryption.KMS_MANAGED (alias/aws/sqs)', () => {
    expectFindings(RULE, (stack) => new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.KMS_MANAGED }), [QUEUE]);
  });

  it('F4: a raw CfnQueue with the ARN of the AWS-managed alias', () => {
    expectFindings(RULE, (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: 'arn:aws:kms:eu-west-3:111111111111:alias/aws/sqs' }), ['TestStack/Queue']);
  });

  it('F5: the AWS-managed alias ARN built with Fn::Sub and pseudo parameters', () => {
    expectFindings(
      RULE,
      (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: Fn.sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/sqs') }),
      ['TestStack/Queue'],
    );
  });

  it('F6: a literal that is not a key identifier', () => {
    expectFindings(RULE, (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: 'aws/sqs' }), ['TestStack/Queue']);
  });

  it('F7: the AWS-managed alias imported with kms.Alias.fromAliasName', () => {
    expectFindings(
      RULE,
      (stack) => new sqs.Queue(stack, 'Queue', { encryptionMasterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sqs') }),
      [QUEUE],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(ENC02_SQS_ENCRYPTED_WITH_CMK, (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: parameterRef(stack) }), ['TestStack/Queue'], /^KmsMasterKeyId \(a parameter\) cannot be evaluated/);
  });

  it('E2: a key imported from an export no stack of the app makes', () => {
    expectNotEvaluated(ENC02_SQS_ENCRYPTED_WITH_CMK, (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: Fn.importValue('shared-key-arn') }), ['TestStack/Queue']);
  });

  it('E3: a reference to a resource that is not a key (a bucket ARN)', () => {
    expectNotEvaluated(
      ENC02_SQS_ENCRYPTED_WITH_CMK,
      (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: new s3.Bucket(stack, 'Bucket').bucketArn }),
      ['TestStack/Queue'],
    );
  });

  it('E5: a hand-written Ref of a template parameter (a property override)', () => {
    expectNotEvaluated(
      ENC02_SQS_ENCRYPTED_WITH_CMK,
      (stack) => {
        new CfnParameter(stack, 'KeyArn', { type: 'String' }).overrideLogicalId('KeyArn');
        new sqs.CfnQueue(stack, 'Queue').addPropertyOverride('KmsMasterKeyId', { Ref: 'KeyArn' });
      },
      ['TestStack/Queue'],
    );
  });

  it('E4: a key chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_SQS_ENCRYPTED_WITH_CMK,
      (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: Fn.conditionIf('Cmk', KEY_ARN, 'alias/aws/sqs').toString() }),
      ['TestStack/Queue'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: encryptionMasterKey, a key of the same stack (Fn::GetAtt Arn)', () => {
    expectCompliant(RULE, (stack) => new sqs.Queue(stack, 'Queue', { encryptionMasterKey: cmk(stack) }));
  });

  it('P2: a raw CfnQueue with Ref of a CfnKey (the key id)', () => {
    expectCompliant(RULE, (stack) => new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: new kms.CfnKey(stack, 'Key', {}).ref }));
  });

  it('P3: a key of another stack of the app (a cross-stack reference)', () => {
    expectCompliant(RULE, (stack, app) => new sqs.Queue(stack, 'Queue', { encryptionMasterKey: cmk(secondStack(app)) }));
  });

  it('P4: a customer alias of the app (Ref of an AWS::KMS::Alias)', () => {
    expectCompliant(RULE, (stack) => {
      const alias = new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/hds/queue', targetKeyId: cmk(stack).keyId });
      new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: alias.ref });
    });
  });

  it('P5: literal identifiers of keys outside the app: key ARN, key id, multi-Region key id, customer alias name and ARN', () => {
    expectCompliant(RULE, (stack) => {
      const ids = [
        KEY_ARN,
        '1234abcd-12ab-34cd-56ef-1234567890ab',
        'mrk-1234abcd12ab34cd56ef1234567890ab',
        'alias/hds/queue',
        'arn:aws:kms:eu-west-3:111111111111:alias/hds/queue',
      ];
      ids.forEach((kmsMasterKeyId, i) => new sqs.CfnQueue(stack, `Queue${i}`, { kmsMasterKeyId }));
    });
  });

  it('P6: a key ARN built with Fn::Sub and pseudo parameters', () => {
    expectCompliant(RULE, (stack) =>
      new sqs.CfnQueue(stack, 'Queue', { kmsMasterKeyId: Fn.sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab') }),
    );
  });

  it('P7: a hand-written Fn::GetAtt of a key of the stack (a property override)', () => {
    expectCompliant(RULE, (stack) => {
      const key = new kms.CfnKey(stack, 'Key', {});
      key.overrideLogicalId('QueueKey');
      new sqs.CfnQueue(stack, 'Queue').addPropertyOverride('KmsMasterKeyId', { 'Fn::GetAtt': ['QueueKey', 'Arn'] });
    });
  });
});
