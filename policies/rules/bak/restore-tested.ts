import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule, type HdsCheckOptions } from '../rule';
import { get, UnresolvableValueError } from '../util';
import { BAK02_BACKUP_COVERAGE } from './backup-coverage';
import { planTargets } from './plan-retention-within-lock';
import { accountOfResource, appResources, designation, perApp, propertiesWithReferences, regionOfResource } from './support';
import { appVaults, listsVault, type Vault } from './vaults';

const DAY = '(?:[1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)';
/** Day-of-week fields that fire every week: one day, a list or a range of days (not `#n` or `L`: monthly). */
const WEEKLY_DOW = new RegExp(`^${DAY}(?:-${DAY})?(?:,${DAY}(?:-${DAY})?)*$`, 'i');
const MINUTES: Record<string, number> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };
const WEEK_MINUTES = 7 * 1440;

/**
 * Whether an AWS Backup schedule expression fires at least once a week: `rate(n days)` with n <= 7 (or
 * hours, minutes), or `cron(min hour dom month dow year)` that fires every day or on given days of every week.
 */
export function atLeastWeekly(expression: string): boolean {
  const rate = /^rate\(\s*(\d+)\s+([a-z]+)\s*\)$/i.exec(expression.trim());
  if (rate) {
    const unit = MINUTES[rate[2].toLowerCase()];
    return unit !== undefined && Number(rate[1]) >= 1 && Number(rate[1]) * unit <= WEEK_MINUTES;
  }
  const cron = /^cron\((.*)\)$/i.exec(expression.trim());
  if (!cron) return false;
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) return false;
  const [, , dom, month, dow, year] = fields;
  const every = (f: string) => f === '*' || f === '?';
  if (!every(month) || !every(year)) return false;
  const everyFewDays = /^[*1]\/([1-7])$/.exec(dom);
  if (every(dom)) return every(dow) || WEEKLY_DOW.test(dow);
  return everyFewDays !== null && every(dow);
}

/** The restore testing type of a data resource, as AWS Backup names it (ProtectedResourceType). */
function restoreTypeOf(node: CfnResource): string | undefined {
  switch (node.cfnResourceType) {
    case 'AWS::S3::Bucket':
      return 'S3';
    case 'AWS::RDS::DBCluster': {
      const engine = propertiesWithReferences(node).Engine;
      if (typeof engine !== 'string') throw new UnresolvableValueError(`${node.node.path} Engine`, engine);
      return engine.startsWith('aurora') ? 'Aurora' : 'RDS';
    }
    case 'AWS::RDS::DBInstance':
      return 'RDS';
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return 'DynamoDB';
    case 'AWS::EFS::FileSystem':
      return 'EFS';
    default:
      return undefined;
  }
}

interface RestorePlan {
  readonly node: CfnResource;
  readonly name: unknown;
  /** What could not be evaluated in the plan or its selections. */
  readonly problems: string[];
  readonly weekly: boolean;
  readonly selectionTypes: Set<string>;
}

interface AppView {
  readonly vaults: Vault[];
  readonly restorePlans: RestorePlan[];
  /** Restore types of the data resources some backup selection covers, and errors met while finding them. */
  readonly covered: { types: Set<string>; unknown: { type?: string; message: string }[] };
}

