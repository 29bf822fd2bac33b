import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, asNumber, properties, UnresolvableValueError } from '../util';
import { asObject, isIntrinsic, judge } from './support';

/** The session tag that says why a privileged role is assumed. */
export const ACCESS_REASON_TAG = 'access-reason';
/** Longest session of a role people assume, in seconds. */
export const MAX_PRIVILEGED_SESSION_SECONDS = 3600;

const MFA_KEY = 'aws:multifactorauthpresent';
const REASON_KEY = `aws:requesttag/${ACCESS_REASON_TAG}`;

/** A trust-policy statement, read literally (anything the rule cannot read throws). */
interface TrustStatement {
  readonly allow: boolean;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  /** Identities of the AWS principals (accounts, users, roles) it names; `*` for everyone. */
  readonly awsPrincipals: readonly string[];
  readonly conditions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** IAM action matching: case-insensitive, `*` and `?` wildcards. */
function matchesAction(pattern: string, action: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

function allows(statement: TrustStatement, action: string): boolean {
  if (!statement.allow) return false;
  if (statement.notActions.length > 0) return !statement.notActions.some((p) => matchesAction(p, action));
  return statement.actions.some((p) => matchesAction(p, action));
}

function strings(value: unknown, what: string): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return values.map((v) => {
    if (typeof v !== 'string') throw new UnresolvableValueError(what, value);
    return v;
  });
}

/** A stable identity for a principal value (a literal ARN, or the intrinsic that builds one). */
function principalId(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function readStatement(raw: unknown, what: string): TrustStatement {
  const statement = asObject(raw, what);
  const effect = statement.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new UnresolvableValueError(`${what} Effect`, effect);
  const awsPrincipals: string[] = [];
  if (statement.NotPrincipal !== undefined) {
    // Allow with NotPrincipal lets every other principal in: the statement is about AWS principals.
    awsPrincipals.push(`NotPrincipal:${principalId(statement.NotPrincipal)}`);
  } else if (statement.Principal === '*') {
    awsPrincipals.push('*');
  } else if (statement.Principal !== undefined) {
    const principal = asObject(statement.Principal, `${what} Principal`);
    const aws = principal.AWS;
    if (aws !== undefined) {
      if (isIntrinsic(aws)) awsPrincipals.push(principalId(aws));
      else for (const p of Array.isArray(aws) ? aws : [aws]) awsPrincipals.push(principalId(p));
    }
  }
  const conditions = asObject(statement.Condition, `${what} Condition`);
  for (const [operator, block] of Object.entries(conditions)) asObject(block, `${what} Condition ${operator}`);
  return {
    allow: effect === 'Allow',
    actions: strings(statement.Action, `${what} Action`),
    notActions: strings(statement.NotAction, `${what} NotAction`),
    awsPrincipals,
    conditions: conditions as TrustStatement['conditions'],
  };
}

/** The values a condition operator tests for `key` (condition keys are case-insensitive); `undefined` if absent. */
function conditionValues(statement: TrustStatement, operator: string, key: string, what: string): unknown[] | undefined {
  const block = statement.conditions[operator];
  if (!block) return undefined;
  const found = Object.keys(block).find((k) => k.toLowerCase() === key);
  if (found === undefined) return undefined;
  const values = block[found];
  const list = Array.isArray(values) ? values : [values];
  for (const v of list) if (typeof v !== 'string' && typeof v !== 'boolean') throw new UnresolvableValueError(`${what} Condition ${operator} ${found}`, values);
  return list;
}

/** `Bool aws:MultiFactorAuthPresent true` (`BoolIfExists` also lets in a session with no MFA key). */
function requiresMfa(statement: TrustStatement, what: string): boolean {
  const values = conditionValues(statement, 'Bool', MFA_KEY, what);
  return values !== undefined && values.length > 0 && values.every((v) => v === true || v === 'true');
}

/** A StringLike pattern matches the empty string when it is nothing but `*`. */
function matchesEmpty(pattern: string): boolean {
  return /^\**$/.test(pattern);
}

/** The `access-reason` session tag must be present (and, for string tests, not empty). */
function requiresReason(statement: TrustStatement, what: string): boolean {
  const nonEmpty = (values: unknown[] | undefined, empty: (v: string) => boolean) =>
    values !== undefined && values.length > 0 && values.every((v) => typeof v === 'string' && !empty(v));
  const present = conditionValues(statement, 'Null', REASON_KEY, what);
  return (
    (present !== undefined && present.length > 0 && present.every((v) => v === false || v === 'false')) ||
    nonEmpty(conditionValues(statement, 'StringLike', REASON_KEY, what), matchesEmpty) ||
    nonEmpty(conditionValues(statement, 'StringEquals', REASON_KEY, what), (v) => v === '') ||
    nonEmpty(conditionValues(statement, 'StringEqualsIgnoreCase', REASON_KEY, what), (v) => v === '')
  );
}

/** Whether the trust lets every principal of `statement` tag its session. */
function tagSessionAllowed(statement: TrustStatement, trust: readonly TrustStatement[]): boolean {
  return trust.some(
    (s) => allows(s, 'sts:TagSession') && (s.awsPrincipals.includes('*') || statement.awsPrincipals.every((p) => s.awsPrincipals.includes(p))),
  );
}

/**
 * LOG-06: a role that AWS principals (accounts, users, roles) can assume is privileged access by people:
 * every statement that allows them sts:AssumeRole requires MFA (`Bool aws:MultiFactorAuthPresent true`)
 * and the `access-reason` session tag (`aws:RequestTag/access-reason`), the trust allows sts:TagSession
 * to them, and sessions last at most one hour. Roles only services or web-identity / SAML federation can
 * assume are not applicable.
 */
function privilegedAccessWithReason(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;
  const props = properties(node);
  const what = `${node.node.path} AssumeRolePolicyDocument`;
  const document = asObject(props.AssumeRolePolicyDocument, what);
  const rawStatements = document.Statement;
  const list = rawStatements !== undefined && !Array.isArray(rawStatements) && !isIntrinsic(rawStatements) ? [rawStatements] : asList(rawStatements, `${what} Statement`);
  const trust = list.map((s, i) => readStatement(s, `${what} Statement[${i}]`));
  const byPeople = trust.filter((s) => s.awsPrincipals.length > 0 && allows(s, 'sts:AssumeRole'));
  if (byPeople.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  return judge([
    ...byPeople.flatMap((s) => [() => requiresMfa(s, what), () => requiresReason(s, what), () => tagSessionAllowed(s, trust)]),
    () => (asNumber(props.MaxSessionDuration, `${node.node.path} MaxSessionDuration`) ?? MAX_PRIVILEGED_SESSION_SECONDS) <= MAX_PRIVILEGED_SESSION_SECONDS,
  ]);
}

export const LOG06_PRIVILEGED_ACCESS_WITH_REASON = defineRule({
  name: 'PrivilegedAccessWithReason',
  control: 'LOG-06',
  problem:
    'This role can be assumed by AWS principals (people) without MFA, without an access-reason session tag, or for sessions longer than one hour.',
  fix: 'trust the principals withSessionTags() and withConditions({ Bool: { "aws:MultiFactorAuthPresent": "true" }, StringLike: { "aws:RequestTag/access-reason": "?*" } }) (not BoolIfExists), and keep maxSessionDuration at 1 hour or less.',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15 and A.8.5, PGSSI-S imputabilité: each privileged session is authenticated with MFA and says why it was opened, so every CloudTrail entry tells who, when and why.',
  create: () => privilegedAccessWithReason,
});
