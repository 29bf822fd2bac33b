import { Stack, Token, type CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule } from '../rule';
import { asList, get, literalText, properties, UnresolvableValueError } from '../util';
import { appResourcesIndex, literalBoolean, literalString, markedProperties, referenceMarker, tagValue, textOf } from './support';

/** The tag, and its value, that marks a resource holding health data (HealthDataStore applies it). */
export const HEALTH_DATA_TAG = { key: 'hds:data-classification', value: 'health-data' } as const;

/** The data-event resource type CloudTrail uses for each kind of health-data store. */
const EVENT_TYPES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'AWS::S3::Object',
  'AWS::DynamoDB::Table': 'AWS::DynamoDB::Table',
};

/** Legacy event-selector values that mean "every resource of this type in the account". */
const EVERY_RESOURCE: Readonly<Record<string, readonly string[]>> = {
  'AWS::S3::Object': ['arn:aws:s3', 'arn:aws:s3:::'],
  'AWS::DynamoDB::Table': ['arn:aws:dynamodb'],
};

/** A health-data store, as CloudTrail sees it. */
interface Target {
  readonly node: CfnResource;
  /** `AWS::S3::Object` or `AWS::DynamoDB::Table`. */
  readonly eventType: string;
  /**
   * The ways a template can spell the ARN its data events carry (markers for references): for a bucket,
   * the prefix of every object ARN (`<bucket ARN>/`); for a table, the table ARN.
   */
  readonly arns: readonly string[];
}

interface Access {
  readonly reads: boolean;
  readonly writes: boolean;
}

const NONE: Access = { reads: false, writes: false };
const ALL: Access = { reads: true, writes: true };

function union(a: Access, b: Access): Access {
  return { reads: a.reads || b.reads, writes: a.writes || b.writes };
}

/** One event selector of a trail: which accesses to a target it records. */
type Selector = (target: Target) => Access;

interface Trail {
  readonly node: CfnResource;
  readonly multiRegion: boolean | undefined;
  readonly selectors: readonly Selector[];
}

interface TrailsIndex {
  readonly trails: readonly Trail[];
  /** What could not be evaluated (a selector, a value, the trail's logging state). */
  readonly unevaluable: readonly string[];
}

/** Runs `read`; an unresolvable value is recorded in `unevaluable` instead of thrown. */
function attempt<T>(unevaluable: string[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof UnresolvableValueError)) throw error;
    unevaluable.push(error.message);
    return undefined;
  }
}

const READ_WRITE_TYPES: ReadonlyMap<string, Access> = new Map([
  ['All', ALL],
  ['ReadOnly', { reads: true, writes: false }],
  ['WriteOnly', { reads: false, writes: true }],
]);

function basicSelector(selector: unknown, trail: CfnResource, unevaluable: string[]): Selector {
  const what = `${trail.node.path} EventSelectors`;
  // CloudFormation's default ReadWriteType is All.
  const readWrite = literalString(get(selector, 'ReadWriteType'), `${what} ReadWriteType`) ?? 'All';
  const access = READ_WRITE_TYPES.get(readWrite);
  if (!access) throw new UnresolvableValueError(`${what} ReadWriteType`, readWrite);
  const resources = asList(get(selector, 'DataResources'), `${what} DataResources`).map((resource) => {
    const type = literalString(get(resource, 'Type'), `${what} DataResources Type`);
    const values = asList(get(resource, 'Values'), `${what} DataResources Values`)
      .map((value) => attempt(unevaluable, () => textOf(value, trail, `${what} DataResources value`)))
      .filter((value): value is string => value !== undefined);
    return { type, values };
  });
  return (target) =>
    resources.some(
      ({ type, values }) =>
        type === target.eventType && values.some((v) => EVERY_RESOURCE[target.eventType].includes(v) || target.arns.includes(v)),
    )
      ? access
      : NONE;
}

type Operator = 'Equals' | 'StartsWith' | 'EndsWith' | 'NotEquals' | 'NotStartsWith' | 'NotEndsWith';
const OPERATORS: readonly Operator[] = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'];

interface FieldSelector {
  readonly field: string;
  readonly operators: Partial<Record<Operator, string[]>>;
}

/** Whether a field selector uses only `allowed` operators. */
function only(selector: FieldSelector, ...allowed: Operator[]): boolean {
  return Object.keys(selector.operators).every((op) => allowed.includes(op as Operator));
}

