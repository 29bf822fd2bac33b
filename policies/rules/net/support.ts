import { CfnResource, Stack } from 'aws-cdk-lib';
import type { NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { asList, isIntrinsic, isTrue, literalText, properties, renderedMarked, UnresolvableValueError, type ReferenceMarker } from '../util';

/**
 * Shared reading of the app for the NET rules: which resource of the app a value refers to, and how a
 * subnet reaches the internet. A network rule is about relations (a flow log of this VPC, a route of the
 * route table of this subnet), and CloudFormation spells a relation in several ways: `Ref` or `Fn::GetAtt`
 * in the same stack, an export or `Fn::GetStackOutput` across stacks, a `Fn::Join` or `Fn::Sub` around
 * either. Properties are therefore resolved with every reference to a resource of the app kept as a
 * marker naming that resource, whatever the stack of the consumer.
 */

const MARK = '\u0001';
const SEP = '\u0002';
const MARKERS = new RegExp(`${MARK}([^${MARK}${SEP}]+)${SEP}([^${MARK}]+)${MARK}`, 'g');

/** A reference to a resource of the app: `Ref` (attribute `Ref`) or `Fn::GetAtt` (the attribute name). */
export interface ResourceRef {
  readonly target: CfnResource;
  readonly attribute: string;
}

/** A reference to a resource of the app becomes a marker naming it and the attribute read. */
const markResource: ReferenceMarker = (t) =>
  // Pseudo parameters are references too (target: the stack, name `AWS::...`): they resolve as usual.
  CfnResource.isCfnResource(t.target) && !t.displayName.includes('::') ? `${MARK}${t.target.node.path}${SEP}${t.displayName}${MARK}` : undefined;

/**
 * The CloudFormation resources of an app, read once per rule evaluation (`AppIndex.cache`), with their
 * properties and the references between them.
 */
export class AppIndex {
  /** One index per app root, for the lifetime of one rule function (a pack creates rules per validation). */
  public static cache(): (scope: IConstruct) => AppIndex {
    const indexes = new WeakMap<IConstruct, AppIndex>();
    return (scope) => {
      const root = scope.node.root;
      let index = indexes.get(root);
      if (!index) {
        index = new AppIndex(root);
        indexes.set(root, index);
      }
      return index;
    };
  }

  private readonly byPath = new Map<string, CfnResource>();
  private readonly byType = new Map<string, CfnResource[]>();
  /** Logical id -> resource, per stack; built on first use (only plain `Ref`/`Fn::GetAtt` need it). */
  private logicalIds?: Map<Stack, Map<string, CfnResource>>;
  private readonly rendered = new Map<CfnResource, Record<string, unknown>>();

  private constructor(root: IConstruct) {
    for (const c of root.node.findAll()) {
      if (!CfnResource.isCfnResource(c)) continue;
      this.byPath.set(c.node.path, c);
      this.byType.set(c.cfnResourceType, [...(this.byType.get(c.cfnResourceType) ?? []), c]);
    }
  }

  /** Every resource of the app of a CloudFormation type. */
  public ofType(type: string): readonly CfnResource[] {
    return this.byType.get(type) ?? [];
  }

  /**
   * The resource's CloudFormation properties (PascalCase), with references to resources of the app as
   * markers (read them with `refOf` and `refsIn`). Falls back to the plain resolved properties when a
   * property validator refuses a marker (references then read as `Ref`/`Fn::GetAtt` of the same stack).
   */
  public props(node: CfnResource): Record<string, unknown> {
    let found = this.rendered.get(node);
    if (!found) {
      try {
        found = renderedMarked(node, markResource).Properties ?? {};
      } catch {
        found = properties(node);
      }
      this.rendered.set(node, found);
    }
    return found;
  }

  /** The resource a value is a reference to (the whole value, not a part of it), or undefined. */
  public refOf(value: unknown, scope: CfnResource): ResourceRef | undefined {
    if (typeof value === 'string') {
      const whole = new RegExp(`^${MARKERS.source}$`).exec(value);
      return whole ? this.marker(whole[1], whole[2]) : undefined;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    if (Object.keys(record).length !== 1) return undefined;
    if (typeof record.Ref === 'string') {
      const target = this.byLogicalId(scope, record.Ref);
      return target ? { target, attribute: 'Ref' } : undefined;
    }
    const getAtt = record['Fn::GetAtt'];
    const [id, attribute] = typeof getAtt === 'string' ? getAtt.split(/\.(.*)/s) : Array.isArray(getAtt) ? getAtt : [];
    const target = typeof id === 'string' ? this.byLogicalId(scope, id) : undefined;
    return target && typeof attribute === 'string' ? { target, attribute } : undefined;
  }

  /** Every reference to a resource of the app anywhere inside a value (in strings, joins, subs). */
  public refsIn(value: unknown, scope: CfnResource): ResourceRef[] {
    const found: ResourceRef[] = [];
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        for (const m of v.matchAll(MARKERS)) {
          const ref = this.marker(m[1], m[2]);
          if (ref) found.push(ref);
        }
        return;
      }
      if (!v || typeof v !== 'object') return;
      const direct = this.refOf(v, scope);
      if (direct) {
        found.push(direct);
        return;
      }
      const sub = (v as Record<string, unknown>)['Fn::Sub'];
      const template = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
      if (template !== undefined) {
        for (const m of template.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const [id, attribute] = m[1].split(/\.(.*)/s);
          const target = this.byLogicalId(scope, id);
          if (target) found.push({ target, attribute: attribute ?? 'Ref' });
        }
      }
      for (const child of Object.values(v as Record<string, unknown>)) visit(child);
    };
    visit(value);
    return found;
  }

  /**
   * The text of a value built from literals, pseudo parameters and references to resources of the app
   * (`Fn::Join`, `Fn::Sub` with `${LogicalId}` or `${LogicalId.Attribute}`), each reference spelled as a
   * marker (`refsIn` reads them back). Throws for anything else (a parameter, an import, a condition).
   */
  public text(value: unknown, scope: CfnResource, what: string): string {
    const ref = typeof value === 'object' ? this.refOf(value, scope) : undefined;
    if (ref) return `${MARK}${ref.target.node.path}${SEP}${ref.attribute}${MARK}`;
    const record = (value ?? {}) as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part) => this.text(part, scope, what)).join(join[0]);
    }
    const sub = record['Fn::Sub'];
    if (typeof sub === 'string') {
      return sub.replace(/\$\{([^!}][^}]*)\}/g, (_whole, name: string) => {
        const [id, attribute] = name.split(/\.(.*)/s);
        const target = this.byLogicalId(scope, id);
        if (target) return `${MARK}${target.node.path}${SEP}${attribute ?? 'Ref'}${MARK}`;
        return literalText({ Ref: name }, scope, `${scope.node.path}: ${what}`);
      });
    }
    return literalText(value, scope, `${scope.node.path}: ${what}`);
  }

  /** True when `value` is, or contains, a reference to `target`. */
  public refers(value: unknown, scope: CfnResource, target: CfnResource): boolean {
    return this.refsIn(value, scope).some((r) => r.target === target);
  }

  /**
   * The resource of `type` a value refers to (the whole value). Throws when the value is not a reference
   * to a resource of the app (a literal id, a parameter, an import): the rule cannot evaluate it.
   */
  public resourceOf(value: unknown, scope: CfnResource, type: string, what: string): CfnResource {
    const ref = this.refOf(value, scope);
    if (!ref || ref.target.cfnResourceType !== type) {
      throw new UnresolvableValueError(`${scope.node.path}: ${what} (not a ${type} of the app)`, readable(value));
    }
    return ref.target;
  }

  private byLogicalId(scope: CfnResource, id: string): CfnResource | undefined {
    if (!this.logicalIds) {
      this.logicalIds = new Map();
      for (const c of this.byPath.values()) {
        const stack = Stack.of(c);
        const ids = this.logicalIds.get(stack) ?? new Map<string, CfnResource>();
        ids.set(String(stack.resolve(c.logicalId)), c);
        this.logicalIds.set(stack, ids);
      }
    }
    return this.logicalIds.get(Stack.of(scope))?.get(id);
  }

  private marker(path: string, attribute: string): ResourceRef | undefined {
    const target = this.byPath.get(path);
    return target ? { target, attribute } : undefined;
  }
}

