import { CfnResource, Fn, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PlatformKeys } from '../../../lib/constructs/platform-keys';
import { ENC01_KEY_POLICY_SCOPED, statementProblems } from '../../../policies/rules/enc/key-policy-scoped';
import { RenderedResource } from '../../../policies/rules/enc/support';
import { testApp, testStack } from '../../support/app';
import { expectCompliant, expectFindings, FIXTURE_STACK } from '../support';
import { expectNotEvaluated, parameterRef, secondStack } from './enc-fixtures';
import { expectNonCompliant } from './hds-fixtures';

const RULE = 'HDS-ENC01-KeyPolicyScoped';
const ROOT = 'arn:aws:iam::111111111111:root';
const ADMIN_ROLE = 'arn:aws:iam::111111111111:role/key-admin';
const APP_ROLE = 'arn:aws:iam::111111111111:role/app';

/** A raw CfnKey with these statements, as a foreign template would declare it. */
function rawKey(stack: Stack, ...statements: Record<string, unknown>[]): kms.CfnKey {
  return new kms.CfnKey(stack, 'Key', { keyPolicy: { Version: '2012-10-17', Statement: statements } });
}

function allow(principal: unknown, action: string | string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Allow', Principal: principal, Action: action, Resource: '*', ...extra };
}

/** A kms.Key whose policy has only these statements. */
function keyWith(stack: Stack, ...statements: iam.PolicyStatement[]): kms.Key {
  return new kms.Key(stack, 'Key', { policy: new iam.PolicyDocument({ statements }) });
}

/** A hand-written `Ref` of the template parameter `Unknown` (made by `parameterRef`), as a foreign template writes it. */
const UNKNOWN = { Ref: 'Unknown' };

/** A raw key whose one statement has this principal, for a fixture that needs the parameter `Unknown`. */
function keyWithPrincipal(stack: Stack, principal: unknown, action: string | string[] = 'kms:Decrypt', extra: Record<string, unknown> = {}): kms.CfnKey {
  parameterRef(stack);
  return rawKey(stack, allow(principal, action, extra));
}

