import {
  CfnElement,
  CfnParameter,
  CfnResource,
  DefaultTokenResolver,
  Reference,
  Stack,
  Tokenization,
  type IFragmentConcatenator,
  type IPostProcessor,
  type IResolvable,
  type IResolveContext,
} from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { isIntrinsic as isIntrinsicValue, literalBoolean, literalText, UnresolvableValueError } from '../util';

/**
 * Helpers of the ENC rules: what a property designates (a resource of the app, whatever the stack, or a
 * literal), whether that is a customer-managed KMS key, and literal booleans. Overlaps
 * `../bak/support.ts` and `../res/support.ts`: the three are candidates for one helper in `../util.ts`.
 */

/** A reference to a resource (or parameter) of the app, found in a rendered value. */
export interface Target {
  readonly element: CfnElement;
  /** `Ref`, or the attribute of `Fn::GetAtt` (`Arn`, `KeyId`...). */
  readonly attribute: string;
}

/** Delimits the index of a target inside a rendered string. */
const MARK = '\u0001';
/** Every marker in a rendered string (a RegExp built from MARK: a control character in a literal reads as a typo). */
export const MARKERS = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');
const WHOLE_MARKER = new RegExp(`^${MARK}(\\d+)${MARK}$`);

/** Joins fragments as CloudFormation does (`Fn::Join` with ''), keeping literal strings merged. */
class JoinConcat implements IFragmentConcatenator {
  public join(left: unknown, right: unknown): unknown {
    const parts: unknown[] = [];
    for (const part of [...JoinConcat.parts(left), ...JoinConcat.parts(right)]) {
      const last = parts[parts.length - 1];
      if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
      else parts.push(part);
    }
    if (parts.length === 0) return '';
    return parts.length === 1 ? parts[0] : { 'Fn::Join': ['', parts] };
  }

  private static parts(value: unknown): unknown[] {
    if (value === undefined) return [];
    const join = (value as Record<string, unknown> | null)?.['Fn::Join'];
    if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) return join[1];
    return [value];
  }
}

/**
 * Resolves like synth, except that a reference to a CloudFormation element of the app becomes a marker:
 * resolved, a cross-stack reference is an `Fn::GetStackOutput` or `Fn::ImportValue` that no longer says
 * which resource it designates. Pseudo parameters (whose target is a stack) resolve as usual.
 */
class TargetMarkingResolver extends DefaultTokenResolver {
  public readonly targets: Target[] = [];

  constructor() {
    super(new JoinConcat());
  }

  public override resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    if (t instanceof Reference && t.target instanceof CfnElement) {
      this.targets.push({ element: t.target, attribute: t.displayName === 'Ref' ? 'Ref' : t.displayName });
      return `${MARK}${this.targets.length - 1}${MARK}`;
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

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
    const resolver = new TargetMarkingResolver();
    const cfn = Tokenization.resolve((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation(), {
      scope: node,
      resolver,
    }) as { Resources?: Record<string, { Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }> };
    const resources = Object.values(cfn.Resources ?? {});
    if (resources.length !== 1) throw new Error(`${node.node.path}: expected one rendered resource, found ${resources.length}`);
    this.properties = resources[0].Properties ?? {};
    this.deletionPolicy = resources[0].DeletionPolicy;
    this.updateReplacePolicy = resources[0].UpdateReplacePolicy;
    this.targets = resolver.targets;
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
