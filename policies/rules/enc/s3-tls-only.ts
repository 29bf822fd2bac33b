import { CfnResource, Stack, type CfnElement } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { asString, renderingCache, type RenderedResource, type Target } from './support';

/** Stands for the bucket's name when it has no literal one. */
const BUCKET = '\u0002bucket\u0002';
/** Stands for a resource other than the bucket: matches only a `*` in a pattern. */
const OTHER = '\u0003';
/** An object key only a `*` in a pattern matches. */
const ANY_KEY = '\u0004';

/** IAM-style glob (`*`, `?`). */
function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' || (value && typeof value === 'object' && 'Fn::Join' in value)) return [value];
  throw new UnresolvableValueError(what, value);
}

function caseInsensitive(record: unknown, key: string): unknown {
  if (!record || typeof record !== 'object') return undefined;
  const found = Object.entries(record).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return found?.[1];
}

/**
 * The only condition of a statement: `[operator, key (lower case), values]`, or undefined when it has none or
 * several (conditions AND, so a second one would narrow the Deny). Values of one key OR.
 */
function onlyCondition(statement: Record<string, unknown>): [string, string, unknown[]] | undefined {
  const condition = statement.Condition;
  if (!condition || typeof condition !== 'object') return undefined;
  const operators = Object.entries(condition as Record<string, unknown>);
  if (operators.length !== 1) return undefined;
  const [operator, keys] = operators[0];
  if (!keys || typeof keys !== 'object') return undefined;
  const entries = Object.entries(keys as Record<string, unknown>);
  if (entries.length !== 1) return undefined;
  const [key, raw] = entries[0];
  return [operator, key.toLowerCase(), Array.isArray(raw) ? raw : [raw]];
}

/** `Bool: { aws:SecureTransport: false }`, alone. */
function deniesInsecureTransport(statement: Record<string, unknown>): boolean {
  const only = onlyCondition(statement);
  return only !== undefined && only[0] === 'Bool' && only[1] === 'aws:securetransport' && only[2].some((v) => v === false || v === 'false');
}

/** `NumericLessThan: { s3:TlsVersion: v }` with v ≥ 1.2 (one of the values), alone. */
function deniesOldTls(statement: Record<string, unknown>): boolean {
  const only = onlyCondition(statement);
  if (only === undefined || only[0] !== 'NumericLessThan' || only[1] !== 's3:tlsversion') return false;
  const versions = only[2].map((v) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN));
  return versions.some((version) => version >= 1.2);
}

/** A bucket policy of the stack, read once per rule function. */
interface BucketPolicy {
  readonly policy: RenderedResource;
  /** The bucket it applies to: a resource of the app, or a literal name. */
  readonly bucket: { readonly element: CfnElement } | { readonly name: string };
  readonly statements: Record<string, unknown>[];
}

function readPolicy(policy: RenderedResource): BucketPolicy {
  const designation = policy.designate(policy.properties.Bucket, 'BucketPolicy Bucket');
  const bucket = 'target' in designation ? { element: designation.target.element } : { name: designation.text };
  const property = policy.properties.PolicyDocument;
  const document = typeof property === 'string' ? (JSON.parse(property) as unknown) : property;
  const raw = document && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>).Statement : undefined;
  if (raw === undefined) throw new UnresolvableValueError('bucket policy PolicyDocument', property);
  const statements = (Array.isArray(raw) ? raw : [raw]).map((s) => {
    if (!s || typeof s !== 'object' || Array.isArray(s) || !('Effect' in s)) throw new UnresolvableValueError('bucket policy statement', s);
    return s as Record<string, unknown>;
  });
  return { policy, bucket, statements };
}

/**
 * Whether a Deny statement denies every S3 action to everyone on the bucket and on all of its objects,
 * under the condition `condition` checks. Throws when its resources cannot be read.
 */