const VIA_S3 = { StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com', 'kms:CallerAccount': '111111111111' } };

describe(`${RULE}: failing fixtures`, () => {
  it("F1: a kms.Key with CDK's default policy (kms:* to the account)", () => {
    expectFindings(RULE, (stack) => new kms.Key(stack, 'Key'), ['TestStack/Key/Resource']);
  });

  it('F2: a raw CfnKey with no KeyPolicy (KMS attaches its default: kms:* to the account)', () => {
    expectNonCompliant(RULE, (stack) => new kms.CfnKey(stack, 'Key', {}), ['TestStack/Key']);
  });

  it('F3: kms:Decrypt allowed to AnyPrincipal with no condition', () => {
    expectFindings(
      RULE,
      (stack) => keyWith(stack, new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] })),
      ['TestStack/Key/Resource'],
    );
  });

  it("F4: Principal '*' (the string) with an empty Condition", () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow('*', 'kms:Encrypt', { Condition: {} })), ['TestStack/Key']);
  });

  it("F5: { AWS: ['*'] } in a list beside another principal, no condition", () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: [APP_ROLE, '*'] }, 'kms:DescribeKey')), ['TestStack/Key']);
  });

  it('F6: an Allow with NotPrincipal (everyone but one) and no condition', () => {
    expectFindings(RULE, (stack) => rawKey(stack, { Effect: 'Allow', NotPrincipal: { AWS: APP_ROLE }, Action: 'kms:DescribeKey', Resource: '*' }), ['TestStack/Key']);
  });

  it('F7: kms:* to one role, under a condition (spelled KMS:* as IAM ignores case)', () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['KMS:*'], { Condition: VIA_S3 })), ['TestStack/Key']);
  });

  it("F8: Action '*' to the account root", () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: ROOT }, '*')), ['TestStack/Key']);
  });

  it('F9: one statement grants kms:PutKeyPolicy and kms:Decrypt to the same role', () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['kms:PutKeyPolicy', 'kms:Decrypt'])), ['TestStack/Key']);
  });

  it('F10: kms:Create* covers kms:CreateAlias (administration) and kms:CreateGrant (use)', () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['kms:Describe*', 'kms:Create*'])), ['TestStack/Key']);
  });

  it('F11: kms:*Key* covers kms:DisableKey and kms:GenerateDataKey, even under a condition', () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, 'kms:*Key*', { Condition: VIA_S3 })), ['TestStack/Key']);
  });

  it('F12: NotAction kms:ScheduleKeyDeletion allows everything else, administration and use', () => {
    expectFindings(RULE, (stack) => rawKey(stack, { Effect: 'Allow', Principal: { AWS: ADMIN_ROLE }, NotAction: 'kms:ScheduleKeyDeletion', Resource: '*' }), ['TestStack/Key']);
  });

  it('F13: administration and unconditioned use for the same role, split into two statements', () => {
    expectFindings(
      RULE,
      (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['kms:Put*', 'kms:ScheduleKeyDeletion']), allow({ AWS: ADMIN_ROLE }, ['kms:Decrypt'])),
      ['TestStack/Key'],
    );
  });

  it('F14: the same split, the role referenced by construct (one statement by ARN token, the other by grant)', () => {
    expectFindings(
      RULE,
      (stack) => {
        const role = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
        const key = keyWith(stack, new iam.PolicyStatement({ principals: [role], actions: ['kms:Disable*', 'kms:Enable*'], resources: ['*'] }));
        key.addToResourcePolicy(new iam.PolicyStatement({ principals: [role], actions: ['kms:Encrypt'], resources: ['*'] }));
      },
      ['TestStack/Key/Resource'],
    );
  });

  it('F15: a good statement and a bad one: the bad one is enough', () => {
    expectFindings(
      RULE,
      (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['kms:Put*', 'kms:Disable*']), allow({ AWS: APP_ROLE }, 'kms:Decrypt', { Condition: VIA_S3 }), allow('*', 'kms:Decrypt')),
      ['TestStack/Key'],
    );
  });

  it('F17: a KeyPolicy given as JSON text (a raw CfnResource) that allows * with no condition', () => {
    expectFindings(
      RULE,
      (stack) =>
        new CfnResource(stack, 'Text', {
          type: 'AWS::KMS::Key',
          properties: { KeyPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [allow('*', 'kms:Decrypt')] }) },
        }),
      ['TestStack/Text'],
    );
  });

  it('F18: kms:Put?eyPolicy (a ? wildcard) and kms:Decrypt to the same role', () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['kms:Put?eyPolicy', 'kms:Decrypt'])), ['TestStack/Key']);
  });

  it('F19: administration and use spelled in upper case (IAM compares actions case-insensitively)', () => {
    expectFindings(RULE, (stack) => rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['KMS:PUTKEYPOLICY', 'KMS:DECRYPT'])), ['TestStack/Key']);
  });

  it.each<[string, unknown]>([
    ['Fn::Join of *', { 'Fn::Join': ['', ['*']] }],
    ['Fn::Sub of *', { 'Fn::Sub': '*' }],
  ])("F20: { AWS: %s } with no condition is everyone, as '*' is", (_what, principal) => {
    expectNonCompliant(RULE, (stack) => rawKey(stack, allow({ AWS: principal }, 'kms:Decrypt')), ['TestStack/Key']);
  });

  it('F16: a replica key with a kms:* policy', () => {
    expectFindings(
      RULE,
      (stack) =>
        new kms.CfnReplicaKey(stack, 'Replica', {
          primaryKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab',
          keyPolicy: { Version: '2012-10-17', Statement: [allow({ AWS: ROOT }, 'kms:*')] },
        }),
      ['TestStack/Replica'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a principal from a parameter (it could be *), with or without a condition', () => {
    expectNotEvaluated(ENC01_KEY_POLICY_SCOPED, (stack) => rawKey(stack, allow({ AWS: parameterRef(stack) }, 'kms:Decrypt')), ['TestStack/Key']);
    expectNotEvaluated(
      ENC01_KEY_POLICY_SCOPED,
      (stack) => rawKey(stack, allow({ AWS: parameterRef(stack) }, 'kms:Decrypt', { Condition: VIA_S3 })),
      ['TestStack/Key'],
      /^key policy principal \(a parameter\) cannot be evaluated/,
    );
  });

  it('E2: a KeyPolicy chosen by a condition', () => {
    expectNotEvaluated(
      ENC01_KEY_POLICY_SCOPED,
      (stack) => new kms.CfnKey(stack, 'Key', { keyPolicy: Fn.conditionIf('Strict', { Statement: [] }, { Statement: [allow('*', 'kms:*')] }) }),
      ['TestStack/Key'],
      /^KeyPolicy cannot be evaluated/,
    );
  });

  it('E3: a Statement list chosen by a condition', () => {
    expectNotEvaluated(
      ENC01_KEY_POLICY_SCOPED,
      (stack) => new kms.CfnKey(stack, 'Key', { keyPolicy: { Statement: Fn.conditionIf('Strict', [], [allow('*', 'kms:*')]) } }),
      ['TestStack/Key'],
      /^KeyPolicy statement cannot be evaluated/,
    );
  });

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['a list', '[]'],
  ])('E4: a KeyPolicy given as the JSON text of %s, not a policy document', (_what, text) => {
    expectNotEvaluated(ENC01_KEY_POLICY_SCOPED, (stack) => new CfnResource(stack, 'Text', { type: 'AWS::KMS::Key', properties: { KeyPolicy: text } }), ['TestStack/Text'], /^KeyPolicy cannot be evaluated/);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'kms:Decrypt'],
  ])('E5: a statement that is %s, not an object', (_what, statement) => {
    expectNotEvaluated(ENC01_KEY_POLICY_SCOPED, (stack) => new kms.CfnKey(stack, 'Key', { keyPolicy: { Statement: [statement] } }), ['TestStack/Key'], /^KeyPolicy statement cannot be evaluated/);
  });

  it.each<[string, (stack: Stack) => unknown, RegExp]>([
    ['the Effect', (stack) => rawKey(stack, { ...allow({ AWS: APP_ROLE }, 'kms:Decrypt'), Effect: Fn.conditionIf('Open', 'Allow', 'Deny') }), /^key policy Effect cannot/],
    ['the whole Principal', (stack) => rawKey(stack, allow(Fn.conditionIf('Open', '*', { AWS: APP_ROLE }), 'kms:Decrypt')), /^key policy Principal cannot/],
    ['the Action', (stack) => rawKey(stack, allow({ AWS: APP_ROLE }, Fn.conditionIf('Admin', 'kms:PutKeyPolicy', 'kms:Decrypt') as never)), /^key policy Action cannot/],
    [
      'the NotAction',
      (stack) => rawKey(stack, { Effect: 'Allow', Principal: { AWS: APP_ROLE }, NotAction: Fn.conditionIf('Admin', 'kms:Decrypt', 'kms:PutKeyPolicy'), Resource: '*' }),
      /^key policy NotAction cannot/,
    ],
  ])('E6: %s chosen by a condition', (_what, build, reason) => {
    expectNotEvaluated(ENC01_KEY_POLICY_SCOPED, build, ['TestStack/Key'], reason);
  });

  it('E7: a whole Principal that is a hand-written Ref of a parameter', () => {
    expectNotEvaluated(ENC01_KEY_POLICY_SCOPED, (stack) => keyWithPrincipal(stack, UNKNOWN), ['TestStack/Key'], /^key policy Principal cannot/);
  });

  it.each<[string, unknown]>([
    ['Fn::Join of the parameter alone, with a delimiter', { 'Fn::Join': [':', [UNKNOWN]] }],
    ['Fn::Sub of the parameter alone', { 'Fn::Sub': '${Unknown}' }],
    ['Fn::Sub of the parameter alone, with a variable map', { 'Fn::Sub': ['${Unknown}', {}] }],
  ])('E8: { AWS: %s } could be * (under a condition too)', (_what, principal) => {
    expectNotEvaluated(ENC01_KEY_POLICY_SCOPED, (stack) => keyWithPrincipal(stack, { AWS: principal }, 'kms:Decrypt', { Condition: VIA_S3 }), ['TestStack/Key'], /^key policy principal cannot/);
  });

  it("E9: an administrator's role ARN built around a parameter (it cannot be *, but it could be a user's)", () => {
    expectNotEvaluated(
      ENC01_KEY_POLICY_SCOPED,
      (stack) => rawKey(stack, allow({ AWS: `arn:aws:iam::111111111111:role/${parameterRef(stack)}` }, ['kms:Put*', 'kms:ScheduleKeyDeletion'])),
      ['TestStack/Key'],
      /^key policy principal \(a parameter\) cannot/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it("P1: the platform's keys (PlatformKeys): administration through IAM, use through services or for this account's resources", () => {
    expectCompliant(RULE, (stack) => new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' }));
  });

  it("P2: '*' with a condition (use through S3 by this account)", () => {
    expectCompliant(RULE, (stack) => rawKey(stack, allow({ AWS: '*' }, ['kms:Decrypt', 'kms:GenerateDataKey*'], { Condition: VIA_S3 })));
  });

  it('P3: administrators and users are different roles, each in its own statement, with no condition', () => {
    expectCompliant(RULE, (stack) =>
      rawKey(
        stack,
        allow({ AWS: ADMIN_ROLE }, ['kms:Put*', 'kms:Disable*', 'kms:Enable*', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:Describe*', 'kms:List*', 'kms:Get*']),
        allow({ AWS: APP_ROLE }, ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:CreateGrant', 'kms:DescribeKey']),
      ),
    );
  });

  it('P4: a Deny to everyone, and a read-only statement (Describe, List, Get) beside use', () => {
    expectCompliant(RULE, (stack) =>
      rawKey(
        stack,
        { Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111111111111' } } },
        allow({ AWS: APP_ROLE }, ['kms:Decrypt', 'kms:DescribeKey', 'kms:List*', 'kms:Get*']),
      ),
    );
  });

  it('P5: a single Statement object (not a list), and a KeyPolicy given as JSON text (a raw CfnResource)', () => {
    expectCompliant(RULE, (stack) => {
      new kms.CfnKey(stack, 'Key', { keyPolicy: { Version: '2012-10-17', Statement: allow({ AWS: APP_ROLE }, 'kms:Decrypt') } });
      new CfnResource(stack, 'Text', {
        type: 'AWS::KMS::Key',
        properties: { KeyPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [allow({ AWS: APP_ROLE }, 'kms:Decrypt')] }) },
      });
    });
  });

  it('P6: a key policy that names a role of another stack (a cross-stack reference is not a * principal)', () => {
    expectCompliant(RULE, (stack, app) => {
      const role = new iam.Role(secondStack(app, 'Roles'), 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      keyWith(stack, new iam.PolicyStatement({ principals: [new iam.ArnPrincipal(role.roleArn)], actions: ['kms:Decrypt'], resources: ['*'] }));
    });
  });

  it('P7: a Deny of use to the administrator role, beside its Allow of administration (a Deny grants nothing)', () => {
    expectCompliant(RULE, (stack) =>
      rawKey(stack, allow({ AWS: ADMIN_ROLE }, ['kms:Put*', 'kms:ScheduleKeyDeletion']), { Effect: 'Deny', Principal: { AWS: ADMIN_ROLE }, Action: 'kms:*', Resource: '*' }),
    );
  });

  it('P8: NotAction that leaves out every use action: the statement only administers', () => {
    expectCompliant(RULE, (stack) =>
      rawKey(stack, {
        Effect: 'Allow',
        Principal: { AWS: ADMIN_ROLE },
        NotAction: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:GenerateMac', 'kms:Sign', 'kms:Verify*', 'kms:CreateGrant', 'kms:DeriveSharedSecret'],
        Resource: '*',
      }),
    );
  });

  it("P9: '*' administers under a condition on the caller's ARN, another role uses", () => {
    expectCompliant(RULE, (stack) =>
      rawKey(
        stack,
        allow('*', ['kms:Put*', 'kms:ScheduleKeyDeletion'], { Condition: { ArnEquals: { 'aws:PrincipalArn': ADMIN_ROLE } } }),
        allow({ AWS: APP_ROLE }, 'kms:Decrypt'),
      ),
    );
  });

  it('P10: administrators and users are different roles of the app, referenced by construct', () => {
    expectCompliant(RULE, (stack) => {
      const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
      const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
      keyWith(
        stack,
        new iam.PolicyStatement({ principals: [admin], actions: ['kms:Disable*', 'kms:Enable*'], resources: ['*'] }),
        new iam.PolicyStatement({ principals: [user], actions: ['kms:Decrypt'], resources: ['*'] }),
      );
    });
  });

  it.each<[string, unknown]>([
    ['an account root ARN built with Fn::Join around a parameter', { 'Fn::Join': ['', ['arn:aws:iam::', UNKNOWN, ':root']] }],
    ['two parameters joined by a colon', { 'Fn::Join': [':', [UNKNOWN, UNKNOWN]] }],
    ['an account root ARN built with Fn::Sub around a parameter', { 'Fn::Sub': 'arn:aws:iam::${Unknown}:root' }],
    ['the account id (Fn::Sub of AWS::AccountId)', { 'Fn::Sub': '${AWS::AccountId}' }],
    ['the account id (Ref of AWS::AccountId)', { Ref: 'AWS::AccountId' }],
  ])('P11: { AWS: %s } cannot be *: use under a condition passes', (_what, principal) => {
    expectCompliant(RULE, (stack) => keyWithPrincipal(stack, { AWS: principal }, 'kms:Decrypt', { Condition: VIA_S3 }));
  });

  it.each<[string, unknown]>([
    ['Fn::Sub of AWS::AccountId', { 'Fn::Sub': '${AWS::AccountId}' }],
    ['Ref of AWS::AccountId', { Ref: 'AWS::AccountId' }],
  ])('P13: the account id (%s) is not *: unconditioned use passes', (_what, principal) => {
    expectCompliant(RULE, (stack) => rawKey(stack, allow({ AWS: principal }, 'kms:Decrypt')));
  });

  it('P12: a role ARN written in CDK around a parameter cannot be *: use under a condition passes', () => {
    expectCompliant(RULE, (stack) => rawKey(stack, allow({ AWS: `arn:aws:iam::111111111111:role/${parameterRef(stack)}` }, 'kms:Decrypt', { Condition: VIA_S3 })));
  });
});

/** The reasons `statementProblems` gives for one statement of a raw key. */
function problemsOf(statement: Record<string, unknown>): string[] {
  const app = testApp();
  const key = rawKey(testStack(app, FIXTURE_STACK), statement);
  app.synth();
  return statementProblems(new RenderedResource(key), statement);
}

describe(`${RULE}: the reasons of a statement`, () => {
  const EVERYONE = 'allows everyone (*) with no condition';
  const KMS_ALL = 'allows kms:*';
  const BOTH = 'allows the same principals to administer and to use the key';

  it.each<[string, Record<string, unknown>, string[]]>([
    ['* with no condition', allow('*', 'kms:Decrypt'), [EVERYONE]],
    ['KMS:* under a condition', allow({ AWS: ADMIN_ROLE }, 'KMS:*', { Condition: VIA_S3 }), [KMS_ALL, BOTH]],
    ['kms:* to the root', allow({ AWS: ROOT }, 'kms:*'), [KMS_ALL, BOTH]],
    ['* to the root, beside DescribeKey', allow({ AWS: ROOT }, ['kms:DescribeKey', '*']), [KMS_ALL, BOTH]],
    ['administration and use', allow({ AWS: ADMIN_ROLE }, ['kms:PutKeyPolicy', 'kms:Decrypt']), [BOTH]],
    ['everything, to everyone', allow({ AWS: '*' }, '*'), [EVERYONE, KMS_ALL, BOTH]],
    ['use only, to a role', allow({ AWS: APP_ROLE }, ['kms:Decrypt', 'kms:DescribeKey']), []],
    ['a Deny of everything', { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }, []],
  ])('%s', (_what, statement, reasons) => {
    expect(problemsOf(statement)).toStrictEqual(reasons);
  });
});
