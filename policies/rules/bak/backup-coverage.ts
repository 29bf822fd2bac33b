import { Stack, TagManager, type CfnResource } from 'aws-cdk-lib';
import { CfnBackupSelection } from 'aws-cdk-lib/aws-backup';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Resource types that hold data and must be in a backup selection (BAK-02). */
export const BACKED_UP_TYPES: ReadonlySet<string> = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::EFS::FileSystem',
]);

/** What one backup selection covers, resolved. */
interface SelectionScope {
  /** Tag key/value pairs: a resource with any of them is selected. */
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  /** Resources named explicitly (resolved ARNs or intrinsics, compared as JSON). */
  readonly resources: readonly string[];
  /** `Resources: ["*"]` with no narrowing condition selects everything. */
  readonly everything: boolean;
}

const scopesByRoot = new WeakMap<IConstruct, SelectionScope[]>();

function resolved(scope: IConstruct, value: unknown): unknown {
  return Stack.of(scope).resolve(value);
}

/**
 * A property of a resolved L1 value: camelCase when built by CDK constructs, PascalCase when it comes
 * from a template (cloudformation-include keeps some nested values as written).
 */
function field<T>(value: unknown, camel: string): T | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const pascal = camel.charAt(0).toUpperCase() + camel.slice(1);
  return (record[camel] ?? record[pascal]) as T | undefined;
}

/** Backup selections anywhere in the app, read once per tree. */
function selectionsOf(node: IConstruct): SelectionScope[] {
  const root = node.node.root;
  const cached = scopesByRoot.get(root);
  if (cached) return cached;
  const scopes: SelectionScope[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof CfnBackupSelection)) continue;
    const selection = resolved(c, c.backupSelection);
    const tags: { key: string; value: string }[] = [];
    for (const t of field<unknown[]>(selection, 'listOfTags') ?? []) {
      const type = field<string>(t, 'conditionType');
      const key = field<string>(t, 'conditionKey');
      const value = field<string>(t, 'conditionValue');
      if (type === 'STRINGEQUALS' && typeof key === 'string' && typeof value === 'string') tags.push({ key, value });
    }
    const stringEquals = field<unknown[]>(field(selection, 'conditions'), 'stringEquals') ?? [];
    for (const condition of stringEquals) {
      const key = /^aws:ResourceTag\/(.+)$/.exec(field<string>(condition, 'conditionKey') ?? '')?.[1];
      const value = field<string>(condition, 'conditionValue');
      if (key && typeof value === 'string') tags.push({ key, value });
    }
    const resources = (field<unknown[]>(selection, 'resources') ?? []).map((r) => JSON.stringify(r));
    const narrowed = stringEquals.length > 0;
    scopes.push({ tags, resources, everything: resources.includes('"*"') && !narrowed });
  }
  scopesByRoot.set(root, scopes);
  return scopes;
}

function tagsOf(node: CfnResource): { key: string; value: string }[] {
  const rendered = resolved(node, TagManager.of(node)?.renderTags()) as unknown;
  if (Array.isArray(rendered)) {
    return rendered.map((t) => ({ key: String(field(t, 'key')), value: String(field(t, 'value')) }));
  }
  // Some types render tags as a map.
  if (rendered && typeof rendered === 'object') {
    return Object.entries(rendered as Record<string, string>).map(([key, value]) => ({ key, value }));
  }
  return [];
}

function arnOf(node: CfnResource): string | undefined {
  const withArn = node as unknown as { attrArn?: string; attrDbClusterArn?: string };
  const attr = withArn.attrDbClusterArn ?? withArn.attrArn;
  return attr === undefined ? undefined : JSON.stringify(resolved(node, attr));
}

/**
 * BAK-02: every resource holding data is in an AWS Backup selection, by tag or by ARN. An Aurora DB
 * instance holds no data of its own (its cluster does) and is not applicable, unlike cdk-nag's
 * RDSInBackupPlan, which looks at instances.
 */
export default Object.defineProperty(
  (node: CfnResource): NagRuleResult => {
    if (!BACKED_UP_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
    if (node.cfnResourceType === 'AWS::RDS::DBInstance') {
      const cluster = resolved(node, (node as unknown as { dbClusterIdentifier?: unknown }).dbClusterIdentifier);
      if (cluster !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    }
    const selections = selectionsOf(node);
    const tags = tagsOf(node);
    const arn = arnOf(node);
    const covered = selections.some(
      (s) =>
        s.everything ||
        s.tags.some((t) => tags.some((r) => r.key === t.key && r.value === t.value)) ||
        (arn !== undefined && s.resources.includes(arn)),
    );
    return covered ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
  'name',
  { value: 'BackupCoverage' },
);
