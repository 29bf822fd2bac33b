import { CfnParameter, Stack, StringConcat, TagManager, Token, type CfnResource } from 'aws-cdk-lib';
import { CfnBackupSelection } from 'aws-cdk-lib/aws-backup';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule } from '../rule';
import { resolveMarked, type ReferenceMarker } from '../util';

/**
 * Resource types that hold data and must be in a backup selection (BAK-02), with the shape of their
 * ARN (used to match ARN patterns such as `arn:aws:s3:::*` in a selection).
 */
const ARN_SHAPES: Readonly<Record<string, { service: string; regional: boolean; resource: (name: string) => string }>> = {
  'AWS::S3::Bucket': { service: 's3', regional: false, resource: (n) => n },
  'AWS::RDS::DBCluster': { service: 'rds', regional: true, resource: (n) => `cluster:${n}` },
  'AWS::RDS::DBInstance': { service: 'rds', regional: true, resource: (n) => `db:${n}` },
  'AWS::DynamoDB::Table': { service: 'dynamodb', regional: true, resource: (n) => `table/${n}` },
  'AWS::DynamoDB::GlobalTable': { service: 'dynamodb', regional: true, resource: (n) => `table/${n}` },
  'AWS::EFS::FileSystem': { service: 'elasticfilesystem', regional: true, resource: (n) => `file-system/${n}` },
};

export const BACKED_UP_TYPES: ReadonlySet<string> = new Set(Object.keys(ARN_SHAPES));

/** Stands for a value only known at deploy time: only a `*` in a pattern matches it. */
const UNKNOWN = '\u0000';

type Tags = ReadonlyMap<string, string>;

/** What one backup selection selects, as AWS Backup evaluates it. */
interface Selection {
  readonly path: string;
  /** ListOfTags: a resource with at least one of these tags is selected (OR). */
  readonly anyOfTags: readonly { readonly key: string; readonly value: string }[];
  /** Resources: ARNs (references to resources of the app, or patterns). */
  readonly resources: readonly ArnMatcher[];
  readonly notResources: readonly ArnMatcher[];
  /** Conditions: every one must hold (AND). */
  readonly conditions: readonly ((tags: Tags) => boolean)[];
}

/** Matches a data resource by the construct its ARN refers to, or by a literal ARN pattern. */
type ArnMatcher = (resource: CfnResource, arn: string) => boolean;

/** A selection this rule cannot evaluate (an intrinsic where a list is expected, for example). */
class UnevaluableSelection extends Error {}

function field(value: unknown, camel: string): unknown {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  return record[camel] ?? record[camel.charAt(0).toUpperCase() + camel.slice(1)];
}

function list(value: unknown, what: string, path: string): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  throw new UnevaluableSelection(`${path}: ${what} is not a list (${JSON.stringify(value)})`);
}

/** `*` matches any run of characters (and any value unknown at synth); everything else literally. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

/** Delimits a reference to a construct (its path) inside a resolved selection. */
const REF = '\u0001';

/**
 * A reference to a resource in a selection (`bucket.bucketArn`, a `Ref` inside an ARN built by `formatArn`)
 * becomes a marker naming the resource's construct path (`resolveMarked`, util.ts). Fragments concatenate
 * as strings, as CDK's default resolver does: an ARN pattern is one string.
 */
const markPath: ReferenceMarker = (t) => `${REF}${t.target instanceof CfnParameter ? PARAMETER : ''}${t.target.node.path}${REF}`;
/** Marks a reference to a template parameter: its value is not known at synth. */
const PARAMETER = '\u0002';

/** Throws when a value of the selection holds a template parameter (never read as a literal or a resource). */
function rejectParameters(value: string, path: string, what: string): void {
  if (value.split(REF).some((part, i) => i % 2 === 1 && part.startsWith(PARAMETER))) {
    throw new UnevaluableSelection(`${path}: ${what} depends on a template parameter, not known at synth`);
  }
}

function arnMatcher(entry: unknown, path: string): ArnMatcher {
  if (typeof entry !== 'string') {
    throw new UnevaluableSelection(`${path}: resource entry ${JSON.stringify(entry)} is neither an ARN pattern nor a reference`);
  }
  rejectParameters(entry, path, `resource entry ${entry.split(REF).join('').split(PARAMETER).join('')}`);
  if (entry.includes(REF)) {
    const targets = entry.split(REF).filter((_, i) => i % 2 === 1);
    return (resource) => targets.includes(resource.node.path);
  }
  if (Token.isUnresolved(entry)) {
    throw new UnevaluableSelection(`${path}: resource entry ${entry} cannot be resolved at synth`);
  }
  const pattern = globToRegExp(entry);
  return (_resource, arn) => pattern.test(arn);
}

