import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, asNumber, get } from '../util';
import { perApp, propertiesWithReferences } from './support';
import { appVaults, lockBounds, targetVault, vaultByArn, type Vault } from './vaults';

/** Days a recovery point is kept: undefined when kept forever (no DeleteAfterDays, or -1). */
function retentionDays(lifecycle: unknown, what: string): number | undefined {
  const days = asNumber(get(lifecycle, 'DeleteAfterDays'), what);
  return days === undefined || days < 0 ? undefined : days;
}

/** Whether recovery points kept `days` (undefined: forever) fit the lock of `vault`. */
function withinLock(days: number | undefined, vault: Vault): boolean {
  const { min, max } = lockBounds(vault);
  if (min !== undefined && days !== undefined && days < min) return false;
  if (max !== undefined && (days === undefined || days > max)) return false;
  return true;
}

/** One plan rule (or a copy action of it): how long it keeps recovery points, and the vault it keeps them in. */
export interface PlanTarget {
  readonly days: number | undefined;
  readonly vault: Vault;
}

/**
 * Every vault a backup plan writes to (with `copies`, the destinations of its copy actions too), with the
 * retention of what it writes; throws for a vault outside the app.
 */
export function planTargets(plan: CfnResource, vaults: readonly Vault[], copies = true): PlanTarget[] {
  const path = plan.node.path;
  const rules = asList(get(propertiesWithReferences(plan), 'BackupPlan', 'BackupPlanRule'), `${path} BackupPlanRule`);
  return rules.flatMap((rule, i) => {
    const where = `${path} BackupPlanRule[${i}]`;
    const days = retentionDays(get(rule, 'Lifecycle'), `${where}.Lifecycle.DeleteAfterDays`);
    const vault = targetVault(get(rule, 'TargetBackupVault'), plan, vaults, `${where}.TargetBackupVault`);
    if (!copies) return [{ days, vault }];
    const copied = asList(get(rule, 'CopyActions'), `${where}.CopyActions`).map((copy, j) => {
      const lifecycle = get(copy, 'Lifecycle');
      // Without a lifecycle of its own, a copy keeps the lifecycle of its source (AWS Backup).
      const copyDays = lifecycle === undefined ? days : retentionDays(lifecycle, `${where}.CopyActions[${j}].Lifecycle.DeleteAfterDays`);
      const destination = vaultByArn(get(copy, 'DestinationBackupVaultArn'), plan, vaults, `${where}.CopyActions[${j}].DestinationBackupVaultArn`);
      return { days: copyDays, vault: destination };
    });
    return [{ days, vault }, ...copied];
  });
}

function createRule(): (node: CfnResource) => NagRuleResult {
  const vaultsOf = perApp(appVaults);
  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::Backup::BackupPlan') return NagRuleCompliance.NOT_APPLICABLE;
    const targets = planTargets(node, vaultsOf(node));
    return targets.every((t) => withinLock(t.days, t.vault)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'PlanRetentionWithinLock' });
}

export const BAK01_PLAN_RETENTION_WITHIN_LOCK = defineRule({
  name: 'PlanRetentionWithinLock',
  control: 'BAK-01',
  problem:
    "A rule (or copy action) of this backup plan keeps recovery points outside the lock bounds of its vault: shorter than MinRetentionDays (AWS Backup refuses them: no backup at all), longer than MaxRetentionDays, or forever (no DeleteAfterDays) while the vault has a maximum.",
  fix: "set each rule's deleteAfter (and each copy action's deleteAfter) between the vault lock's minRetention and maxRetention; PlatformBackup validates this from config (backup.retention, backup.vaultLock).",
  explanation:
    'HDS v2 EXI 05 and ISO 27001 A.8.13: a plan whose retention the vault lock rejects silently produces no recovery point; one kept longer than the lock allows breaks the retention the editor declared (RGPD art. 5(1)(e)).',
  create: () => createRule(),
});
