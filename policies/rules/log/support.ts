import { CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { asList, get, isIntrinsic, literalBoolean, literalText, renderedMarked, UnresolvableValueError, type ReferenceMarker } from '../util';

/*
 * Cross-resource helpers of the LOG rules: which resource of the app a property refers to, whatever
 * the way the reference is written (a CDK attribute, `Ref`/`Fn::GetAtt` in the same stack, a
 * cross-stack reference, an ARN built with `Fn::Join`/`Fn::Sub` around one of those).
 *
 * A cross-stack reference is synthesized as an import (`Fn::ImportValue`, `Fn::GetStackOutput`) that no
 * longer names the resource it points to. So, like the BAK-02 rule (`bak/backup-coverage.ts`), values are
 * resolved with a resolver that turns every reference to a resource into a marker naming the resource's
 * construct path and attribute; markers stay inside strings, so an ARN built around a reference reads
 * as text (`<marker>/` for `${bucket.bucketArn}/`).
 */

const REF = '\u0001';
const ATTR = '\u0002';

/** A resource of the app that a value refers to, and the attribute it reads (`Ref`, `Arn`, ...). */
export interface ResourceReference {
  readonly path: string;
  readonly attribute: string;
}

/** The text that stands for `attribute` of `resource` in marked text. */
export function referenceMarker(resource: IConstruct, attribute: string): string {
  return `${REF}${resource.node.path}${ATTR}${attribute}${REF}`;
}

/** Every reference in marked text, in order. */
export function referencesIn(text: string): ResourceReference[] {
  return text
    .split(REF)
    .filter((_, i) => i % 2 === 1)
    .map((marker) => {
      const [path, attribute] = marker.split(ATTR);
      return { path, attribute };
    });
}

/** The reference when `text` is a reference and nothing else, `undefined` otherwise. */
export function onlyReference(text: string): ResourceReference | undefined {
  const found = referencesIn(text);
  return found.length === 1 && text === `${REF}${found[0].path}${ATTR}${found[0].attribute}${REF}` ? found[0] : undefined;
}

/**
 * The CloudFormation properties of a resource, as `properties(node)` renders them (overrides and tags
 * applied), except that references to resources are markers (see `referencesIn`).
 */
export function markedProperties(node: CfnResource): Record<string, unknown> {
  // Pseudo parameters are references whose target is a stack: they resolve as usual.
  const marker: ReferenceMarker = (t) => (t.target instanceof CfnResource ? referenceMarker(t.target, t.displayName) : undefined);
  return renderedMarked(node, marker).Properties ?? {};
}

/** The resource of `stack` whose logical id is `logicalId`, if any. */
function resourceByLogicalId(stack: Stack, logicalId: string): CfnResource | undefined {
  return stack.node
    .findAll()
    .find((c): c is CfnResource => c instanceof CfnResource && Stack.of(c) === stack && stack.resolve(c.logicalId) === logicalId);
}

/**
 * The text of a (marked) value: literal strings, pseudo parameters, `Ref`/`Fn::GetAtt` of a resource of
 * the same stack (as markers), and `Fn::Join`/`Fn::Sub` of those. Throws for anything else (a parameter,
 * an import from another template, a condition), never guesses.
 */
export function textOf(value: unknown, scope: IConstruct, what: string): string {
  if (typeof value === 'string') return value;
  const stack = Stack.of(scope);
  const reference = (logicalId: string, attribute: string): string => {
    const target = resourceByLogicalId(stack, logicalId);
    if (!target) throw new UnresolvableValueError(what, value);
    return referenceMarker(target, attribute);
  };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1) {
      const ref = record.Ref;
      if (typeof ref === 'string') return ref.startsWith('AWS::') ? literalText(value, scope, what) : reference(ref, 'Ref');
      const getAtt = record['Fn::GetAtt'];
      if (typeof getAtt === 'string' && getAtt.includes('.')) {
        const [logicalId, ...attribute] = getAtt.split('.');
        return reference(logicalId, attribute.join('.'));
      }
      if (Array.isArray(getAtt) && getAtt.length === 2 && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
        return reference(getAtt[0], getAtt[1]);
      }
      const join = record['Fn::Join'];
      if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
        return join[1].map((part) => textOf(part, scope, what)).join(join[0]);
      }
      const sub = record['Fn::Sub'];
      const [body, variables] = Array.isArray(sub) ? [sub[0], asObject(sub[1], what)] : [sub, {}];
      if (typeof body === 'string') {
        return body.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
          // `${!Text}` is the literal `${Text}`.
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (Object.hasOwn(variables, name)) return textOf(variables[name], scope, what);
          if (name.startsWith('AWS::')) return literalText({ Ref: name }, scope, what);
          const [logicalId, ...attribute] = name.split('.');
          return reference(logicalId, attribute.length > 0 ? attribute.join('.') : 'Ref');
        });
      }
    }
  }
  throw new UnresolvableValueError(what, value);
}


