import { CfnResource, Stack, StringConcat } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { HDS_EEA_REGIONS } from '../../regions';
import type { HdsCheckOptions } from '../rule';
import { INDEX_MARK, isIntrinsic, literalText, regionOf, renderedIndexed, stackRegion, UnresolvableValueError } from '../util';

/**
 * Shared by the RES rules (RES-01, RES-02): which regions are allowed, and where a destination lives when
 * its value is a reference to a resource of the app rather than a literal region or ARN.
 */

/**
 * A region is allowed when the deployment allows it and it is an HDS region inside the EEA: a deployment
 * narrows the HDS list, it never widens it (CONTROLS.md, RES).
 */
export function isAllowedRegion(region: string, options: HdsCheckOptions): boolean {
  return options.allowedRegions.includes(region) && (HDS_EEA_REGIONS as readonly string[]).includes(region);
}


/**
 * Reads a nested property like `get`, but throws when it meets an intrinsic on the way (an `Fn::If` in
 * place of an object hides what is inside it: reading through it as "absent" would pass unchecked values).
 * `undefined` when a key is absent.
 */
export function field(value: unknown, path: readonly (string | number)[], what: string): unknown {
  let current = value;
  for (const key of path) {
    if (current === undefined || current === null) return undefined;
    if (isIntrinsic(current) || typeof current !== 'object') throw new UnresolvableValueError(what, current);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const MARK = INDEX_MARK;

/** The constructs that the value at a path of a resource's properties refers to. */
export type ReferencesAt = (path: readonly (string | number)[]) => CfnResource[];

/**
 * Renders `node` once with references marked, and returns a function that lists the CloudFormation
 * resources the value at a path of its Properties (the same path as in `properties(node)`) refers to.
 */
export function referencesOf(node: CfnResource): ReferencesAt {
  // A reference to a construct (`bucket.bucketArn`, a `GetAtt` read from an included template, a cross-stack or
  // cross-region reference, an ARN that CDK builds from a physical name across environments) becomes a marker:
  // resolved, it is an expression (or an import) that no longer says which resource it designates.
  const { resource, targets } = renderedIndexed(node, (t) => t.target, new StringConcat());
  const marked = resource.Properties;
  return (path) => {
    const found = new Set<CfnResource>();
    const visit = (value: unknown): void => {
      if (typeof value === 'string') {
        for (const match of value.matchAll(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'))) {
          const target = targets[Number(match[1])];
          if (CfnResource.isCfnResource(target)) found.add(target);
        }
      } else if (Array.isArray(value)) {
        value.forEach(visit);
      } else if (value && typeof value === 'object') {
        Object.values(value).forEach(visit);
      }
    };
    let current: unknown = marked;
    for (const key of path) {
      if (current === null || typeof current !== 'object') {
        current = undefined;
        break;
      }
      current = (current as Record<string | number, unknown>)[key];
    }
    visit(current);
    return [...found];
  };
}

/** The region of the one resource of type `types` a value refers to; `undefined` when it refers to none. */
export function referencedRegion(targets: readonly CfnResource[], types: readonly string[], what: string): string | undefined {
  const matching = targets.filter((t) => types.includes(t.cfnResourceType));
  if (matching.length === 0) return undefined;
  const regions = new Set(matching.map((t) => stackRegion(t)));
  if (regions.size !== 1) {
    throw new UnresolvableValueError(what, `refers to ${matching.map((t) => t.node.path).join(', ')}, in several regions`);
  }
  return [...regions][0];
}

/**
 * The region a destination value designates: a literal region or regional ARN (pseudo parameters
 * replaced), else the region of the stack of the resource of type `types` it refers to. Throws when
 * neither tells it (a parameter, a condition, an import of something outside the app).
 * `undefined` only for a literal ARN with no region field (an S3 bucket ARN).
 */
export function destinationRegion(
  node: CfnResource,
  value: unknown,
  targets: readonly CfnResource[],
  types: readonly string[],
  what: string,
): string | undefined {
  try {
    return regionOf(value, node, what);
  } catch (error) {
    if (!(error instanceof UnresolvableValueError)) throw error;
    const region = referencedRegion(targets, types, what);
    if (region === undefined) throw error;
    return region;
  }
}

/**
 * The literal text of a value, or `undefined` when it is not literal (a reference, a parameter): for
 * indexes built over the whole app, where a resource whose name is not literal simply cannot be found by
 * name.
 */
export function literalOrUndefined(value: unknown, scope: IConstruct): string | undefined {
  try {
    return literalText(value, scope, 'name');
  } catch (error) {
    if (error instanceof UnresolvableValueError) return undefined;
    throw error;
  }
}

/** Every CloudFormation resource of the app, read once per root (a rule keeps one per validation). */
export function cfnResourcesOf(root: IConstruct): CfnResource[] {
  return root.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
}

/** The stacks of the app (nested stacks and stacks inside stages included). */
export function stacksOf(root: IConstruct): Stack[] {
  return root.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}

/**
 * The verdict on the regions a resource sends data to: each check returns a region (or `undefined` when it
 * has nothing to check) or throws when the region cannot be told. Non-compliant as soon as one region is
 * not allowed (a definite finding is more useful than "could not be evaluated"); otherwise, if one check
 * could not be evaluated, throws its error (never compliant by default); otherwise compliant.
 */
export function regionVerdict(checks: readonly (() => string | undefined)[], options: HdsCheckOptions): NagRuleCompliance {
  let unevaluable: UnresolvableValueError | undefined;
  for (const check of checks) {
    let region: string | undefined;
    try {
      region = check();
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unevaluable ??= error;
      continue;
    }
    if (region !== undefined && !isAllowedRegion(region, options)) return NagRuleCompliance.NON_COMPLIANT;
  }
  if (unevaluable) throw unevaluable;
  return NagRuleCompliance.COMPLIANT;
}

export { isIntrinsic };
