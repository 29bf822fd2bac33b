import { Duration, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { createPacks } from '../../lib/checks';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { PlatformUserPool, type PlatformUserPoolProps } from '../../lib/constructs/user-pool';
import { HdsChecks } from '../../policies/hds-checks';
import { findings } from '../policies/support';
import { testStack } from '../support/app';

const RULE = 'HDS-IAM03-UserPoolHardened';
const POOL = 'TestStack/Users/UserPool/Resource';
const CLIENT = 'TestStack/Users/UserPool/Client/Resource';

function build(props?: PlatformUserPoolProps, stack: Stack = testStack()): { stack: Stack; users: PlatformUserPool; template: Template } {
  const users = new PlatformUserPool(stack, 'Users', props);
  return { stack, users, template: Template.fromStack(stack) };
}

describe('PlatformUserPool', () => {
  const { template } = build();

  test('IAM-03: MFA required, by authenticator app only (no SMS, no e-mail codes)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
  });

  test('IAM-03: passwords of at least 12 characters with every character class, and no reuse of the last 5', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
          PasswordHistorySize: 5,
        },
      },
    });
  });

  test('IAM-03: Plus plan with threat protection enforced, for standard and custom authentication', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED', AdvancedSecurityAdditionalFlows: { CustomAuthMode: 'ENFORCED' } },
    });
  });

  test('no self sign-up by default; recovery by verified e-mail only', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      AutoVerifiedAttributes: ['email'],
      UsernameAttributes: ['email'],
    });
  });

  test('self sign-up when asked for', () => {
    build({ selfSignUp: true }).template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: false } });
  });

  test('deletion protection on, retained with its stack', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      Properties: { DeletionProtection: 'ACTIVE' },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('IAM-03: one browser client, no secret, SRP only, no user enumeration, 15-minute tokens, 12-hour sessions, revocable', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: 720,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      AllowedOAuthFlowsUserPoolClient: false,
    });
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0];
    expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
  });

  test('hosted sign-in, when configured: authorization code grant only (never implicit), to the given HTTPS URLs', () => {
    build({ oAuth: { callbackUrls: ['https://app.example.fr/callback'], logoutUrls: ['https://app.example.fr/'] } }).template.hasResourceProperties(
      'AWS::Cognito::UserPoolClient',
      {
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        CallbackURLs: ['https://app.example.fr/callback'],
        LogoutURLs: ['https://app.example.fr/'],
      },
    );
  });

  test('the session length is configurable within IAM-03 bounds', () => {
    build({ sessionLength: Duration.days(30) }).template.hasResourceProperties('AWS::Cognito::UserPoolClient', { RefreshTokenValidity: 43200 });
    expect(() => build({ sessionLength: Duration.days(31) })).toThrow(/sessionLength is 31 days; the refresh token lifetime must be between 1 hour and 30 days/);
    expect(() => build({ sessionLength: Duration.minutes(30) })).toThrow(/between 1 hour and 30 days/);
  });

  test('refuses redirect URLs that are not HTTPS, and collects every problem', () => {
    expect(() => build({ sessionLength: Duration.days(60), oAuth: { callbackUrls: ['http://app.example.fr/cb', 'http://localhost:3000/cb'] } })).toThrow(
      /sessionLength is 60 days[\s\S]*oAuth URL "http:\/\/app.example.fr\/cb" is not HTTPS/,
    );
    expect(() => build({ oAuth: { callbackUrls: [] } })).toThrow(/oAuth.callbackUrls is empty/);
  });

  test('records IAM-03 on the pool and the client', () => {
    template.hasResource('AWS::Cognito::UserPool', { Metadata: { [CONTROLS_METADATA_KEY]: ['IAM-03'] } });
    template.hasResource('AWS::Cognito::UserPoolClient', { Metadata: { [CONTROLS_METADATA_KEY]: ['IAM-03'] } });
  });
});

describe(`PlatformUserPool under ${RULE}`, () => {
  const iam03 = (build: (stack: Stack) => void) =>
    findings(build, new HdsChecks())
      .filter((f) => f.rule === RULE)
      .map((f) => f.path)
      .sort();

  test('passes, pool and client', () => {
    expect(iam03((stack) => new PlatformUserPool(stack, 'Users'))).toStrictEqual([]);
    expect(iam03((stack) => new PlatformUserPool(stack, 'Users', { sessionLength: Duration.days(30) }))).toStrictEqual([]);
  });

  test('fails when MFA is made optional behind the construct’s back', () => {
    const found = iam03((stack) => {
      const { userPool } = new PlatformUserPool(stack, 'Users');
      (userPool.node.defaultChild as cognito.CfnUserPool).mfaConfiguration = 'OPTIONAL';
    });
    expect(found).toStrictEqual([POOL]);
  });

  test('fails when the client’s access tokens are stretched to a day', () => {
    const found = iam03((stack) => {
      const { client } = new PlatformUserPool(stack, 'Users');
      const cfn = client.node.defaultChild as cognito.CfnUserPoolClient;
      cfn.accessTokenValidity = 24 * 60;
    });
    expect(found).toStrictEqual([CLIENT]);
  });

  test('passes the AwsSolutions Cognito rules', () => {
    const [, awsSolutions] = createPacks();
    const found = findings((stack) => new PlatformUserPool(stack, 'Users'), awsSolutions).filter((f) => f.rule.startsWith('AwsSolutions-COG'));
    expect(found).toStrictEqual([]);
  });
});
