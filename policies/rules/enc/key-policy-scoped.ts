import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { KMS_KEY_TYPES } from './key-deletion-window';
import { isIntrinsic, MARKERS, renderingCache, type RenderedResource } from './support';

/** Actions that change a key, its policy, aliases, tags or life cycle: key administration. */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DeleteImportedKeyMaterial',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:ImportKeyMaterial',
  'kms:PutKeyPolicy',
  'kms:ReplicateKey',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
  'kms:UpdatePrimaryRegion',
];

/** Cryptographic use of a key, directly or by a grant. */
export const KEY_USE_ACTIONS = [
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeriveSharedSecret',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateMac',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:Sign',
  'kms:Verify',
  'kms:VerifyMac',
];

/** IAM-style glob (`*`, `?`), case-insensitive as IAM compares actions. */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is').test(value);
}

/** A policy element as a list: IAM accepts one value (a string, or an intrinsic that renders one) or a list. */
function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function actionNames(value: unknown, what: string): string[] {
  return list(value).map((a) => {
    if (typeof a !== 'string') throw new UnresolvableValueError(what, a);
    return a;
  });
}

/** The statements of a key policy; throws when the document or its statement list is an intrinsic. */
function keyPolicyStatements(policy: unknown): Record<string, unknown>[] {
  const document = typeof policy === 'string' ? (JSON.parse(policy) as unknown) : policy;
  if (!document || typeof document !== 'object' || Array.isArray(document) || !('Statement' in document)) {
    throw new UnresolvableValueError('KeyPolicy', policy);
  }
  const statement = (document as { Statement: unknown }).Statement;
  const all = Array.isArray(statement) ? statement : [statement];
  return all.map((s) => {
    if (!s || typeof s !== 'object' || Array.isArray(s) || !('Effect' in s)) throw new UnresolvableValueError('KeyPolicy statement', s);
    return s as Record<string, unknown>;
  });
}

/**
 * Whether one principal value can be `*`. Text built around a reference (an ARN that names a role, an
 * account root) cannot; a reference to a resource is an ARN or a name; a parameter or a foreign import
 * could be anything and throws.
 */
function isWildcardValue(resource: RenderedResource, value: unknown): boolean {
  if (typeof value === 'string' && !isIntrinsic(value)) return value === '*';
  const literalParts = (v: unknown): string[] => {
    const join = (v as Record<string, unknown> | null)?.['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return [...(join[1].length > 1 ? [String(join[0])] : []), ...join[1].flatMap(literalParts)];
    const sub = (v as Record<string, unknown> | null)?.['Fn::Sub'];
    const template = Array.isArray(sub) ? sub[0] : sub;
    if (typeof template === 'string') return [template.replace(/\$\{[^}]*\}/g, '')];
    return typeof v === 'string' ? [v.replace(MARKERS, '')] : [];
  };
  if (literalParts(value).some((part) => /[^*]/.test(part))) return false;
  const designation = resource.designate(value, 'key policy principal');
  return 'text' in designation && designation.text === '*';
}

/** Whether a statement's principal is everyone: `*`, `{ AWS: '*' }` (alone or in a list). */
function isEveryone(resource: RenderedResource, principal: unknown): boolean {
  if (principal === undefined) return false;
  if (typeof principal === 'string' || !principal || typeof principal !== 'object' || Array.isArray(principal)) {
    return isWildcardValue(resource, principal);
  }
  const record = principal as Record<string, unknown>;
  if (Object.keys(record).some((k) => k === 'Ref' || k.startsWith('Fn::'))) throw new UnresolvableValueError('key policy Principal', principal);
  return list(record.AWS).some((v) => isWildcardValue(resource, v));
}

/** Whether the statement allows `action` (Action patterns, or everything NotAction leaves out). */
function allows(statement: Record<string, unknown>, action: string): boolean {
  const patterns = actionNames(statement.Action, 'key policy Action');
  const excluded = actionNames(statement.NotAction, 'key policy NotAction');
  if (statement.NotAction !== undefined) return !excluded.some((p) => globMatches(p, action));
  return patterns.some((p) => globMatches(p, action));
}

function hasCondition(statement: Record<string, unknown>): boolean {
  const condition = statement.Condition;
  return condition !== undefined && condition !== null && (typeof condition !== 'object' || Object.keys(condition).length > 0);
}

