import { Aws, CfnParameter, Duration, Fn, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { expectCompliant } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

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

/** A role as a foreign template declares it: the trust policy written out (raw L1), one statement or a list. */
function rawRole(stack: Stack, statements: Record<string, unknown>[] | Record<string, unknown>, maxSessionDuration?: number): iam.CfnRole {
  return new iam.CfnRole(stack, 'Raw', {
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements },
    maxSessionDuration,
  });
}

const PEOPLE = { AWS: `arn:aws:iam::${ACCOUNT}:root` };
const OTHERS = { AWS: 'arn:aws:iam::222222222222:root' };
const MFA_KEY = 'aws:MultiFactorAuthPresent';
const REASON_KEY = 'aws:RequestTag/access-reason';

/** A statement letting PEOPLE assume the role and tag the session under `condition`. */
function assumeWith(condition: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Allow', Principal: PEOPLE, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: condition };
}

const GUARDED = assumeWith({ ...MFA, ...REASON });

/** A guarded statement letting `principal` assume the role, without sts:TagSession. */
function assumeOnly(principal: unknown): Record<string, unknown> {
  return { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', Condition: { ...MFA, ...REASON } };
}

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

describe(`${RULE}: failing fixtures (trust policies read literally)`, () => {
  it.each<[string, Record<string, unknown>[] | Record<string, unknown>]>([
    ['F12: sts:AssumeRole written in another case (STS:AssumeRole), no condition', [{ Effect: 'Allow', Principal: PEOPLE, Action: 'STS:AssumeRole' }]],
    ['F13: sts:AssumeRole matched by a ? wildcard (sts:AssumeRol?), no condition', [{ Effect: 'Allow', Principal: PEOPLE, Action: 'sts:AssumeRol?' }]],
    ['F14: a single statement object (not a list) with no condition', { Effect: 'Allow', Principal: PEOPLE, Action: 'sts:AssumeRole' }],
    ['F15: sts:TagSession allowed to another account only', [assumeOnly(PEOPLE), { Effect: 'Allow', Principal: OTHERS, Action: 'sts:TagSession' }]],
    [
      'F16: sts:TagSession allowed to one of the two accounts that may assume the role',
      [assumeOnly({ AWS: [PEOPLE.AWS, OTHERS.AWS] }), { Effect: 'Allow', Principal: PEOPLE, Action: 'sts:TagSession' }],
    ],
    [
      'F17: sts:TagSession allowed to a NotPrincipal set other than the one that may assume the role',
      [
        { Effect: 'Allow', NotPrincipal: OTHERS, Action: 'sts:AssumeRole', Condition: { ...MFA, ...REASON } },
        { Effect: 'Allow', NotPrincipal: PEOPLE, Action: 'sts:TagSession' },
      ],
    ],
    ['F18: Bool on another key (aws:SecureTransport), no MFA', [assumeWith({ Bool: { 'aws:SecureTransport': 'true' }, ...REASON })]],
    ['F19: MFA, and StringLike on another key only (aws:PrincipalTag/team), no reason', [assumeWith({ ...MFA, StringLike: { 'aws:PrincipalTag/team': 'ops' } })]],
    ['F20: Bool aws:MultiFactorAuthPresent with an empty list', [assumeWith({ Bool: { [MFA_KEY]: [] }, ...REASON })]],
    ['F21: Bool aws:MultiFactorAuthPresent true or false', [assumeWith({ Bool: { [MFA_KEY]: ['true', 'false'] }, ...REASON })]],
    ['F22: Bool aws:MultiFactorAuthPresent false', [assumeWith({ Bool: { [MFA_KEY]: 'false' }, ...REASON })]],
    ['F23: a StringLike reason pattern "**" (matches an empty reason)', [assumeWith({ ...MFA, StringLike: { [REASON_KEY]: '**' } })]],
    ['F24: a StringLike reason with an empty list', [assumeWith({ ...MFA, StringLike: { [REASON_KEY]: [] } })]],
    ['F25: StringLike "?*" or "*" (the second accepts an empty reason)', [assumeWith({ ...MFA, StringLike: { [REASON_KEY]: ['?*', '*'] } })]],
    ['F26: Null with an empty list', [assumeWith({ ...MFA, Null: { [REASON_KEY]: [] } })]],
    ['F27: Null false or true', [assumeWith({ ...MFA, Null: { [REASON_KEY]: ['false', 'true'] } })]],
    ['F28: Null true (the reason tag must be absent)', [assumeWith({ ...MFA, Null: { [REASON_KEY]: 'true' } })]],
    ['F29: StringEquals an empty reason', [assumeWith({ ...MFA, StringEquals: { [REASON_KEY]: '' } })]],
    ['F30: StringEqualsIgnoreCase an empty reason', [assumeWith({ ...MFA, StringEqualsIgnoreCase: { [REASON_KEY]: ['incident', ''] } })]],
  ])('%s', (_what, statements) => {
    expectNonCompliant(RULE, (stack) => rawRole(stack, statements), ['TestStack/Raw']);
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

  it.each<[string, (stack: Stack) => Record<string, unknown>[] | Record<string, unknown>]>([
    [
      'P6: the guarded Allow beside a Deny of sessions without MFA',
      () => [GUARDED, { Effect: 'Deny', Principal: PEOPLE, Action: 'sts:AssumeRole', Condition: { BoolIfExists: { [MFA_KEY]: 'false' } } }],
    ],
    ['P7: an Allow of everything but IAM and sts:AssumeRole (NotAction) is not applicable', () => [{ Effect: 'Allow', Principal: PEOPLE, NotAction: ['iam:*', 'sts:AssumeRole'] }]],
    ['P8: sts:TagSession allowed to every AWS principal ({ AWS: "*" }) in another statement', () => [assumeOnly(PEOPLE), { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:TagSession' }]],
    ['P9: sts:TagSession allowed to everyone ("*") in another statement', () => [assumeOnly(PEOPLE), { Effect: 'Allow', Principal: '*', Action: 'sts:TagSession' }]],
    [
      'P10: sts:TagSession allowed to the same two accounts, listed in another order',
      () => [assumeOnly({ AWS: [PEOPLE.AWS, OTHERS.AWS] }), { Effect: 'Allow', Principal: { AWS: [OTHERS.AWS, PEOPLE.AWS] }, Action: 'sts:TagSession' }],
    ],
    [
      'P11: a principal built from another role ARN (Fn::GetAtt), the same in both statements',
      (stack) => {
        const admin = { AWS: new iam.Role(stack, 'Admin', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).roleArn };
        return [assumeOnly(admin), { Effect: 'Allow', Principal: admin, Action: 'sts:TagSession' }];
      },
    ],
    ['P12: the reason required with Null false written as a boolean', () => [assumeWith({ ...MFA, Null: { [REASON_KEY]: false } })]],
    ['P13: a list of reasons with StringEqualsIgnoreCase', () => [assumeWith({ ...MFA, StringEqualsIgnoreCase: { [REASON_KEY]: ['incident', 'restore'] } })]],
  ])('%s', (_what, statements) => {
    expectCompliant(RULE, (stack) => rawRole(stack, statements(stack)));
  });

  it('P14: a trust document with no Statement lets nobody in: not applicable', () => {
    expectCompliant(RULE, (stack) => new iam.CfnRole(stack, 'Raw', { assumeRolePolicyDocument: { Version: '2012-10-17' } }));
  });
});

describe(`${RULE}: not evaluated`, () => {
  const unknown = (stack: Stack, type = 'String') => new CfnParameter(stack, 'Unknown', { type });
  const condition = Fn.conditionIf('Guarded', { ...MFA, ...REASON }, Aws.NO_VALUE);
  it.each<[string, (stack: Stack) => iam.CfnRole, RegExp]>([
    ['an Effect from a template parameter', (stack) => rawRole(stack, [{ ...GUARDED, Effect: unknown(stack).valueAsString }]), /TestStack\/Raw AssumeRolePolicyDocument Statement\[0\] Effect cannot be evaluated/],
    ['a Principal chosen by a condition', (stack) => rawRole(stack, [{ ...GUARDED, Principal: Fn.conditionIf('People', PEOPLE, OTHERS) }]), /Statement\[0\] Principal cannot be evaluated/],
    ['a Condition chosen by a condition', (stack) => rawRole(stack, [{ ...GUARDED, Condition: condition }]), /Statement\[0\] Condition cannot be evaluated/],
    ['a Bool block chosen by a condition', (stack) => rawRole(stack, [{ ...GUARDED, Condition: { ...REASON, Bool: Fn.conditionIf('Mfa', MFA.Bool, Aws.NO_VALUE) } }]), /Statement\[0\] Condition Bool cannot be evaluated/],
    [
      'the MFA value from a template parameter',
      (stack) => rawRole(stack, [assumeWith({ ...REASON, Bool: { [MFA_KEY]: unknown(stack).valueAsString } })]),
      /TestStack\/Raw AssumeRolePolicyDocument Condition Bool aws:MultiFactorAuthPresent cannot be evaluated/,
    ],
    ['an Action of a second statement from a template parameter', (stack) => rawRole(stack, [GUARDED, { ...GUARDED, Action: unknown(stack).valueAsString }]), /Statement\[1\] Action cannot be evaluated/],
    ['a NotAction from a template parameter', (stack) => rawRole(stack, [{ Effect: 'Allow', Principal: PEOPLE, NotAction: unknown(stack).valueAsString }]), /Statement\[0\] NotAction cannot be evaluated/],
    [
      'the trust document chosen by a condition',
      (stack) => new iam.CfnRole(stack, 'Raw', { assumeRolePolicyDocument: Fn.conditionIf('Guarded', { Statement: [GUARDED] }, { Statement: [] }) }),
      /TestStack\/Raw AssumeRolePolicyDocument cannot be evaluated/,
    ],
    [
      'the statements chosen by a condition',
      (stack) => new iam.CfnRole(stack, 'Raw', { assumeRolePolicyDocument: { Version: '2012-10-17', Statement: Fn.conditionIf('Guarded', [GUARDED], []) } }),
      /TestStack\/Raw AssumeRolePolicyDocument Statement cannot be evaluated/,
    ],
    ['MaxSessionDuration from a template parameter', (stack) => rawRole(stack, [GUARDED], unknown(stack, 'Number').valueAsNumber), /TestStack\/Raw MaxSessionDuration cannot be evaluated/],
  ])('E1: %s: could not be evaluated, and the verbose pack says where', (_what, build, reason) => {
    expectEvaluationErrorNaming(RULE, build, 'TestStack/Raw', reason);
  });
});