/** A value with its markers spelled as `<construct path>.<attribute>`, for error messages. */
export function readable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(MARKERS, (_m, path: string, attr: string) => `\${${path}.${attr}}`);
  if (Array.isArray(value)) return value.map(readable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, readable(v)]));
  }
  return value;
}

/** A string with no reference to a resource of the app in it (a literal id, for example). */
export function isPlainText(value: unknown): value is string {
  return typeof value === 'string' && !value.includes(MARK);
}

/** Literal text (pseudo parameters replaced); throws for anything else, a reference to a resource included. */
export function literal(value: unknown, scope: CfnResource, what: string): string {
  const text = literalText(value, scope, `${scope.node.path}: ${what}`);
  if (text.includes(MARK)) throw new UnresolvableValueError(`${scope.node.path}: ${what}`, readable(value));
  return text;
}

/** A literal text, `undefined` when absent; throws when it cannot be evaluated. */
export function optionalLiteral(value: unknown, scope: CfnResource, what: string): string | undefined {
  return value === undefined ? undefined : literal(value, scope, what);
}

/** A literal boolean; `undefined` when absent; throws for an intrinsic. */
export function asBoolean(value: unknown, scope: CfnResource, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === false || value === 'true' || value === 'false') return isTrue(value);
  throw new UnresolvableValueError(`${scope.node.path}: ${what}`, readable(value));
}

