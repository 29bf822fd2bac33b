import * as logs from 'aws-cdk-lib/aws-logs';
import { ENC02_LOG_GROUP_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/log-group-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, parameterRef, secondStack } from './enc-fixtures';

const RULE = 'HDS-ENC02-LogGroupEncryptedWithCmk';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a log group with default settings (CloudWatch Logs service encryption)', () => {
    expectFindings(RULE, (stack) => new logs.LogGroup(stack, 'Logs'), ['TestStack/Logs/Resource']);
  });

  it('F2: a raw CfnLogGroup with no KmsKeyId', () => {
    expectFindings(RULE, (stack) => new logs.CfnLogGroup(stack, 'Logs', { retentionInDays: 400 }), ['TestStack/Logs']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(ENC02_LOG_GROUP_ENCRYPTED_WITH_CMK, (stack) => new logs.CfnLogGroup(stack, 'Logs', { kmsKeyId: parameterRef(stack) }), ['TestStack/Logs'], /^KmsKeyId \(a parameter\) cannot be evaluated/);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a log group with encryptionKey, a key of another stack', () => {
    expectCompliant(RULE, (stack, app) => new logs.LogGroup(stack, 'Logs', { encryptionKey: cmk(secondStack(app)) }));
  });

  it('P2: a raw CfnLogGroup with a literal key ARN', () => {
    expectCompliant(RULE, (stack) => new logs.CfnLogGroup(stack, 'Logs', { kmsKeyId: 'arn:aws:kms:eu-west-3:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab' }));
  });
});