function deniesEverythingOnBucket(
  statement: Record<string, unknown>,
  policy: RenderedResource,
  bucket: CfnResource,
  bucketName: string,
  condition: (s: Record<string, unknown>) => boolean,
): boolean {
  if (statement.Effect !== 'Deny' || statement.NotAction !== undefined || statement.NotResource !== undefined || !condition(statement)) return false;
  const actions = list(statement.Action, 'Action');
  if (!actions.some((a) => typeof a === 'string' && (a === '*' || a.toLowerCase() === 's3:*'))) return false;
  const principal = statement.Principal;
  const everyone = principal === '*' || list(caseInsensitive(principal, 'AWS'), 'Principal.AWS').includes('*');
  if (!everyone) return false;
  const substitute = (target: Target): string => {
    if (target.element !== bucket) return OTHER;
    if (target.attribute === 'Arn') return `arn:aws:s3:::${bucketName}`;
    if (target.attribute === 'Ref') return bucketName;
    return OTHER;
  };
  const patterns = list(statement.Resource, 'Resource').map((r) => policy.textOf(r, substitute, 'bucket policy Resource'));
  const bucketArn = `arn:aws:s3:::${bucketName}`;
  return patterns.some((p) => globMatches(p, bucketArn)) && patterns.some((p) => globMatches(p, `${bucketArn}/${ANY_KEY}`));
}

function createS3TlsOnly(): (node: CfnResource) => NagRuleResult {
  const render = renderingCache();
  /** Bucket policies of each stack: readable ones, and the errors of those that could not be read. */
  const cache = new WeakMap<Stack, { policies: BucketPolicy[]; unreadable: string[] }>();
  const policiesOf = (stack: Stack) => {
    let found = cache.get(stack);
    if (!found) {
      found = { policies: [], unreadable: [] };
      for (const c of stack.node.findAll()) {
        if (!(c instanceof CfnResource) || c.cfnResourceType !== 'AWS::S3::BucketPolicy' || Stack.of(c) !== stack) continue;
        try {
          found.policies.push(readPolicy(render(c)));
        } catch (error) {
          if (!(error instanceof UnresolvableValueError)) throw error;
          found.unreadable.push(`${c.node.path}: ${error.message}`);
        }
      }
      cache.set(stack, found);
    }
    return found;
  };

  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::S3::Bucket') return NagRuleCompliance.NOT_APPLICABLE;
    // A name the template computes (Fn::Sub of a parameter...) cannot be matched by name: by reference only.
    let literalName: string | undefined;
    try {
      literalName = asString(render(node).properties.BucketName, 'BucketName');
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
    }
    const name = literalName ?? BUCKET;
    const { policies, unreadable } = policiesOf(Stack.of(node));
    const mine = policies.filter((p) => ('element' in p.bucket ? p.bucket.element === node : p.bucket.name === literalName));
    const errors = [...unreadable];
    const has = (condition: (s: Record<string, unknown>) => boolean) =>
      mine.some((p) =>
        p.statements.some((s) => {
          try {
            return deniesEverythingOnBucket(s, p.policy, node, name, condition);
          } catch (error) {
            if (!(error instanceof UnresolvableValueError)) throw error;
            errors.push(`${p.policy.node.node.path}: ${error.message}`);
            return false;
          }
        }),
      );
    if (has(deniesInsecureTransport) && has(deniesOldTls)) return NagRuleCompliance.COMPLIANT;
    if (errors.length > 0) throw new UnresolvableValueError(`[ENC-03] TLS-only bucket policy of ${node.node.path}`, errors);
    return NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'S3TlsOnly' });
}

/**
 * ENC-03, S3: the bucket's policy (an `AWS::S3::BucketPolicy` of the same stack whose Bucket refers to it, or
 * names it) denies every S3 action to everyone on the bucket and its objects when `aws:SecureTransport` is
 * false, and in another statement when `s3:TlsVersion` is below 1.2. Each Deny must have that one condition
 * (another condition would narrow it). cdk-nag's S3BucketSSLRequestsOnly checks only the first part.
 */
export const ENC03_S3_TLS_ONLY = defineRule({
  name: 'S3TlsOnly',
  control: 'ENC-03',
  problem:
    'This S3 bucket accepts requests without TLS or with TLS below 1.2: its bucket policy lacks a Deny of s3:* to * on the bucket and its objects for aws:SecureTransport false, or for s3:TlsVersion NumericLessThan 1.2.',
  fix: 'use SecureBucket, or pass enforceSSL: true and minimumTLSVersion: 1.2 to s3.Bucket.',
  explanation:
    'HDS v2 EXI 05, ISO 27001 A.8.24 and RGPD art. 32: health data in transit is protected by TLS 1.2 or later; older protocols and clear-text HTTP are refused by the bucket itself, whatever the client.',
  create: () => createS3TlsOnly(),
});
