import { CfnElement, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { isIntrinsic as isIntrinsicValue, literalBoolean, literalText, INDEX_MARK, renderedIndexed, UnresolvableValueError } from '../util';

/**
 * Helpers of the ENC rules: what a property designates (a resource of the app, whatever the stack, or a
 * literal), whether that is a customer-managed KMS key, and literal booleans. References are rendered as
 * index markers by `renderedIndexed` (`../util.ts`), as the RES rules do.
 */

/** A reference to a resource (or parameter) of the app, found in a rendered value. */
export interface Target {
  readonly element: CfnElement;
  /** `Ref`, or the attribute of `Fn::GetAtt` (`Arn`, `KeyId`...). */
  readonly attribute: string;
}

const MARK = INDEX_MARK;
/** Every marker in a rendered string (a RegExp built from MARK: a control character in a literal reads as a typo). */
export const MARKERS = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');
const WHOLE_MARKER = new RegExp(`^${MARK}(\\d+)${MARK}$`);

/** What a value designates: a resource or parameter of the app, or a literal text. */
export type Designation = { readonly target: Target } | { readonly text: string };

/**
 * A resource as CloudFormation will see it (like `rendered` in util.ts), with every reference to an element
 * of the app kept as a marker that `designate` and `textOf` read. Raw `Ref` / `Fn::GetAtt` objects written by
 * hand (escape hatches) are understood too, by logical id in the resource's stack.
 */
export class RenderedResource {
  public readonly properties: Record<string, unknown>;
  public readonly deletionPolicy?: string;
  public readonly updateReplacePolicy?: string;
  private readonly targets: readonly Target[];

  constructor(public readonly node: CfnResource) {
    // A reference to an element of the app (a resource or a parameter, in any stack) becomes a marker: resolved,
    // a cross-stack reference is an `Fn::GetStackOutput` or `Fn::ImportValue` that no longer says what it
    // designates. Pseudo parameters (whose target is a stack) resolve as usual.
    const { resource, targets } = renderedIndexed(node, (t) =>
      t.target instanceof CfnElement ? { element: t.target, attribute: t.displayName === 'Ref' ? 'Ref' : t.displayName } : undefined,
    );
    this.properties = resource.Properties ?? {};
    this.deletionPolicy = resource.DeletionPolicy;
    this.updateReplacePolicy = resource.UpdateReplacePolicy;
    this.targets = targets;
  }

  /**
   * The element a value refers to (a reference, alone), or its literal text with pseudo parameters replaced.
   * Throws for anything else: a parameter, a foreign import, `Fn::If`, text mixing references and literals.
   */
  public designate(value: unknown, what: string): Designation {
    const target = this.targetOf(value);
    if (target) {
      if (target.element instanceof CfnParameter) throw new UnresolvableValueError(`${what} (a parameter)`, value);
      return { target };
    }
    if (typeof value === 'string' && value.includes(MARK)) throw new UnresolvableValueError(what, this.describe(value));
    return { text: literalText(value, this.node, what) };
  }

  /**
   * The literal text of a value, each reference to an element of the app replaced by `substitute` (which
   * may throw), pseudo parameters replaced; `Fn::Join` and `Fn::Sub` understood. Throws for other intrinsics.
   */
  public textOf(value: unknown, substitute: (target: Target) => string, what: string): string {
    const sub = (target: Target): string => {
      if (target.element instanceof CfnParameter) throw new UnresolvableValueError(`${what} (a parameter)`, target.element.node.path);
      return substitute(target);
    };
    if (typeof value === 'string') return value.replace(MARKERS, (_whole, i: string) => sub(this.targets[Number(i)]));
    const raw = this.rawTarget(value);
    if (raw) return sub(raw);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const join = record['Fn::Join'];
      if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
        return join[1].map((part) => this.textOf(part, substitute, what)).join(join[0]);
      }
      const fnSub = record['Fn::Sub'];
      const [template, variables] = Array.isArray(fnSub) ? [fnSub[0], fnSub[1] as unknown] : [fnSub, {}];
      if (typeof template === 'string' && variables && typeof variables === 'object' && !Array.isArray(variables)) {
        const vars = variables as Record<string, unknown>;
        return template.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
          if (name in vars) return this.textOf(vars[name], substitute, what);
          const [id, attribute] = name.split(/\.(.*)/s);
          const element = elementByLogicalId(this.node, id);
          if (element) return sub({ element, attribute: attribute ?? 'Ref' });
          // A pseudo parameter, or throws.
          return literalText({ 'Fn::Sub': whole }, this.node, what);
        })
          // `${Resource}` of a template loaded by cloudformation-include renders as a marker of its own.
          .replace(MARKERS, (_whole, index: string) => sub(this.targets[Number(index)]));
      }
      if (typeof record.Ref === 'string') return literalText(value, this.node, what);
    }
    throw new UnresolvableValueError(what, value);
  }

  private targetOf(value: unknown): Target | undefined {
    if (typeof value === 'string') {
      const whole = WHOLE_MARKER.exec(value);
      return whole ? this.targets[Number(whole[1])] : undefined;
    }
    return this.rawTarget(value);
  }

  /** A hand-written `{ Ref: id }` or `{ 'Fn::GetAtt': [id, attribute] }` naming an element of the stack. */
  private rawTarget(value: unknown): Target | undefined {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length !== 1) return undefined;
    if (typeof record.Ref === 'string') {
      const element = elementByLogicalId(this.node, record.Ref);
      return element ? { element, attribute: 'Ref' } : undefined;
    }
    const getAtt = record['Fn::GetAtt'];
    const [id, attribute] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split(/\.(.*)/s) : [];
    if (typeof id !== 'string' || typeof attribute !== 'string') return undefined;
    const element = elementByLogicalId(this.node, id);
    return element ? { element, attribute } : undefined;
  }

  private describe(value: string): string {
    return value.replace(MARKERS, (_whole, i: string) => `\${${this.targets[Number(i)].element.node.path}}`);
  }
}

