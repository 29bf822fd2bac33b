import { Duration, Token, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter } from './hds-fixtures';

const RULE = 'HDS-IAM01-MfaAndShortSessions';
const ROLE = 'TestStack/Role/Resource';
const RAW = 'TestStack/Raw';
const ACCOUNT = 'arn:aws:iam::111111111111:root';
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

function role(stack: Stack, principal: iam.IPrincipal, maxSessionDuration?: Duration): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: principal, maxSessionDuration });
}

function withMfa(principal: iam.IPrincipal): iam.IPrincipal {
  return new iam.PrincipalWithConditions(principal, MFA);
}

function rawRole(stack: Stack, statements: unknown, maxSessionDuration?: number): iam.CfnRole {
  return new iam.CfnRole(stack, 'Raw', { assumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements }, maxSessionDuration });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an operator role the account can assume without MFA', () => {
    expectNonCompliant(RULE, (stack) => role(stack, new iam.AccountRootPrincipal()), [ROLE]);
  });

  it('F2: MFA required, but sessions of two hours', () => {
    expectNonCompliant(RULE, (stack) => role(stack, withMfa(new iam.AccountRootPrincipal()), Duration.hours(2)), [ROLE]);
  });

  it('F3: aws:MultiFactorAuthPresent must be false', () => {
    expectNonCompliant(RULE, (stack) => role(stack, new iam.PrincipalWithConditions(new iam.AccountRootPrincipal(), { Bool: { 'aws:MultiFactorAuthPresent': 'false' } })), [ROLE]);
  });

  it('F4: BoolIfExists, which lets in callers without the key (long-term access keys)', () => {
    expectNonCompliant(
      RULE,
      (stack) => role(stack, new iam.PrincipalWithConditions(new iam.AccountRootPrincipal(), { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })),
      [ROLE],
    );
  });

  it('F5: two trust statements, one of them without MFA', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        rawRole(stack, [
          { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: MFA },
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/ci' }, Action: 'sts:AssumeRole' },
        ]),
      [RAW],
    );
  });

  it('F6: Principal "*" restricted to the account, without MFA', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        rawRole(stack, [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } } }]),
      [RAW],
    );
  });

  it('F7: a foreign template role trusting an account for sts:* without MFA', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:*', Principal: { AWS: ACCOUNT }, Effect: 'Allow' }] },
              MaxSessionDuration: 3600,
            },
          },
        }),
      ['TestStack/Foreign/Role'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: an operator role with MFA and one-hour sessions', () => {
    expectCompliant(RULE, (stack) => role(stack, withMfa(new iam.AccountRootPrincipal()), Duration.hours(1)));
  });

  it('P2: MFA, and the default session length (one hour)', () => {
    expectCompliant(RULE, (stack) => role(stack, withMfa(new iam.ArnPrincipal('arn:aws:iam::111111111111:role/sso-admin'))));
  });

  it('P3: a service role (Lambda) is not judged, whatever its session length', () => {
    expectCompliant(RULE, (stack) => role(stack, new iam.ServicePrincipal('lambda.amazonaws.com'), Duration.hours(12)));
  });

  it('P4: a raw trust statement object, condition key in lower case, values as a list', () => {
    expectCompliant(RULE, (stack) =>
      rawRole(stack, { Condition: { Bool: { 'aws:multifactorauthpresent': ['true'] } }, Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: [ACCOUNT] }, Effect: 'Allow' }, 900),
    );
  });

  it('P5: a role federated through SAML is not judged here', () => {
    expectCompliant(RULE, (stack) =>
      rawRole(stack, [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:saml-provider/idp' }, Action: 'sts:AssumeRoleWithSAML' }], 43200),
    );
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: MaxSessionDuration from a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) =>
        rawRole(stack, [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: MFA }], Token.asNumber(parameter(stack, 'Max', 'Number').value)),
      [RAW],
    );
  });

  it('E2: the trusted principal is a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: Token.asAny(parameter(stack).value), Action: 'sts:AssumeRole' }]),
      [RAW],
    );
  });
});
