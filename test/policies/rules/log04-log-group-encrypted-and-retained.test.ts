import { Aws, CfnParameter, Fn } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { HdsChecks } from '../../../policies/hds-checks';
import { expectCompliant } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG04-LogGroupEncryptedAndRetained';

function group(scope: Construct, props: Partial<logs.LogGroupProps> = {}): logs.LogGroup {
  return new logs.LogGroup(scope, 'Logs', {
    encryptionKey: new kms.Key(scope, 'Key', { enableKeyRotation: true }),
    retention: logs.RetentionDays.ONE_YEAR,
    ...props,
  });
}

const KEY_ARN = 'arn:aws:kms:eu-west-3:111111111111:key/11111111-2222-3333-4444-555555555555';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: no KMS key', () => {
    expectNonCompliant(RULE, (stack) => group(stack, { encryptionKey: undefined }), ['TestStack/Logs/Resource']);
  });

  it('F2: kept 6 months, less than the trace retention', () => {
    expectNonCompliant(RULE, (stack) => group(stack, { retention: logs.RetentionDays.SIX_MONTHS }), ['TestStack/Logs/Resource']);
  });

  it('F3: kept one year when the platform keeps traces two years (minTraceRetentionDays 731)', () => {
    expectNonCompliant(RULE, (stack) => group(stack), ['TestStack/Logs/Resource'], new HdsChecks(undefined, { options: { minTraceRetentionDays: 731 } }));
  });

  it('F4: a raw L1 log group (as a foreign template declares it) with a 7-day retention', () => {
    expectNonCompliant(RULE, (stack) => new logs.CfnLogGroup(stack, 'Raw', { kmsKeyId: KEY_ARN, retentionInDays: 7 }), ['TestStack/Raw']);
  });

  it('F5: the key removed by an escape-hatch override', () => {
    expectNonCompliant(RULE, (stack) => (group(stack).node.defaultChild as logs.CfnLogGroup).addPropertyDeletionOverride('KmsKeyId'), ['TestStack/Logs/Resource']);
  });

  it('F6: a retention from a template parameter cannot be evaluated: an evaluation error, never compliant', () => {
    expectEvaluationError(RULE, (stack) => {
      const days = new CfnParameter(stack, 'RetentionDays', { type: 'Number' });
      new logs.CfnLogGroup(stack, 'Raw', { kmsKeyId: KEY_ARN, retentionInDays: days.valueAsNumber });
    }, 'TestStack/Raw');
  });

  it('F7: a KMS key chosen by a condition (Fn::If with AWS::NoValue) cannot be evaluated: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => {
      new logs.CfnLogGroup(stack, 'Raw', { retentionInDays: 365 }).addPropertyOverride('KmsKeyId', Fn.conditionIf('Encrypted', KEY_ARN, Aws.NO_VALUE));
    }, 'TestStack/Raw');
  });

  it('F8: no key, and a retention that cannot be evaluated: reported as non-compliant (the definite finding)', () => {
    expectNonCompliant(RULE, (stack) => {
      const days = new CfnParameter(stack, 'RetentionDays', { type: 'Number' });
      new logs.CfnLogGroup(stack, 'Raw', { retentionInDays: days.valueAsNumber });
    }, ['TestStack/Raw']);
  });

  it('F9: KmsKeyId set to AWS::NoValue (a template that removes it)', () => {
    expectNonCompliant(RULE, (stack) => new logs.CfnLogGroup(stack, 'Raw', { kmsKeyId: Aws.NO_VALUE, retentionInDays: 365 }), ['TestStack/Raw']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it.each([
    ['KmsKeyId', Fn.conditionIf('Encrypted', KEY_ARN, Aws.NO_VALUE)],
    ['RetentionInDays', Fn.conditionIf('Long', 3653, 365)],
  ])('E1: %s chosen by a condition: could not be evaluated, and the verbose pack names it', (property, value) => {
    expectEvaluationErrorNaming(
      RULE,
      (stack) => new logs.CfnLogGroup(stack, 'Raw', { kmsKeyId: KEY_ARN, retentionInDays: 365 }).addPropertyOverride(property, value),
      'TestStack/Raw',
      new RegExp(`TestStack/Raw ${property} cannot be evaluated`),
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: encrypted, kept one year (as the platform builds its log groups)', () => {
    expectCompliant(RULE, (stack) => group(stack));
  });

  it('P2: encrypted, never expiring (no RetentionInDays)', () => {
    expectCompliant(RULE, (stack) => group(stack, { retention: logs.RetentionDays.INFINITE }));
  });

  it('P3: a raw L1 log group, retention as a string, exactly the trace retention', () => {
    expectCompliant(RULE, (stack) => new logs.CfnLogGroup(stack, 'Raw', { kmsKeyId: KEY_ARN }).addPropertyOverride('RetentionInDays', '365'));
  });

  it('P4: resources that are not log groups are not applicable', () => {
    expectCompliant(RULE, (stack) => new sns.Topic(stack, 'Topic'));
  });
});
