import {
  DefaultTokenResolver,
  Reference,
  Stack,
  Token,
  Tokenization,
  type CfnResource,
  type IFragmentConcatenator,
  type IPostProcessor,
  type IResolvable,
  type IResolveContext,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A value a rule cannot evaluate at synth: thrown, so cdk-nag reports "could not be evaluated". */
export class UnresolvableValueError extends Error {
  constructor(what: string, value: unknown) {
    super(`${what} cannot be evaluated at synth: ${JSON.stringify(value)}`);
    this.name = 'UnresolvableValueError';
  }
}

export interface Rendered {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Condition?: string;
}

/**
 * The resource as CloudFormation will see it: PascalCase properties, tokens resolved within its
 * stack, tags applied. The same shape for resources built by CDK constructs and for resources read
 * from a foreign template by cloudformation-include, so rules inspect parsed objects, never strings.
 */
export function rendered(node: CfnResource): Rendered {
  const cfn = Stack.of(node).resolve((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as {
    Resources?: Record<string, Rendered>;
  };
  const resources = Object.values(cfn.Resources ?? {});
  if (resources.length !== 1) throw new Error(`${node.node.path}: expected one rendered resource, found ${resources.length}`);
  return resources[0];
}

/**
 * Joins fragments as CloudFormation does (`Fn::Join` with ''), merging adjacent literal strings, so that a
 * marker next to literal text stays one string and an intrinsic stays an object.
 */
export class JoinConcat implements IFragmentConcatenator {
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
 * How a rule sees a reference (`Ref`, `Fn::GetAtt`, a cross-stack or cross-region reference): a marker string
 * that says which construct it designates, or `undefined` to resolve it as synth does. Resolved, a reference
 * is an expression (or an import) that no longer says which resource it points to.
 */
export type ReferenceMarker = (reference: Reference) => string | undefined;

class MarkingResolver extends DefaultTokenResolver {
  constructor(
    private readonly marker: ReferenceMarker,
    concat: IFragmentConcatenator,
  ) {
    super(concat);
  }

  public override resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    const marked = t instanceof Reference ? this.marker(t) : undefined;
    return marked ?? super.resolveToken(t, context, postProcessor);
  }
}

/** Resolves a value in the scope of `scope` like synth, except the references `marker` turns into markers. */
export function resolveMarked(value: unknown, scope: IConstruct, marker: ReferenceMarker, concat: IFragmentConcatenator = new JoinConcat()): unknown {
  return Tokenization.resolve(value, { scope, resolver: new MarkingResolver(marker, concat) });
}

/** Like `rendered(node)`, except the references `marker` turns into markers (see `ReferenceMarker`). */
export function renderedMarked(node: CfnResource, marker: ReferenceMarker, concat?: IFragmentConcatenator): Rendered {
  const cfn = resolveMarked((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation(), node, marker, concat) as {
    Resources?: Record<string, Rendered>;
  };
  const resources = Object.values(cfn.Resources ?? {});
  if (resources.length !== 1) throw new Error(`${node.node.path}: expected one rendered resource, found ${resources.length}`);
  return resources[0];
}

/** Delimits the index of a reference in text rendered by `renderedIndexed`: `\u0001<index>\u0001`. */
export const INDEX_MARK = '\u0001';

/**
 * Renders `node` with each reference that `toTarget` accepts replaced by an index marker (`INDEX_MARK`, the
 * index in `targets`, `INDEX_MARK`); the rule then reads what each marker designates from `targets`.
 */
export function renderedIndexed<T>(
  node: CfnResource,
  toTarget: (reference: Reference) => T | undefined,
  concat?: IFragmentConcatenator,
): { readonly resource: Rendered; readonly targets: readonly T[] } {
  const targets: T[] = [];
  const resource = renderedMarked(
    node,
    (reference) => {
      const target = toTarget(reference);
      if (target === undefined) return undefined;
      targets.push(target);
      return `${INDEX_MARK}${targets.length - 1}${INDEX_MARK}`;
    },
    concat,
  );
  return { resource, targets };
}

/** The resolved CloudFormation properties of a resource (empty object when it has none). */
export function properties(node: CfnResource): Record<string, unknown> {
  return rendered(node).Properties ?? {};
}

/** Reads a nested property by path (`['BucketEncryption', 'ServerSideEncryptionConfiguration']`). */
export function get(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A list property: `[]` when absent; throws when it is an intrinsic (e.g. `Fn::If`) instead of a list. */
export function asList(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw new UnresolvableValueError(what, value);
}

/**
 * Whether a resolved value is a CloudFormation intrinsic (`{ Ref }`, `{ Condition }`, `{ "Fn::..." }`),
 * i.e. a value only known at deploy time.
 */
export function isIntrinsic(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}

/** A literal boolean (`true`/`false` or their strings); `undefined` when absent; throws for an intrinsic. */
export function literalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new UnresolvableValueError(what, value);
}

/** True for a literal `true` or `"true"` (CloudFormation accepts both). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A literal number (or numeric string); throws for an intrinsic, `undefined` when absent. */
export function asNumber(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  throw new UnresolvableValueError(what, value);
}

/** Every statement of a policy document, normalised: arrays for Action, NotAction, Resource. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action: string[];
  readonly NotAction: string[];
  readonly Resource: unknown[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export function statements(document: unknown): Statement[] {
  return asList(get(document, 'Statement') ?? [], 'policy Statement').map((s) => {
    const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const statement = s as Record<string, unknown>;
    return {
      Sid: statement.Sid as string | undefined,
      Effect: statement.Effect as 'Allow' | 'Deny',
      Principal: statement.Principal,
      Action: list(statement.Action).map(String),
      NotAction: list(statement.NotAction).map(String),
      Resource: list(statement.Resource),
      Condition: statement.Condition as Statement['Condition'],
    };
  });
}

/** The region a stack is pinned to; throws for an environment-agnostic stack (RES-01). */
export function stackRegion(scope: IConstruct): string {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) throw new UnresolvableValueError(`region of stack ${Stack.of(scope).stackName}`, region);
  return region;
}

const PSEUDO: Record<string, (scope: IConstruct) => string> = {
  'AWS::Region': stackRegion,
  'AWS::Partition': () => 'aws',
  'AWS::AccountId': (scope) => {
    const account = Stack.of(scope).account;
    return Token.isUnresolved(account) ? '${AWS::AccountId}' : account;
  },
  'AWS::URLSuffix': () => 'amazonaws.com',
};

/**
 * The literal text of a resolved value, with pseudo parameters replaced: a string, `{Ref: AWS::Region}`,
 * `Fn::Sub` without variables other than pseudo parameters, `Fn::Join` of those. Throws for anything
 * else (a reference to another resource, a parameter, a condition), never guesses.
 */
export function literalText(value: unknown, scope: IConstruct, what: string): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const ref = record.Ref;
    if (typeof ref === 'string' && Object.hasOwn(PSEUDO, ref)) return PSEUDO[ref](scope);
    const sub = record['Fn::Sub'];
    if (typeof sub === 'string') {
      return sub.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
        if (Object.hasOwn(PSEUDO, name)) return PSEUDO[name](scope);
        throw new UnresolvableValueError(what, value);
      });
    }
    const join = record['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part) => literalText(part, scope, what)).join(join[0]);
    }
  }
  throw new UnresolvableValueError(what, value);
}

/**
 * The region a value designates: a region name, or the region field of an ARN (after pseudo
 * parameters are replaced). Throws when it cannot be told at synth; `undefined` for a global ARN
 * (no region field, e.g. an S3 bucket ARN).
 */
export function regionOf(value: unknown, scope: IConstruct, what: string): string | undefined {
  const text = literalText(value, scope, what);
  if (/^[a-z]{2}(-[a-z]+)+-\d$/.test(text)) return text;
  const arn = /^arn:[^:]+:[^:]+:([^:]*):/.exec(text);
  if (arn) return arn[1] === '' ? undefined : arn[1];
  throw new UnresolvableValueError(what, value);
}