/**
 * Whether a `resources.ARN` field selector keeps every event of the target. Positive operators (if any)
 * must include every event, and no negative value may exclude one; this holds whether CloudTrail ANDs or
 * ORs a field's operators. `EndsWith`/`NotEndsWith` can never be shown to keep every event.
 */
function keepsEveryArn(selector: FieldSelector, target: Target): boolean {
  const { Equals, StartsWith, NotEquals, NotStartsWith, EndsWith, NotEndsWith } = selector.operators;
  if (EndsWith || NotEndsWith) return false;
  const objects = target.eventType === 'AWS::S3::Object';
  if (Equals || StartsWith) {
    const equal = !objects && (Equals ?? []).some((v) => target.arns.includes(v));
    const prefixed = (StartsWith ?? []).some((v) => target.arns.some((arn) => arn.startsWith(v)));
    if (!equal && !prefixed) return false;
  }
  const excludedByPrefix = (NotStartsWith ?? []).some((v) => target.arns.some((arn) => arn.startsWith(v) || (objects && v.startsWith(arn))));
  const excludedByValue = (NotEquals ?? []).some((v) => target.arns.some((arn) => (objects ? v.startsWith(arn) : v === arn)));
  return !excludedByPrefix && !excludedByValue;
}

/** Which accesses an advanced event selector records on a target (its field selectors are ANDed). */
function advancedAccess(fields: readonly FieldSelector[], target: Target): Access {
  let access = ALL;
  let category = false;
  let type = false;
  for (const selector of fields) {
    const { Equals = [], NotEquals = [] } = selector.operators;
    switch (selector.field) {
      case 'eventCategory':
        if (!only(selector, 'Equals') || !Equals.includes('Data')) return NONE;
        category = true;
        break;
      case 'resources.type':
        if (!only(selector, 'Equals') || !Equals.includes(target.eventType)) return NONE;
        type = true;
        break;
      case 'readOnly': {
        if (!only(selector, 'Equals', 'NotEquals')) return NONE;
        const reads = (Equals.length === 0 || Equals.includes('true')) && !NotEquals.includes('true');
        const writes = (Equals.length === 0 || Equals.includes('false')) && !NotEquals.includes('false');
        access = { reads: access.reads && reads, writes: access.writes && writes };
        break;
      }
      case 'resources.ARN':
        if (!keepsEveryArn(selector, target)) return NONE;
        break;
      default:
        // Any other filter (eventName, userIdentity.arn, eventSource...) leaves some accesses out.
        return NONE;
    }
  }
  return category && type ? access : NONE;
}

function advancedSelector(selector: unknown, trail: CfnResource): Selector {
  const what = `${trail.node.path} AdvancedEventSelectors`;
  const fields = asList(get(selector, 'FieldSelectors'), `${what} FieldSelectors`).map((field): FieldSelector => {
    const name = literalString(get(field, 'Field'), `${what} Field`) ?? '';
    const operators: FieldSelector['operators'] = {};
    for (const op of OPERATORS) {
      const values = get(field, op);
      if (values !== undefined) operators[op] = asList(values, `${what} ${name} ${op}`).map((v) => textOf(v, trail, `${what} ${name} ${op}`));
    }
    return { field: name, operators };
  });
  return (target) => advancedAccess(fields, target);
}

function readTrail(trail: CfnResource, unevaluable: string[]): Trail | undefined {
  const props = markedProperties(trail);
  const logging = attempt(unevaluable, () => literalBoolean(props.IsLogging, `${trail.node.path} IsLogging`));
  // A trail that is not logging records nothing.
  if (logging !== true) return undefined;
  const multiRegion = attempt(unevaluable, () => literalBoolean(props.IsMultiRegionTrail, `${trail.node.path} IsMultiRegionTrail`) ?? false);
  const selectors: Selector[] = [];
  const basic = attempt(unevaluable, () => asList(props.EventSelectors, `${trail.node.path} EventSelectors`)) ?? [];
  for (const selector of basic) {
    const read = attempt(unevaluable, () => basicSelector(selector, trail, unevaluable));
    if (read) selectors.push(read);
  }
  const advanced = attempt(unevaluable, () => asList(props.AdvancedEventSelectors, `${trail.node.path} AdvancedEventSelectors`)) ?? [];
  for (const selector of advanced) {
    const read = attempt(unevaluable, () => advancedSelector(selector, trail));
    if (read) selectors.push(read);
  }
  return { node: trail, multiRegion, selectors };
}