/** True for a CIDR of prefix length 0 (`0.0.0.0/0`, `::/0`, or any address with `/0`): every address. */
export function isOpenCidr(cidr: string): boolean {
  return /\/0+$/.test(cidr.trim());
}

/** The literal CIDRs of a security-group rule entry (CidrIp and CidrIpv6), for the open-rule checks. */
export function ruleCidrs(entry: unknown, scope: CfnResource, what: string): string[] {
  const record = (entry ?? {}) as Record<string, unknown>;
  return (['CidrIp', 'CidrIpv6'] as const)
    .map((key) => optionalLiteral(record[key], scope, `${what} ${key}`))
    .filter((c): c is string => c !== undefined);
}

/** The properties of a security-group rule given as a list entry, or as the properties of a rule resource. */
export function ruleEntries(value: unknown, scope: CfnResource, what: string): Record<string, unknown>[] {
  return asList(value, `${scope.node.path}: ${what}`).map((e) => {
    // An entry chosen by a condition (`Fn::If` ... `AWS::NoValue`) may be any rule: never read it as no rule.
    if (isIntrinsic(e)) throw new UnresolvableValueError(`${scope.node.path}: ${what}`, e);
    return (e ?? {}) as Record<string, unknown>;
  });
}

/** Route targets that lead to the internet: an internet, NAT, egress-only internet or carrier gateway. */
const INTERNET_TARGETS = ['GatewayId', 'NatGatewayId', 'EgressOnlyInternetGatewayId', 'CarrierGatewayId'] as const;

/**
 * How a subnet of the app is exposed to the internet (NET-01, NET-02): public IP auto-assignment, and
 * routes of its route table (through `AWS::EC2::SubnetRouteTableAssociation`) that lead to an internet,
 * NAT, egress-only internet or carrier gateway, whatever their destination (CONTROLS NET-01: "no route to
 * an internet or NAT gateway"). A `GatewayId` naming a VPN gateway (`AWS::EC2::VPNGateway` or `vgw-`) or
 * `local` does not lead to the internet. A subnet with no association uses the main route table of its
 * VPC, which CloudFormation cannot add routes to (it has no reference to it): only the local route.
 * Throws when a value it needs cannot be evaluated.
 */
export interface SubnetExposure {
  readonly mapsPublicIp: boolean;
  /** Construct paths of the routes that lead to the internet. */
  readonly internetRoutes: readonly string[];
  /** The route tables associated with the subnet (resources of the app). */
  readonly routeTables: readonly CfnResource[];
}

export function subnetExposure(index: AppIndex, subnet: CfnResource): SubnetExposure {
  const props = index.props(subnet);
  const mapsPublicIp = asBoolean(props.MapPublicIpOnLaunch, subnet, 'MapPublicIpOnLaunch') ?? false;
  const routeTables: CfnResource[] = [];
  for (const association of index.ofType('AWS::EC2::SubnetRouteTableAssociation')) {
    const a = index.props(association);
    if (!index.refers(a.SubnetId, association, subnet)) continue;
    routeTables.push(index.resourceOf(a.RouteTableId, association, 'AWS::EC2::RouteTable', 'RouteTableId'));
  }
  const internetRoutes: string[] = [];
  for (const route of index.ofType('AWS::EC2::Route')) {
    const r = index.props(route);
    if (!routeTables.some((table) => index.refers(r.RouteTableId, route, table))) continue;
    if (INTERNET_TARGETS.some((key) => leadsToInternet(index, route, key, r[key]))) internetRoutes.push(route.node.path);
  }
  return { mapsPublicIp, internetRoutes, routeTables };
}

function leadsToInternet(index: AppIndex, route: CfnResource, key: (typeof INTERNET_TARGETS)[number], value: unknown): boolean {
  if (value === undefined) return false;
  if (key !== 'GatewayId') return true;
  const ref = index.refOf(value, route);
  if (ref) return ref.target.cfnResourceType !== 'AWS::EC2::VPNGateway';
  const id = literal(value, route, 'GatewayId');
  return id !== 'local' && !id.startsWith('vgw-');
}

/** The subnets of the app a list of subnet ids names; throws for an id that is not a subnet of the app. */
export function subnetsOf(index: AppIndex, value: unknown, scope: CfnResource, what: string): CfnResource[] {
  return asList(value, `${scope.node.path}: ${what}`).map((id) => index.resourceOf(id, scope, 'AWS::EC2::Subnet', `${what} entry`));
}

/** Names a rule function as cdk-nag expects (it reads the rule id from the function's name otherwise). */
export function named(name: string, rule: (node: CfnResource) => NagRuleResult): (node: CfnResource) => NagRuleResult {
  return Object.defineProperty(rule, 'name', { value: name });
}
