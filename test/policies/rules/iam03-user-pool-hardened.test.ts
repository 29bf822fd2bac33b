import { Duration, type Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter } from './hds-fixtures';

const RULE = 'HDS-IAM03-UserPoolHardened';
const POOL = 'TestStack/Pool/Resource';
const CLIENT = 'TestStack/Pool/Client/Resource';

const HARDENED: cognito.UserPoolProps = {
  mfa: cognito.Mfa.REQUIRED,
  mfaSecondFactor: { sms: false, otp: true },
  passwordPolicy: { minLength: 12 },
  featurePlan: cognito.FeaturePlan.PLUS,
  standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
};

function pool(stack: Stack, props: Partial<cognito.UserPoolProps> = {}): cognito.UserPool {
  return new cognito.UserPool(stack, 'Pool', { ...HARDENED, ...props });
}

function client(stack: Stack, props: Partial<cognito.UserPoolClientOptions> = {}): cognito.UserPoolClient {
  return pool(stack).addClient('Client', props);
}

/** A raw app client (L1), as a foreign template declares it. */
function rawClient(stack: Stack, props: Partial<cognito.CfnUserPoolClientProps>): cognito.CfnUserPoolClient {
  return new cognito.CfnUserPoolClient(stack, 'RawClient', { userPoolId: pool(stack).userPoolId, ...props });
}

function challenge(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Challenge', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async (e) => e;'),
  });
}

const FOREIGN_POOL = (mfa: string) => ({
  Pool: {
    Type: 'AWS::Cognito::UserPool',
    Properties: {
      MfaConfiguration: mfa,
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: { MinimumLength: 14 } },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    },
  },
});

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a UserPool construct with its defaults (no MFA, 8-character passwords, no threat protection)', () => {
    expectNonCompliant(RULE, (stack) => new cognito.UserPool(stack, 'Pool'), [POOL]);
  });

  it('F2: MFA optional', () => {
    expectNonCompliant(RULE, (stack) => pool(stack, { mfa: cognito.Mfa.OPTIONAL }), [POOL]);
  });

  it('F3: passwords of 11 characters', () => {
    expectNonCompliant(RULE, (stack) => pool(stack, { passwordPolicy: { minLength: 11 } }), [POOL]);
  });

  it('F4: threat protection in audit mode only', () => {
    expectNonCompliant(RULE, (stack) => pool(stack, { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.AUDIT_ONLY }), [POOL]);
  });

  it('F5: threat protection enforced on the Essentials plan, where it does not run', () => {
    expectNonCompliant(RULE, (stack) => pool(stack, { featurePlan: cognito.FeaturePlan.ESSENTIALS }), [POOL]);
  });

  it('F6: custom authentication (DefineAuthChallenge trigger) without threat protection on custom flows', () => {
    expectNonCompliant(RULE, (stack) => pool(stack, { lambdaTriggers: { defineAuthChallenge: challenge(stack) } }), [POOL]);
  });

  it('F7: threat protection of custom flows in audit mode', () => {
    expectNonCompliant(RULE, (stack) => pool(stack, { customThreatProtectionMode: cognito.CustomThreatProtectionMode.AUDIT_ONLY }), [POOL]);
  });

  it('F8: access tokens valid 2 hours', () => {
    expectNonCompliant(RULE, (stack) => client(stack, { accessTokenValidity: Duration.hours(2) }), [CLIENT]);
  });

  it('F9: ID tokens valid 61 minutes', () => {
    expectNonCompliant(RULE, (stack) => client(stack, { idTokenValidity: Duration.minutes(61) }), [CLIENT]);
  });

  it('F10: refresh tokens valid 60 days', () => {
    expectNonCompliant(RULE, (stack) => client(stack, { refreshTokenValidity: Duration.days(60) }), [CLIENT]);
  });

  it('F11: a raw client with an ID token validity of 2 and no units (hours)', () => {
    expectNonCompliant(RULE, (stack) => rawClient(stack, { idTokenValidity: 2 }), ['TestStack/RawClient']);
  });

  it('F12: a raw client with refresh tokens of 31 days given in hours', () => {
    expectNonCompliant(RULE, (stack) => rawClient(stack, { refreshTokenValidity: 744, tokenValidityUnits: { refreshToken: 'hours' } }), [
      'TestStack/RawClient',
    ]);
  });

  it('F13: a foreign template pool with optional MFA', () => {
    expectNonCompliant(RULE, (stack) => includeTemplate(stack, FOREIGN_POOL('OPTIONAL')), ['TestStack/Foreign/Pool']);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a hardened pool and a client with the default token lifetimes (1 hour, 1 hour, 30 days)', () => {
    expectCompliant(RULE, (stack) => client(stack));
  });

  it('P2: short tokens: access 5 minutes, ID 1 hour, refresh 1 day', () => {
    expectCompliant(RULE, (stack) =>
      client(stack, { accessTokenValidity: Duration.minutes(5), idTokenValidity: Duration.hours(1), refreshTokenValidity: Duration.days(1) }),
    );
  });

  it('P3: a raw client with lifetimes in seconds (3600) and refresh in days (30)', () => {
    expectCompliant(RULE, (stack) =>
      rawClient(stack, {
        accessTokenValidity: 3600,
        idTokenValidity: 3600,
        refreshTokenValidity: 30,
        tokenValidityUnits: { accessToken: 'seconds', idToken: 'seconds', refreshToken: 'days' },
      }),
    );
  });

  it('P4: custom authentication with threat protection enforced on custom flows', () => {
    expectCompliant(RULE, (stack) =>
      pool(stack, { lambdaTriggers: { defineAuthChallenge: challenge(stack) }, customThreatProtectionMode: cognito.CustomThreatProtectionMode.FULL_FUNCTION }),
    );
  });

  it('P5: a foreign template pool, hardened', () => {
    expectCompliant(RULE, (stack) => includeTemplate(stack, FOREIGN_POOL('ON')));
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: the minimum password length from a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const p = pool(stack);
        (p.node.defaultChild as cognito.CfnUserPool).addPropertyOverride('Policies.PasswordPolicy.MinimumLength', parameter(stack, 'Min', 'Number').value);
      },
      [POOL],
    );
  });

  it('E2: the access token unit from a template parameter', () => {
    expectEvaluationErrors(RULE, (stack) => rawClient(stack, { accessTokenValidity: 1, tokenValidityUnits: { accessToken: parameter(stack).valueAsString } }), [
      'TestStack/RawClient',
    ]);
  });
});