/** A pattern that matches `value` exactly (StringEquals, StringNotEquals: `*` is a character there). */
function exactRegExp(value: string): RegExp {
  return new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 's');
}

function tagCondition(condition: unknown, path: string, glob: boolean): { key: string; pattern: RegExp } {
  const key = field(condition, 'conditionKey');
  const value = field(condition, 'conditionValue');
  const tagKey = typeof key === 'string' ? /^aws:ResourceTag\/(.+)$/.exec(key)?.[1] : undefined;
  if (!tagKey || typeof value !== 'string' || Token.isUnresolved(value) || value.includes(REF)) {
    throw new UnevaluableSelection(`${path}: condition ${JSON.stringify(condition)} is not a literal aws:ResourceTag condition`);
  }
  return { key: tagKey, pattern: glob ? globToRegExp(value) : exactRegExp(value) };
}

function readSelection(c: CfnBackupSelection): Selection {
  const path = c.node.path;
  const raw = resolveMarked(c.backupSelection, c, markPath, new StringConcat());
  const anyOfTags = list(field(raw, 'listOfTags'), 'ListOfTags', path).map((t) => {
    const key = field(t, 'conditionKey');
    const value = field(t, 'conditionValue');
    if (field(t, 'conditionType') !== 'STRINGEQUALS' || typeof key !== 'string' || typeof value !== 'string' || Token.isUnresolved(value) || value.includes(REF)) {
      throw new UnevaluableSelection(`${path}: ListOfTags entry ${JSON.stringify(t)} is not a literal STRINGEQUALS tag`);
    }
    return { key, value };
  });
  const conditionsRaw = field(raw, 'conditions');
  const conditions: ((tags: Tags) => boolean)[] = [];
  // AWS Backup: the *Like conditions take wildcards, the *Equals ones compare exactly.
  const kinds: [string, boolean, (actual: string | undefined, pattern: RegExp) => boolean][] = [
    ['stringEquals', false, (a, p) => a !== undefined && p.test(a)],
    ['stringLike', true, (a, p) => a !== undefined && p.test(a)],
    ['stringNotEquals', false, (a, p) => a === undefined || !p.test(a)],
    ['stringNotLike', true, (a, p) => a === undefined || !p.test(a)],
  ];
  for (const [kind, glob, holds] of kinds) {
    for (const condition of list(field(conditionsRaw, kind), `Conditions.${kind}`, path)) {
      const { key, pattern } = tagCondition(condition, path, glob);
      conditions.push((tags) => holds(tags.get(key), pattern));
    }
  }
  return {
    path,
    anyOfTags,
    resources: list(field(raw, 'resources'), 'Resources', path).map((e) => arnMatcher(e, path)),
    notResources: list(field(raw, 'notResources'), 'NotResources', path).map((e) => arnMatcher(e, path)),
    conditions,
  };
}

function literal(value: unknown): string {
  return typeof value === 'string' && !Token.isUnresolved(value) ? value : UNKNOWN;
}

/** The ARN of a data resource as far as synth knows it; unknown parts stand as UNKNOWN. */
function arnOf(node: CfnResource): string {
  const shape = ARN_SHAPES[node.cfnResourceType];
  const stack = Stack.of(node);
  const names: Record<string, unknown> = {
    'AWS::S3::Bucket': (node as unknown as { bucketName?: unknown }).bucketName,
    'AWS::RDS::DBCluster': (node as unknown as { dbClusterIdentifier?: unknown }).dbClusterIdentifier,
    'AWS::RDS::DBInstance': (node as unknown as { dbInstanceIdentifier?: unknown }).dbInstanceIdentifier,
    'AWS::DynamoDB::Table': (node as unknown as { tableName?: unknown }).tableName,
    'AWS::DynamoDB::GlobalTable': (node as unknown as { tableName?: unknown }).tableName,
  };
  // RDS lower-cases identifiers.
  const name = node.cfnResourceType.startsWith('AWS::RDS::') ? literal(names[node.cfnResourceType]).toLowerCase() : literal(names[node.cfnResourceType]);
  const region = shape.regional ? literal(stack.region) : '';
  const account = shape.regional ? literal(stack.account) : '';
  return `arn:${literal(stack.partition)}:${shape.service}:${region}:${account}:${shape.resource(name)}`;
}