/** The element of `scope`'s stack with this logical id. */
export function elementByLogicalId(scope: IConstruct, logicalId: string): CfnElement | undefined {
  const stack = Stack.of(scope);
  return stack.node
    .findAll()
    .find((c): c is CfnElement => CfnElement.isCfnElement(c) && Stack.of(c) === stack && stack.resolve(c.logicalId) === logicalId);
}

/**
 * A rendering of each resource, made once per rule function (a pack creates new rule functions for each
 * validation, so a changed app is never judged on a stale rendering).
 */
export function renderingCache(): (node: CfnResource) => RenderedResource {
  const cache = new WeakMap<CfnResource, RenderedResource>();
  return (node) => {
    let found = cache.get(node);
    if (!found) {
      found = new RenderedResource(node);
      cache.set(node, found);
    }
    return found;
  };
}

/** A literal boolean (`true`, `"true"`, `false`, `"false"`); `undefined` when absent; throws for an intrinsic. */
export const asBoolean = literalBoolean;

/** A literal string; `undefined` when absent; throws for an intrinsic. */
export function asString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && !value.includes(MARK)) return value;
  throw new UnresolvableValueError(what, value);
}

const KMS_KEY_TYPES: ReadonlySet<string> = new Set(['AWS::KMS::Key', 'AWS::KMS::ReplicaKey']);
const AWS_MANAGED_ALIAS = /^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias\/aws\//i;
const KEY_ARN = /^arn:[^:]+:kms:[a-z0-9-]+:[^:]+:key\/\S+$/;
const ALIAS = /^(arn:[^:]+:kms:[a-z0-9-]+:[^:]+:)?alias\/[A-Za-z0-9/_-]+$/;
const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * ENC-02: whether a key property designates a customer-managed KMS key.
 * - absent: no (the service's AWS-owned or AWS-managed key);
 * - a reference to an `AWS::KMS::Key` or `AWS::KMS::ReplicaKey` of the app (any stack), or to an
 *   `AWS::KMS::Alias` of the app (CloudFormation cannot create `alias/aws/...`): yes;
 * - a literal key ARN or key id, or a customer alias (name or ARN): yes (a key outside the app);
 * - an `alias/aws/...` AWS-managed alias (name or ARN), or any other text: no;
 * - a reference to anything else, a parameter, a foreign import: throws (cannot tell at synth).
 */
export function isCustomerManagedKey(resource: RenderedResource, value: unknown, what: string): boolean {
  if (value === undefined) return false;
  const designation = resource.designate(value, what);
  if ('target' in designation) {
    // A key's Ref, Arn and KeyId all designate it; an alias has only its Ref (its name).
    const { element } = designation.target;
    const type = element instanceof CfnResource ? element.cfnResourceType : undefined;
    if (type !== undefined && (KMS_KEY_TYPES.has(type) || type === 'AWS::KMS::Alias')) return true;
    throw new UnresolvableValueError(`${what} (refers to ${element.node.path}, not a KMS key)`, type);
  }
  const text = designation.text;
  if (AWS_MANAGED_ALIAS.test(text)) return false;
  return KEY_ARN.test(text) || ALIAS.test(text) || KEY_ID.test(text);
}

/**
 * A rule function over resources of `types`: `check` says whether one is compliant (`undefined`: not
 * applicable), reading it rendered with its references. A rendering is made once per resource per function.
 */
export function resourceRule(
  name: string,
  types: readonly string[],
  check: (resource: RenderedResource) => boolean | undefined,
): (node: CfnResource) => NagRuleResult {
  const render = renderingCache();
  const rule = (node: CfnResource): NagRuleResult => {
    if (!types.includes(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    const verdict = check(render(node));
    if (verdict === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    return verdict ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: name });
}

/** True for an intrinsic function or a `Ref` (an object with one key, `Ref` or `Fn::*`), or a marked reference. */
export function isIntrinsic(value: unknown): boolean {
  // A reference to another resource is a marker string here; anything else as the rules' shared helper says.
  return typeof value === 'string' ? value.includes(MARK) : isIntrinsicValue(value);
}

/**
 * Reads a nested property like `get` (util.ts), but throws when it meets an intrinsic on the way: an `Fn::If`
 * in place of an object hides what is inside it, and reading through it as "absent" would judge a guess.
 */
export function at(value: unknown, path: readonly (string | number)[], what: string): unknown {
  let current = value;
  for (const key of path) {
    if (current === undefined || current === null) return undefined;
    if (isIntrinsic(current) || typeof current !== 'object') throw new UnresolvableValueError(what, current);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A list at a path: `[]` when absent; throws for an intrinsic. */
export function listAt(value: unknown, path: readonly (string | number)[], what: string): unknown[] {
  const found = at(value, path, what);
  if (found === undefined) return [];
  if (Array.isArray(found)) return found;
  throw new UnresolvableValueError(what, found);
}
