import { CfnParameter, Duration, type Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PlatformKeys } from '../../../lib/constructs/platform-keys';
import { ENC01_KEY_DELETION_WINDOW } from '../../../policies/rules/enc/key-deletion-window';
import { expectCompliant, expectFindings } from '../support';
import { expectNotEvaluated, verdictOf } from './enc-fixtures';

const RULE = 'HDS-ENC01-KeyDeletionWindow';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a kms.Key with a 7-day window (the shortest)', () => {
    expectFindings(RULE, (stack) => new kms.Key(stack, 'Key', { pendingWindow: Duration.days(7) }), ['TestStack/Key/Resource']);
  });

  it('F2: a raw CfnKey with PendingWindowInDays 29', () => {
    expectFindings(RULE, (stack) => new kms.CfnKey(stack, 'Key', { pendingWindowInDays: 29 }), ['TestStack/Key']);
  });

  it('F3: a replica key with a 7-day window', () => {
    expectFindings(
      RULE,
      (stack) => new kms.CfnReplicaKey(stack, 'Replica', { primaryKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab', keyPolicy: {}, pendingWindowInDays: 7 }),
      ['TestStack/Replica'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: PendingWindowInDays from a parameter', () => {
    expectNotEvaluated(
      ENC01_KEY_DELETION_WINDOW,
      (stack) => new kms.CfnKey(stack, 'Key', { pendingWindowInDays: new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber }),
      ['TestStack/Key'],
      /^PendingWindowInDays cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a kms.Key with a 30-day window', () => {
    expectCompliant(RULE, (stack) => new kms.Key(stack, 'Key', { pendingWindow: Duration.days(30) }));
  });

  it('P2: a raw CfnKey with no PendingWindowInDays (CloudFormation uses 30)', () => {
    expectCompliant(RULE, (stack) => new kms.CfnKey(stack, 'Key', {}));
  });

  it("P3: the platform's keys (PlatformKeys)", () => {
    expectCompliant(RULE, (stack) => new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' }));
  });

  it('P4: resources other than keys (an alias) are not applicable, keys are judged', () => {
    const build = (stack: Stack) => new kms.Alias(stack, 'Alias', { aliasName: 'alias/hds-data', targetKey: new kms.Key(stack, 'Key', { pendingWindow: Duration.days(30) }) });
    expect(verdictOf(ENC01_KEY_DELETION_WINDOW, build, 'TestStack/Alias/Resource')).toBeUndefined();
    expect(verdictOf(ENC01_KEY_DELETION_WINDOW, build, 'TestStack/Key/Resource')).toBe('Compliant');
  });
});
