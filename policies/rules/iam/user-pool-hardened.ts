import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asNumber, get, properties, UnresolvableValueError } from '../util';

export const MIN_PASSWORD_LENGTH = 12;
/** Longest access and ID token lifetime, and longest refresh token lifetime, in minutes. */
export const MAX_TOKEN_MINUTES = { AccessToken: 60, IdToken: 60, RefreshToken: 30 * 24 * 60 } as const;

const UNIT_MINUTES: Record<string, number> = { seconds: 1 / 60, minutes: 1, hours: 60, days: 24 * 60 };
/** Cognito's defaults when a token lifetime (in minutes) or its unit is absent. */
const DEFAULTS = {
  AccessToken: { minutes: 60, unit: 'hours', property: 'AccessTokenValidity' },
  IdToken: { minutes: 60, unit: 'hours', property: 'IdTokenValidity' },
  RefreshToken: { minutes: 30 * 24 * 60, unit: 'days', property: 'RefreshTokenValidity' },
} as const;

function literal(value: unknown, what: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new UnresolvableValueError(what, value);
}

function userPoolHardened(props: Record<string, unknown>, path: string): boolean {
  if (literal(props.MfaConfiguration, `${path} MfaConfiguration`) !== 'ON') return false;
  const length = asNumber(get(props.Policies, 'PasswordPolicy', 'MinimumLength'), `${path} PasswordPolicy.MinimumLength`);
  // Cognito's default minimum length is 8.
  if ((length ?? 8) < MIN_PASSWORD_LENGTH) return false;
  // Threat protection (UserPoolAddOns) works only on the Plus feature plan; a new pool defaults to Essentials.
  if (literal(get(props.UserPoolAddOns, 'AdvancedSecurityMode'), `${path} UserPoolAddOns.AdvancedSecurityMode`) !== 'ENFORCED') return false;
  if (literal(props.UserPoolTier, `${path} UserPoolTier`) !== 'PLUS') return false;
  const customAuth = literal(
    get(props.UserPoolAddOns, 'AdvancedSecurityAdditionalFlows', 'CustomAuthMode'),
    `${path} UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode`,
  );
  // Custom authentication flows (Lambda challenge triggers) are protected only when CustomAuthMode says so.
  const usesCustomAuth = get(props.LambdaConfig, 'DefineAuthChallenge') !== undefined;
  if ((customAuth !== undefined || usesCustomAuth) && customAuth !== 'ENFORCED') return false;
  return true;
}

function clientTokensShort(props: Record<string, unknown>, path: string): boolean {
  return (Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]).every((token) => {
    const { minutes: defaultMinutes, unit, property } = DEFAULTS[token];
    const given = asNumber(props[property], `${path} ${property}`);
    const givenUnit = literal(get(props.TokenValidityUnits, token), `${path} TokenValidityUnits.${token}`) ?? unit;
    const minutes = UNIT_MINUTES[givenUnit];
    if (minutes === undefined) throw new UnresolvableValueError(`${path} TokenValidityUnits.${token}`, givenUnit);
    // An absent lifetime is Cognito's default (1 hour, 1 hour, 30 days), whatever the unit says.
    const lifetime = given === undefined ? defaultMinutes : given * minutes;
    return lifetime <= MAX_TOKEN_MINUTES[token];
  });
}

function userPoolRule(node: CfnResource): NagRuleResult {
  const path = node.node.path;
  if (node.cfnResourceType === 'AWS::Cognito::UserPool') {
    return userPoolHardened(properties(node), path) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  }
  if (node.cfnResourceType === 'AWS::Cognito::UserPoolClient') {
    return clientTokensShort(properties(node), path) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}

export const IAM03_USER_POOL_HARDENED = defineRule({
  name: 'UserPoolHardened',
  control: 'IAM-03',
  problem:
    'End-user authentication is weak: a user pool needs MfaConfiguration ON, passwords of at least 12 characters, and threat protection ENFORCED (UserPoolAddOns.AdvancedSecurityMode, and CustomAuthMode when custom auth is used) on the Plus tier; an app client needs access and ID tokens valid at most 60 minutes and refresh tokens at most 30 days.',
  fix: 'on the UserPool: mfa: Mfa.REQUIRED, passwordPolicy { minLength: 12 }, featurePlan: FeaturePlan.PLUS, standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION (customThreatProtectionMode FULL_FUNCTION with custom auth); on the client: accessTokenValidity and idTokenValidity Duration.minutes(60) or less, refreshTokenValidity Duration.days(30) or less.',
  explanation:
    'ISO 27001 A.8.5 (secure authentication), RGPD art. 32, and the ANS référentiel d’identification électronique (PGSSI-S): patients and professionals reaching health data authenticate with a second factor and short-lived tokens.',
  create: () => userPoolRule,
});
