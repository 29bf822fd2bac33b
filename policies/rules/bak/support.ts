import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { isIntrinsic, literalText, renderedMarked, UnresolvableValueError, type ReferenceMarker, type Rendered } from '../util';

/**
 * Helpers for rules that relate resources to each other (a plan to its vault, an alarm to its topic, a
 * role to its managed policies). Shared by the BAK, DET and IAM rules; the rendering with markers is
 * `renderedMarked` (`../util.ts`), which every area uses with its own marker.
 */

/** Delimits the construct path of a referenced resource inside a rendered value. */
const MARK = '\u0001';

/**
 * A reference to a CloudFormation resource of the app becomes a marker naming that resource's construct path.
 * References to parameters stay `{ Ref: ... }` (their value is not known at synth).
 */
const markPath: ReferenceMarker = (t) => (t.target instanceof CfnResource ? `${MARK}${t.target.node.path}${MARK}` : undefined);

/** A resource as CloudFormation will see it, with references to resources of the app as markers. */
export type RenderedWithReferences = Rendered;

/** Like `rendered(node)` (util.ts), but references to resources of the app are markers (see `referencedPaths`). */
export function renderedWithReferences(node: CfnResource): RenderedWithReferences {
  return renderedMarked(node, markPath);
}

/** The properties of `renderedWithReferences(node)` (empty object when it has none). */
export function propertiesWithReferences(node: CfnResource): Record<string, unknown> {
  return renderedWithReferences(node).Properties ?? {};
}

/** The construct paths of every resource of the app that `value` (rendered with references) refers to. */
export function referencedPaths(value: unknown): string[] {
  if (typeof value === 'string') return value.split(MARK).filter((_, i) => i % 2 === 1);
  if (Array.isArray(value)) return value.flatMap(referencedPaths);
  if (value && typeof value === 'object') return Object.values(value).flatMap(referencedPaths);
  return [];
}

/**
 * What a value designates: the app resource it refers to (`{ ref: path }`), or its literal text with pseudo
 * parameters replaced (`{ text }`). Throws when it is neither (a parameter, an import of a foreign export,
 * `Fn::If`...).
 */
export function designation(value: unknown, scope: IConstruct, what: string): { ref: string } | { text: string } {
  const refs = referencedPaths(value);
  if (refs.length === 1) return { ref: refs[0] };
  if (refs.length > 1) throw new UnresolvableValueError(what, value);
  return { text: literalText(value, scope, what) };
}

/** Every CloudFormation resource of the app of the given types (nested stacks and included templates too). */
export function appResources(root: IConstruct, ...types: string[]): CfnResource[] {
  return root.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && types.includes(c.cfnResourceType));
}

/**
 * A computation over the whole app, done once per app for the rule function it is created in (a pack
 * creates new rule functions for each validation, so a changed app is never judged on stale results).
 */
export function perApp<T>(compute: (root: IConstruct) => T): (node: IConstruct) => T {
  const cache = new WeakMap<IConstruct, T>();
  return (node) => {
    const root = node.node.root;
    if (!cache.has(root)) cache.set(root, compute(root));
    return cache.get(root) as T;
  };
}

/** IAM-style glob (`*`, `?`); case-insensitive by default, as IAM compares actions. */
export function globMatches(pattern: string, value: string, ignoreCase = true): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** The region an app resource lives in, or throws (an environment-agnostic stack). */
export function regionOfResource(node: IConstruct): string {
  return literalText({ Ref: 'AWS::Region' }, node, `region of ${node.node.path}`);
}

/** The account an app resource lives in (`${AWS::AccountId}` for an account-agnostic stack). */
export function accountOfResource(node: IConstruct): string {
  return literalText({ Ref: 'AWS::AccountId' }, node, `account of ${node.node.path}`);
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` of an app resource with a literal name. */
export function arnOfResource(node: IConstruct, service: string, resource: string): string {
  const partition = literalText({ Ref: 'AWS::Partition' }, node, `partition of ${node.node.path}`);
  return `arn:${partition}:${service}:${regionOfResource(node)}:${accountOfResource(node)}:${resource}`;
}

/** A policy statement as written, normalised to lists; intrinsics where a literal is needed throw. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action: readonly string[];
  readonly NotAction: readonly string[];
  readonly Resource: readonly unknown[];
  readonly NotResource: readonly unknown[];
  readonly Condition?: unknown;
}


function oneOrMany(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (isIntrinsic(value)) throw new UnresolvableValueError(what, value);
  return [value];
}

function literalStrings(value: unknown, what: string): string[] {
  return oneOrMany(value, what).map((entry) => {
    if (typeof entry !== 'string') throw new UnresolvableValueError(what, entry);
    return entry;
  });
}

/**
 * The statements of a policy document, read as IAM reads them: `Statement` one object or a list, `Action`/`Resource` one value or a list, keys in
 * any order. Throws when an effect, an action or the statement list is an intrinsic.
 */
export function policyStatements(document: unknown, what: string): PolicyStatement[] {
  if (document === undefined) return [];
  if (!document || typeof document !== 'object' || Array.isArray(document) || isIntrinsic(document)) {
    throw new UnresolvableValueError(what, document);
  }
  return oneOrMany((document as Record<string, unknown>).Statement, `${what} Statement`).map((raw) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw) || isIntrinsic(raw)) throw new UnresolvableValueError(`${what} statement`, raw);
    const s = raw as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new UnresolvableValueError(`${what} statement Effect`, s.Effect);
    return {
      Effect: s.Effect,
      Principal: s.Principal,
      NotPrincipal: s.NotPrincipal,
      Action: literalStrings(s.Action, `${what} Action`),
      NotAction: literalStrings(s.NotAction, `${what} NotAction`),
      Resource: oneOrMany(s.Resource, `${what} Resource`),
      NotResource: oneOrMany(s.NotResource, `${what} NotResource`),
      Condition: s.Condition,
    };
  });
}

/** Whether a statement's actions (Action, or everything but NotAction) include `action`. */
export function statementCovers(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction.length > 0) return !statement.NotAction.some((p) => globMatches(p, action));
  return statement.Action.some((p) => globMatches(p, action));
}

/** `"*"` or `{ AWS: "*" }`: every principal. */
export function isEveryPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  const aws = (principal as Record<string, unknown> | undefined)?.AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

export { isIntrinsic };