/** The reasons a key policy statement breaks ENC-01 (empty when it does not). */
export function statementProblems(resource: RenderedResource, statement: Record<string, unknown>): string[] {
  if (statement.Effect !== 'Allow') {
    if (statement.Effect === 'Deny') return [];
    throw new UnresolvableValueError('key policy Effect', statement.Effect);
  }
  const problems: string[] = [];
  const everyone = statement.NotPrincipal !== undefined || isEveryone(resource, statement.Principal);
  if (everyone && !hasCondition(statement)) problems.push('allows everyone (*) with no condition');
  const actions = actionNames(statement.Action, 'key policy Action');
  if (actions.some((a) => a === '*' || a.toLowerCase() === 'kms:*')) problems.push('allows kms:*');
  const administers = KEY_ADMINISTRATION_ACTIONS.some((a) => allows(statement, a));
  const uses = KEY_USE_ACTIONS.some((a) => allows(statement, a));
  if (administers && uses) problems.push('allows the same principals to administer and to use the key');
  return problems;
}

/** Each principal of a statement as comparable text (`AWS:arn:...`, `Service:logs...`, `${path.Arn}` for a reference). */
function principalNames(resource: RenderedResource, principal: unknown): string[] {
  const text = (v: unknown) => resource.textOf(v, (t) => `\${${t.element.node.path}.${t.attribute}}`, 'key policy principal');
  if (principal === undefined) return [];
  if (typeof principal === 'string') return [text(principal)];
  if (!principal || typeof principal !== 'object' || Array.isArray(principal)) throw new UnresolvableValueError('key policy Principal', principal);
  return Object.entries(principal as Record<string, unknown>).flatMap(([type, values]) =>
    list(values).map((v) => `${type}:${text(v)}`),
  );
}

/**
 * Principals that administer the key (in any Allow statement) and may also use it with no condition (in
 * another): splitting the two into statements does not separate them. Use under a condition (through a
 * service, for a grant to an AWS resource, with an encryption context) is how the platform's keys let the
 * account's roles use a key they administer through IAM, and is not counted.
 */
function administratorsWhoAreUsers(resource: RenderedResource, all: Record<string, unknown>[]): string[] {
  const allowed = all.filter((s) => s.Effect === 'Allow' && s.NotPrincipal === undefined);
  const administrators = new Set(allowed.filter((s) => KEY_ADMINISTRATION_ACTIONS.some((a) => allows(s, a))).flatMap((s) => principalNames(resource, s.Principal)));
  return allowed
    .filter((s) => !hasCondition(s) && KEY_USE_ACTIONS.some((a) => allows(s, a)))
    .flatMap((s) => principalNames(resource, s.Principal))
    .filter((p) => administrators.has(p));
}

function createKeyPolicyScoped(): (node: CfnResource) => NagRuleResult {
  const render = renderingCache();
  const rule = (node: CfnResource): NagRuleResult => {
    if (!KMS_KEY_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const resource = render(node);
    const policy = resource.properties.KeyPolicy;
    // Without a KeyPolicy, KMS attaches its default policy, which allows kms:* to the account.
    if (policy === undefined) return NagRuleCompliance.NON_COMPLIANT;
    const all = keyPolicyStatements(policy);
    const broken = all.some((s) => statementProblems(resource, s).length > 0) || administratorsWhoAreUsers(resource, all).length > 0;
    return broken ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'KeyPolicyScoped' });
}

/**
 * ENC-01: a key policy is scoped. No statement allows everyone without a condition (`Principal: '*'`,
 * `{ AWS: '*' }`, or `NotPrincipal`), none allows `kms:*` (or `*`), and none lets the same principals both
 * administer the key (change its policy, disable it, schedule its deletion...) and use it (encrypt, decrypt,
 * create grants...): wildcards count (`kms:Create*` covers `kms:CreateAlias` and `kms:CreateGrant`), and so
 * does `NotAction`; nor may an administrator get unconditioned use in another statement. A key with no
 * KeyPolicy gets KMS's default policy (`kms:*` to the account) and fails.
 */
export const ENC01_KEY_POLICY_SCOPED = defineRule({
  name: 'KeyPolicyScoped',
  control: 'ENC-01',
  problem:
    'This KMS key policy allows everyone (*) without a condition, allows kms:*, or lets the same principals both administer and use the key.',
  fix: 'pass an explicit policy (PlatformKeys shows one): administration actions (kms:Put*, kms:ScheduleKeyDeletion, kms:Disable*...) in one statement, use (kms:Decrypt, kms:GenerateDataKey*, kms:CreateGrant...) in another, conditioned on kms:ViaService or an encryption context; never kms:* or kms:Create*, never an unconditioned * principal.',
  explanation:
    'ISO 27001 A.8.24 (key management), A.5.15 and A.8.2 (least privilege, separation of duties), RGPD art. 32: whoever manages a key must not be able to read the health data it protects, and no one outside the policy may use it.',
  create: () => createKeyPolicyScoped(),
});