function tagsOf(node: CfnResource): Tags {
  const tags = new Map<string, string>();
  const add = (rendered: unknown) => {
    const resolved = Stack.of(node).resolve(rendered) as unknown;
    if (Array.isArray(resolved)) {
      for (const t of resolved) tags.set(String(field(t, 'key')), String(field(t, 'value')));
    } else if (resolved && typeof resolved === 'object') {
      for (const [k, v] of Object.entries(resolved as Record<string, unknown>)) tags.set(k, String(v));
    }
  };
  add(TagManager.of(node)?.renderTags());
  // A global table (TableV2) carries its tags on its replicas.
  if (node.cfnResourceType === 'AWS::DynamoDB::GlobalTable') {
    const replicas = Stack.of(node).resolve((node as unknown as { replicas?: unknown }).replicas) as unknown;
    for (const replica of Array.isArray(replicas) ? replicas : []) add(field(replica, 'tags'));
  }
  return tags;
}

function selects(selection: Selection, node: CfnResource, arn: string, tags: Tags): boolean {
  const byTag = selection.anyOfTags.some((t) => tags.get(t.key) === t.value);
  const byArn = selection.resources.some((m) => m(node, arn));
  const excluded = selection.notResources.some((m) => m(node, arn));
  return (byTag || byArn) && !excluded && selection.conditions.every((holds) => holds(tags));
}

/**
 * BAK-02: every resource holding data is in an AWS Backup selection, as AWS Backup evaluates
 * selections: ListOfTags (any one tag), Resources (references or ARN patterns), NotResources, and
 * Conditions (all must hold). An Aurora DB instance holds no data of its own (its cluster does) and
 * is not applicable, unlike cdk-nag's RDSInBackupPlan, which looks at instances.
 *
 * A selection the rule cannot evaluate does not count as covering anything; when no evaluable
 * selection covers a resource and one could not be evaluated, the rule throws, so the resource is
 * reported as "could not be evaluated", never as compliant.
 *
 * Each call of `createBackupCoverageRule` reads the app's selections once (a pack creates a new rule
 * per validation, so a changed app is never judged on stale selections).
 */
function createBackupCoverageRule(): (node: CfnResource) => NagRuleResult {
  const cache = new WeakMap<IConstruct, { selections: Selection[]; unevaluable: string[] }>();
  const selectionsOf = (node: IConstruct) => {
    const root = node.node.root;
    let found = cache.get(root);
    if (!found) {
      found = { selections: [], unevaluable: [] };
      for (const c of root.node.findAll()) {
        if (!(c instanceof CfnBackupSelection)) continue;
        try {
          found.selections.push(readSelection(c));
        } catch (error) {
          if (!(error instanceof UnevaluableSelection)) throw error;
          found.unevaluable.push(error.message);
        }
      }
      cache.set(root, found);
    }
    return found;
  };
  const rule = (node: CfnResource): NagRuleResult => {
    if (!BACKED_UP_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    if (node.cfnResourceType === 'AWS::RDS::DBInstance') {
      const cluster = (node as unknown as { dbClusterIdentifier?: unknown }).dbClusterIdentifier;
      if (cluster !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    }
    const { selections, unevaluable } = selectionsOf(node);
    const arn = arnOf(node);
    const tags = tagsOf(node);
    if (selections.some((s) => selects(s, node, arn, tags))) return NagRuleCompliance.COMPLIANT;
    if (unevaluable.length > 0) {
      throw new Error(`[BAK-02] backup coverage could not be evaluated: ${unevaluable.join('; ')}`);
    }
    return NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'BackupCoverage' });
}

export const BAK02_BACKUP_COVERAGE = defineRule({
  name: 'BackupCoverage',
  control: 'BAK-02',
  problem: 'This resource holds data but no AWS Backup selection covers it.',
  fix: 'tag it hds:backup=true (HealthDataStore does), add it to a selection, or acknowledge with the control that protects its data instead.',
  explanation: 'HDS v2 EXI 05 and ISO 27001 A.8.13: every stateful resource of the platform is backed up by the locked plan and restore-tested.',
  create: () => createBackupCoverageRule(),
});