function readApp(root: IConstruct, options: HdsCheckOptions): AppView {
  const restorePlans: RestorePlan[] = appResources(root, 'AWS::Backup::RestoreTestingPlan').map((node) => {
    const props = propertiesWithReferences(node);
    const schedule = props.ScheduleExpression;
    return {
      node,
      name: props.RestoreTestingPlanName,
      weekly: typeof schedule === 'string' && atLeastWeekly(schedule),
      problems: typeof schedule === 'string' || schedule === undefined ? [] : [`${node.node.path} ScheduleExpression ${JSON.stringify(schedule)}`],
      selectionTypes: new Set<string>(),
    };
  });
  for (const selection of appResources(root, 'AWS::Backup::RestoreTestingSelection')) {
    const props = propertiesWithReferences(selection);
    const target = designation(props.RestoreTestingPlanName, selection, `${selection.node.path} RestoreTestingPlanName`);
    const plan = restorePlans.find((p) =>
      'ref' in target
        ? p.node.node.path === target.ref
        : p.name === target.text &&
          regionOfResource(p.node) === regionOfResource(selection) &&
          accountOfResource(p.node) === accountOfResource(selection),
    );
    if (!plan) continue;
    const type = props.ProtectedResourceType;
    if (typeof type === 'string') plan.selectionTypes.add(type);
    else plan.problems.push(`${selection.node.path} ProtectedResourceType ${JSON.stringify(type)}`);
  }

  // What the backup selections cover, as BAK-02 evaluates it.
  const coverage = BAK02_BACKUP_COVERAGE.create(options);
  const covered: AppView['covered'] = { types: new Set<string>(), unknown: [] };
  for (const resource of root.node.findAll()) {
    if (!CfnResource.isCfnResource(resource)) continue;
    try {
      if (coverage(resource) !== NagRuleCompliance.COMPLIANT) continue;
      const type = restoreTypeOf(resource);
      if (type) covered.types.add(type);
    } catch (error) {
      let type: string | undefined;
      try {
        type = restoreTypeOf(resource);
      } catch {
        type = undefined;
      }
      covered.unknown.push({ type, message: `${resource.node.path}: ${(error as Error).message}` });
    }
  }
  return { vaults: appVaults(root), restorePlans, covered };
}

function createRule(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const appOf = perApp((root) => readApp(root, options));
  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::Backup::BackupPlan') return NagRuleCompliance.NOT_APPLICABLE;
    const app = appOf(node);
    const planVaults = [...new Set(planTargets(node, app.vaults, false).map((t) => t.vault))];
    const unknown: string[] = app.restorePlans.flatMap((p) => p.problems);
    const testing = (vault: Vault) =>
      app.restorePlans.filter((p) => {
        if (!p.weekly || p.selectionTypes.size === 0) return false;
        const selection = get(propertiesWithReferences(p.node), 'RecoveryPointSelection');
        const where = `${p.node.node.path} RecoveryPointSelection`;
        try {
          return listsVault(get(selection, 'IncludeVaults'), p.node, vault, `${where}.IncludeVaults`) &&
            !listsVault(get(selection, 'ExcludeVaults'), p.node, vault, `${where}.ExcludeVaults`);
        } catch (error) {
          if (!(error instanceof UnresolvableValueError)) throw error;
          unknown.push(error.message);
          return false;
        }
      });
    const testedTypes = new Set<string>();
    let everyVaultTested = true;
    for (const plans of planVaults.length > 0 ? planVaults.map(testing) : [app.restorePlans.filter((p) => p.weekly && p.selectionTypes.size > 0)]) {
      if (plans.length === 0) everyVaultTested = false;
      for (const p of plans) p.selectionTypes.forEach((t) => testedTypes.add(t));
    }
    const missingTypes = [...app.covered.types].filter((t) => !testedTypes.has(t));
    if (everyVaultTested && missingTypes.length === 0) {
      // A data resource BAK-02 could not judge covered or not: its type might need a restore selection too.
      const undecided = app.covered.unknown.filter((u) => u.type === undefined || !testedTypes.has(u.type));
      if (undecided.length === 0) return NagRuleCompliance.COMPLIANT;
      unknown.push(...undecided.map((u) => u.message));
    }
    // Not compliant, unless what could not be evaluated would have filled the gap.
    if (unknown.length > 0) throw new Error(`[BAK-03] restore testing could not be evaluated: ${unknown.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'RestoreTested' });
}

export const BAK03_RESTORE_TESTED = defineRule({
  name: 'RestoreTested',
  control: 'BAK-03',
  problem:
    'The recovery points of this backup plan are not restore-tested at least weekly: each of its vaults needs an AWS::Backup::RestoreTestingPlan (schedule at least weekly) that includes the vault, with an AWS::Backup::RestoreTestingSelection for each protected resource type the backup selections cover (S3, Aurora, ...).',
  fix: 'use RestoreTesting (lib/constructs/restore-testing.ts) with frequency weekly or daily on the vault, or add the restore testing plan and one selection per protected resource type.',
  explanation:
    'HDS v2 EXI 05 and ISO 27001 A.5.30, A.8.13: a backup is only proved by a restore; restores of every kind of data are tested automatically, with evidence, at least weekly.',
  create: (options) => createRule(options),
});