/** A literal object property (`{}` when absent); throws when it is an intrinsic. */
export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value && typeof value === 'object' && !Array.isArray(value) && !isIntrinsic(value)) return value as Record<string, unknown>;
  throw new UnresolvableValueError(what, value);
}

/**
 * The verdict of a rule made of several checks: non-compliant as soon as one check fails, even when another
 * cannot be evaluated (the definite finding is the more useful one); when none fails and one cannot be
 * evaluated, throws its error (never compliant); compliant when all hold.
 */
export function judge(checks: readonly (() => boolean)[]): NagRuleCompliance.COMPLIANT | NagRuleCompliance.NON_COMPLIANT {
  let unevaluable: UnresolvableValueError | undefined;
  for (const check of checks) {
    try {
      if (!check()) return NagRuleCompliance.NON_COMPLIANT;
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unevaluable ??= error;
    }
  }
  if (unevaluable) throw unevaluable;
  return NagRuleCompliance.COMPLIANT;
}

/**
 * Whether a property is set: absent and `AWS::NoValue` are not; a value chosen by a condition (`Fn::If`)
 * may be either, so it throws. Any other value, literal or not, is set.
 */
export function isSet(value: unknown, what: string): boolean {
  if (value === undefined || get(value, 'Ref') === 'AWS::NoValue') return false;
  if (get(value, 'Fn::If') !== undefined) throw new UnresolvableValueError(what, value);
  return true;
}


/** A literal string; `undefined` when absent; throws for an intrinsic. */
export function literalString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw new UnresolvableValueError(what, value);
}

/** The value of tag `key` in a rendered `Tags` list (`[{Key, Value}]`); throws when it cannot be read. */
export function tagValue(tags: unknown, key: string, what: string): string | undefined {
  for (const tag of asList(tags, `${what} Tags`)) {
    const tagKey = literalString(get(tag, 'Key'), `${what} tag key`);
    if (tagKey === key) return literalString(get(tag, 'Value'), `${what} tag ${key}`);
  }
  return undefined;
}

/** The CloudFormation resources of an app, read once per validation. */
export interface AppResources {
  readonly all: readonly CfnResource[];
  readonly byPath: ReadonlyMap<string, CfnResource>;
  ofType(type: string): readonly CfnResource[];
}

/**
 * Returns a function giving the resources of the app a node belongs to, read once per app: call it once
 * per `create()`, so a changed app is never judged on a stale index.
 */
export function appResourcesIndex(): (node: IConstruct) => AppResources {
  const cache = new WeakMap<IConstruct, AppResources>();
  return (node) => {
    const root = node.node.root;
    let found = cache.get(root);
    if (!found) {
      const all = root.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource);
      const byPath = new Map(all.map((r) => [r.node.path, r]));
      const byType = new Map<string, CfnResource[]>();
      for (const r of all) {
        const list = byType.get(r.cfnResourceType) ?? [];
        list.push(r);
        byType.set(r.cfnResourceType, list);
      }
      found = { all, byPath, ofType: (type) => byType.get(type) ?? [] };
      cache.set(root, found);
    }
    return found;
  };
}

/**
 * The resource of the app a marked value designates, with the attribute read: a reference, or a literal
 * name equal to the literal `nameProperty` of one resource of `type`. `undefined` when a literal names
 * no resource of the app; throws when the value cannot be evaluated.
 */
export function referencedResource(
  value: unknown,
  scope: IConstruct,
  app: AppResources,
  type: string,
  nameProperty: string,
  what: string,
): { resource: CfnResource; attribute: string } | undefined {
  const text = textOf(value, scope, what);
  const reference = onlyReference(text);
  if (reference) {
    const resource = app.byPath.get(reference.path);
    if (!resource || resource.cfnResourceType !== type) throw new UnresolvableValueError(what, value);
    return { resource, attribute: reference.attribute };
  }
  if (referencesIn(text).length > 0) throw new UnresolvableValueError(what, value);
  const named = app.ofType(type).filter((r) => {
    const name = markedProperties(r)[nameProperty];
    return typeof name === 'string' && name.toLowerCase() === text.toLowerCase();
  });
  return named.length === 1 ? { resource: named[0], attribute: 'Ref' } : undefined;
}

export { isIntrinsic, literalBoolean };
