import { Duration, Fn, Token, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

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
  it.each<[string, unknown]>([
    ['F8: an empty list of values for aws:MultiFactorAuthPresent', { Bool: { 'aws:MultiFactorAuthPresent': [] } }],
    ['F9: the values true and false for aws:MultiFactorAuthPresent', { Bool: { 'aws:MultiFactorAuthPresent': ['true', 'false'] } }],
    ['F10: a Bool condition on another key only (aws:SecureTransport)', { Bool: { 'aws:SecureTransport': 'true' } }],
  ])('%s', (_name, condition) => {
    expectNonCompliant(RULE, (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: condition }]), [RAW]);
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

  it('P6: raw L1: aws:MultiFactorAuthPresent as the boolean true (a JSON template)', () => {
    expectCompliant(RULE, (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': true } } }]));
  });

  it('P7: a service role whose trust policy also denies AWS principals (a Deny needs no MFA)', () => {
    expectCompliant(RULE, (stack) =>
      rawRole(stack, [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      ]),
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

  it.each<[string, FixtureBuilder, RegExp]>([
    [
      'a trusted principal written as a plain ARN string',
      (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: ACCOUNT, Action: 'sts:AssumeRole', Condition: MFA }]),
      /TestStack\/Raw AssumeRolePolicyDocument Principal cannot be evaluated/,
    ],
    [
      'a Bool condition chosen by an Fn::If',
      (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: { Bool: Fn.conditionIf('Mfa', MFA.Bool, MFA.Bool) } }]),
      /TestStack\/Raw AssumeRolePolicyDocument Condition\.Bool cannot be evaluated/,
    ],
    [
      'a Bool condition that is not an object',
      (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: { Bool: 'true' } }]),
      /TestStack\/Raw AssumeRolePolicyDocument Condition\.Bool cannot be evaluated/,
    ],
    [
      'the MaxSessionDuration from a template parameter',
      (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', Condition: MFA }], Token.asNumber(parameter(stack, 'Max', 'Number').value)),
      /TestStack\/Raw MaxSessionDuration cannot be evaluated/,
    ],
    [
      'the trust statements chosen by an Fn::If',
      (stack) => new iam.CfnRole(stack, 'Raw', { assumeRolePolicyDocument: { Version: '2012-10-17', Statement: Fn.conditionIf('Trust', [], []) } }),
      /TestStack\/Raw AssumeRolePolicyDocument Statement cannot be evaluated/,
    ],
  ])('E3: %s: could not be evaluated, and the verbose pack says where', (_what, build, reason) => {
    expectEvaluationErrors(RULE, build, [RAW]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });
});
