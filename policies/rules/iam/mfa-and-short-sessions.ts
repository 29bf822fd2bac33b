import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asNumber, UnresolvableValueError } from '../util';
import { isIntrinsic, policyStatements, propertiesWithReferences, statementCovers, type PolicyStatement } from '../bak/support';

/** Longest session of a role people assume (IAM-01). */
export const MAX_SESSION_SECONDS = 3600;

/** Whether a trust statement lets AWS principals (accounts, users, roles, or anyone) in, as opposed to services or federation. */
function trustsAwsPrincipals(statement: PolicyStatement, what: string): boolean {
  const principal = statement.Principal;
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object' || isIntrinsic(principal)) throw new UnresolvableValueError(`${what} Principal`, principal);
  return (principal as Record<string, unknown>).AWS !== undefined;
}

/** `Bool: { aws:MultiFactorAuthPresent: true }` (condition keys are case-insensitive; every listed value true). */
function requiresMfa(statement: PolicyStatement, what: string): boolean {
  const bool = (statement.Condition as Record<string, unknown> | undefined)?.Bool;
  if (bool === undefined) return false;
  if (!bool || typeof bool !== 'object' || isIntrinsic(bool)) throw new UnresolvableValueError(`${what} Condition.Bool`, bool);
  const entry = Object.entries(bool).find(([key]) => key.toLowerCase() === 'aws:multifactorauthpresent');
  if (!entry) return false;
  const values = Array.isArray(entry[1]) ? entry[1] : [entry[1]];
  return values.length > 0 && values.every((v) => v === true || v === 'true');
}

function mfaAndShortSessions(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;
  const props = propertiesWithReferences(node);
  const path = node.node.path;
  const what = `${path} AssumeRolePolicyDocument`;
  const assumedByPeople = policyStatements(props.AssumeRolePolicyDocument, what).filter(
    (s) => s.Effect === 'Allow' && statementCovers(s, 'sts:AssumeRole') && trustsAwsPrincipals(s, what),
  );
  if (assumedByPeople.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const maxSession = asNumber(props.MaxSessionDuration, `${path} MaxSessionDuration`) ?? MAX_SESSION_SECONDS;
  if (maxSession > MAX_SESSION_SECONDS) return NagRuleCompliance.NON_COMPLIANT;
  return assumedByPeople.every((s) => requiresMfa(s, what)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const IAM01_MFA_AND_SHORT_SESSIONS = defineRule({
  name: 'MfaAndShortSessions',
  control: 'IAM-01',
  problem:
    'This role can be assumed by AWS principals (users, roles, accounts) without MFA or for more than one hour: every trust statement that allows sts:AssumeRole to an AWS principal needs Condition Bool aws:MultiFactorAuthPresent true, and MaxSessionDuration must be at most 3600 seconds.',
  fix: "assume it through new iam.PrincipalWithConditions(principal, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) and keep maxSessionDuration at Duration.hours(1) or less.",
  explanation:
    'ISO 27001 A.5.15, A.5.18 and A.8.5 (secure authentication), PGSSI-S imputabilité: people who operate a health-data platform prove a second factor, and a stolen session expires within the hour.',
  create: () => mfaAndShortSessions,
});