/** Whether the trail sees events of the target's region: 'unknown' when the regions cannot be told at synth. */
function sameRegion(trail: Trail, target: Target): boolean | 'unknown' {
  if (trail.multiRegion === true) return true;
  const [a, b] = [Stack.of(trail.node), Stack.of(target.node)];
  if (a === b) return true;
  if (Token.isUnresolved(a.region) || Token.isUnresolved(b.region) || trail.multiRegion === undefined) return 'unknown';
  return a.region === b.region;
}

/** The ARN spellings of a health-data store's events (see `Target.arns`). */
function targetOf(node: CfnResource, eventType: string): Target {
  const optional = (read: () => string): string[] => {
    try {
      return [read()];
    } catch (error) {
      if (error instanceof UnresolvableValueError) return [];
      throw error;
    }
  };
  const props = properties(node);
  if (eventType === 'AWS::S3::Object') {
    const names = [referenceMarker(node, 'Ref'), ...optional(() => textOf(props.BucketName, node, 'BucketName'))];
    return { node, eventType, arns: [`${referenceMarker(node, 'Arn')}/`, ...names.map((name) => `arn:aws:s3:::${name}/`)] };
  }
  const names = [referenceMarker(node, 'Ref'), ...optional(() => textOf(props.TableName, node, 'TableName'))];
  const region = optional(() => literalText({ Ref: 'AWS::Region' }, node, 'region'));
  const account = literalText({ Ref: 'AWS::AccountId' }, node, 'account');
  return {
    node,
    eventType,
    arns: [referenceMarker(node, 'Arn'), ...region.flatMap((r) => names.map((name) => `arn:aws:dynamodb:${r}:${account}:table/${name}`))],
  };
}

/**
 * LOG-02: every S3 bucket and DynamoDB table tagged `hds:data-classification=health-data` is covered, for
 * reads and writes, by the data-event selectors of a logging CloudTrail trail of the app (basic event
 * selectors, or advanced event selectors with `eventCategory=Data`).
 *
 * A selector the rule cannot evaluate covers nothing; when nothing evaluable covers a store and something
 * could not be evaluated, the rule throws, so the store is reported as "could not be evaluated", never as
 * compliant. The app's trails are read once per `create()`.
 */
function createHealthDataEventsTraced(): (node: CfnResource) => NagRuleResult {
  const app = appResourcesIndex();
  const cache = new WeakMap<IConstruct, TrailsIndex>();
  const trailsOf = (node: IConstruct): TrailsIndex => {
    const root = node.node.root;
    let found = cache.get(root);
    if (!found) {
      const unevaluable: string[] = [];
      const trails = app(node)
        .ofType('AWS::CloudTrail::Trail')
        .map((trail) => readTrail(trail, unevaluable))
        .filter((trail): trail is Trail => trail !== undefined);
      found = { trails, unevaluable };
      cache.set(root, found);
    }
    return found;
  };
  return (node) => {
    const eventType = EVENT_TYPES[node.cfnResourceType];
    if (!eventType) return NagRuleCompliance.NOT_APPLICABLE;
    if (tagValue(properties(node).Tags, HEALTH_DATA_TAG.key, node.node.path) !== HEALTH_DATA_TAG.value) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const target = targetOf(node, eventType);
    const { trails, unevaluable } = trailsOf(node);
    const problems = [...unevaluable];
    let recorded = NONE;
    for (const trail of trails) {
      const region = sameRegion(trail, target);
      if (region === 'unknown') problems.push(`${trail.node.node.path}: single-region trail, region of ${node.node.path} unknown at synth`);
      if (region !== true) continue;
      for (const selector of trail.selectors) recorded = union(recorded, selector(target));
    }
    if (recorded.reads && recorded.writes) return NagRuleCompliance.COMPLIANT;
    if (problems.length > 0) throw new Error(`[LOG-02] data-event coverage could not be evaluated: ${problems.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  };
}

export const LOG02_HEALTH_DATA_EVENTS_TRACED = defineRule({
  name: 'HealthDataEventsTraced',
  control: 'LOG-02',
  problem:
    'This bucket or table is tagged hds:data-classification=health-data but no logging CloudTrail trail of the app records its data events (reads and writes).',
  fix: 'pass the bucket to AuditTrail (healthDataBuckets) or call trail.addS3EventSelector([{ bucket }]) with ReadWriteType ALL; for a table, add an event selector of type AWS::DynamoDB::Table with the table ARN (or an advanced selector eventCategory=Data, resources.type=AWS::DynamoDB::Table).',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15, PGSSI-S imputabilité: every access to health data is traced (who read or wrote which object, and when).',
  create: () => createHealthDataEventsTraced(),
});
