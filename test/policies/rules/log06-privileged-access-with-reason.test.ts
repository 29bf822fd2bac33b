import { CfnParameter, Duration, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { expectCompliant } from '../support';
import { expectEvaluationError, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG06-PrivilegedAccessWithReason';
const ACCOUNT = '111111111111';
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
const REASON = { StringLike: { 'aws:RequestTag/access-reason': '?*' } };

/** An operator role people of the account assume, with `conditions` on the trust and session tags allowed. */
function operatorRole(stack: Stack, conditions: Record<string, unknown> = { ...MFA, ...REASON }, props: Partial<iam.RoleProps> = {}): iam.Role {
  return new iam.Role(stack, 'Operator', {
    assumedBy: new iam.AccountPrincipal(ACCOUNT).withConditions(conditions).withSessionTags(),
    maxSessionDuration: Duration.hours(1),
    ...props,
  });
}

/** A role as a foreign template declares it: the trust policy written out (raw L1). */
function rawRole(stack: Stack, statements: Record<string, unknown>[], maxSessionDuration?: number): iam.CfnRole {
  return new iam.CfnRole(stack, 'Raw', {
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements },
    maxSessionDuration,
  });
}

const PEOPLE = { AWS: `arn:aws:iam::${ACCOUNT}:root` };

describe(`${RULE}: failing fixtures`, () => {
  it('F1: people can assume it with no condition at all', () => {
    expectNonCompliant(RULE, (stack) => new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() }), ['TestStack/Operator/Resource']);
  });

  it('F2: MFA through BoolIfExists (a session with no MFA key gets in)', () => {
    expectNonCompliant(RULE, (stack) => operatorRole(stack, { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' }, ...REASON }), ['TestStack/Operator/Resource']);
  });

  it('F3: MFA required but no access-reason session tag', () => {
    expectNonCompliant(RULE, (stack) => operatorRole(stack, MFA), ['TestStack/Operator/Resource']);
  });

  it('F4: access-reason required but sts:TagSession not allowed in the trust', () => {
    expectNonCompliant(
      RULE,
      (stack) => new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountPrincipal(ACCOUNT).withConditions({ ...MFA, ...REASON }) }),
      ['TestStack/Operator/Resource'],
    );
  });

  it('F5: sessions of up to 12 hours', () => {
    expectNonCompliant(RULE, (stack) => operatorRole(stack, undefined, { maxSessionDuration: Duration.hours(12) }), ['TestStack/Operator/Resource']);
  });

  it('F6: a StringLike pattern that accepts an empty reason ("*"), raw L1', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        rawRole(stack, [
          {
            Effect: 'Allow',
            Principal: PEOPLE,
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { ...MFA, StringLike: { 'aws:RequestTag/access-reason': '*' } },
          },
        ]),
      ['TestStack/Raw'],
    );
  });

  it('F7: one guarded statement, and a second one letting another account in with sts:* and no condition', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        rawRole(stack, [
          { Effect: 'Allow', Principal: PEOPLE, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { ...MFA, ...REASON } },
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:*' },
        ]),
      ['TestStack/Raw'],
    );
  });

  it('F8: a trust open to Principal "*" with MFA only', () => {
    expectNonCompliant(RULE, (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: MFA }]), ['TestStack/Raw']);
  });

  it('F9: an Allow with NotAction (everything but IAM, so sts:AssumeRole too) and no condition', () => {
    expectNonCompliant(RULE, (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: PEOPLE, NotAction: 'iam:*' }]), ['TestStack/Raw']);
  });

  it('F10: an Allow with NotPrincipal (every principal but one) and no condition', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawRole(stack, [{ Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' }]),
      ['TestStack/Raw'],
    );
  });

  it('F11: a MaxSessionDuration from a template parameter cannot be evaluated: an evaluation error', () => {
    expectEvaluationError(
      RULE,
      (stack) =>
        rawRole(
          stack,
          [{ Effect: 'Allow', Principal: PEOPLE, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { ...MFA, ...REASON } }],
          new CfnParameter(stack, 'MaxSession', { type: 'Number' }).valueAsNumber,
        ),
      'TestStack/Raw',
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: MFA (Bool), access-reason ("?*"), session tags, one hour', () => {
    expectCompliant(RULE, (stack) => operatorRole(stack));
  });

  it('P2: MaxSessionDuration absent (3600 s) and the reason required with Null false (raw L1)', () => {
    expectCompliant(RULE, (stack) =>
      rawRole(stack, [
        {
          Effect: 'Allow',
          Principal: PEOPLE,
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': true }, Null: { 'aws:RequestTag/access-reason': 'false' } },
        },
        { Effect: 'Allow', Principal: PEOPLE, Action: 'sts:TagSession' },
      ]),
    );
  });

  it('P3: roles only AWS services can assume are not applicable', () => {
    expectCompliant(RULE, (stack) => {
      new iam.Role(stack, 'Function', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), maxSessionDuration: Duration.hours(12) });
      rawRole(stack, [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    });
  });

  it('P4: a web-identity federated role (GitHub OIDC) is not applicable', () => {
    expectCompliant(RULE, (stack) =>
      rawRole(stack, [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
        },
      ]),
    );
  });

  it('P5: a single statement object (not a list), keys in another case, a fixed list of reasons', () => {
    expectCompliant(RULE, (stack) =>
      new iam.CfnRole(stack, 'Raw', {
        assumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: {
            Effect: 'Allow',
            Principal: PEOPLE,
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { Bool: { 'aws:multifactorauthpresent': ['true'] }, StringEquals: { 'aws:RequestTag/access-reason': ['incident', 'restore'] } },
          },
        },
        maxSessionDuration: 900,
      }),
    );
  });
});
