import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlertTopic } from '../../../lib/constructs/alert-topic';
import { ENC02_SNS_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/sns-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, parameterRef, secondStack } from './enc-fixtures';

const RULE = 'HDS-ENC02-SnsEncryptedWithCmk';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a topic with default settings (not encrypted)', () => {
    expectFindings(RULE, (stack) => new sns.Topic(stack, 'Topic'), ['TestStack/Topic/Resource']);
  });

  it('F2: a topic encrypted with the AWS-managed alias/aws/sns', () => {
    expectFindings(
      RULE,
      (stack) => new sns.Topic(stack, 'Topic', { masterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') }),
      ['TestStack/Topic/Resource'],
    );
  });

  it('F3: a raw CfnTopic with KmsMasterKeyId alias/aws/sns', () => {
    expectFindings(RULE, (stack) => new sns.CfnTopic(stack, 'Topic', { kmsMasterKeyId: 'alias/aws/sns' }), ['TestStack/Topic']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(ENC02_SNS_ENCRYPTED_WITH_CMK, (stack) => new sns.CfnTopic(stack, 'Topic', { kmsMasterKeyId: parameterRef(stack) }), ['TestStack/Topic'], /^KmsMasterKeyId \(a parameter\) cannot be evaluated/);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a topic with masterKey, a customer-managed key', () => {
    expectCompliant(RULE, (stack) => new sns.Topic(stack, 'Topic', { masterKey: cmk(stack) }));
  });

  it("P2: the platform's alert topic, with the logs key of another stack", () => {
    expectCompliant(RULE, (stack, app) => new AlertTopic(stack, 'Alerts', { key: cmk(secondStack(app)), email: 'ops@example.org' }));
  });
});
