import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asNumber, get, literalText, rendered } from '../util';
import { globMatches, isEveryPrincipal, policyStatements, statementCovers, type PolicyStatement } from './support';

/** What nobody may do to a recovery point of a locked vault. */
export const PROTECTED_RECOVERY_POINT_ACTIONS = ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] as const;

/** AWS Backup's cooling-off period: a compliance-mode lock can be removed during at least these days. */
const MIN_CHANGEABLE_FOR_DAYS = 3;

/** Stands for any recovery point id: only a `*` or `?` in a Resource pattern matches it. */
const ANY_ID = '\u0002';

/** A Deny statement that applies to every principal, unconditionally, on every recovery point of the vault. */
function deniesToEveryone(statement: PolicyStatement, node: CfnResource): boolean {
  if (statement.Effect !== 'Deny' || statement.Condition !== undefined || statement.NotResource.length > 0) return false;
  if (statement.NotPrincipal !== undefined || !isEveryPrincipal(statement.Principal)) return false;
  const anyRecoveryPoint = `arn:${literalText({ Ref: 'AWS::Partition' }, node, 'partition')}:backup:${literalText({ Ref: 'AWS::Region' }, node, 'region')}:${literalText(
    { Ref: 'AWS::AccountId' },
    node,
    'account',
  )}:recovery-point:${ANY_ID}`;
  return statement.Resource.some(
    (r) => r === '*' || globMatches(literalText(r, node, `${node.node.path} AccessPolicy Resource`), anyRecoveryPoint, false),
  );
}

function vaultLocked(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::Backup::BackupVault') return NagRuleCompliance.NOT_APPLICABLE;
  const resource = rendered(node);
  const props = resource.Properties ?? {};
  const path = node.node.path;

  const key = props.EncryptionKeyArn;
  // Without a key, or with the AWS managed key of AWS Backup, recovery points are not under the platform's control.
  if (key === undefined || (typeof key === 'string' && /:alias\/aws\//.test(key))) return NagRuleCompliance.NON_COMPLIANT;

  const lock = props.LockConfiguration;
  const min = asNumber(get(lock, 'MinRetentionDays'), `${path} LockConfiguration.MinRetentionDays`);
  const max = asNumber(get(lock, 'MaxRetentionDays'), `${path} LockConfiguration.MaxRetentionDays`);
  const changeableFor = asNumber(get(lock, 'ChangeableForDays'), `${path} LockConfiguration.ChangeableForDays`);
  if (min === undefined || min < 1) return NagRuleCompliance.NON_COMPLIANT;
  if (max !== undefined && max < min) return NagRuleCompliance.NON_COMPLIANT;
  if (changeableFor !== undefined && changeableFor < MIN_CHANGEABLE_FOR_DAYS) return NagRuleCompliance.NON_COMPLIANT;

  const denying = policyStatements(props.AccessPolicy, `${path} AccessPolicy`).filter((s) => deniesToEveryone(s, node));
  if (!PROTECTED_RECOVERY_POINT_ACTIONS.every((action) => denying.some((s) => statementCovers(s, action)))) {
    return NagRuleCompliance.NON_COMPLIANT;
  }

  if (resource.DeletionPolicy !== 'Retain') return NagRuleCompliance.NON_COMPLIANT;
  return NagRuleCompliance.COMPLIANT;
}

export const BAK01_VAULT_LOCKED = defineRule({
  name: 'VaultLocked',
  control: 'BAK-01',
  problem:
    'This backup vault is not immutable: it needs a customer-managed key, a vault lock with a minimum retention (maximum >= minimum, ChangeableForDays >= 3 when set), an access policy that denies backup:DeleteRecoveryPoint and backup:UpdateRecoveryPointLifecycle to every principal without condition, and DeletionPolicy Retain.',
  fix: 'use LockedBackupVault (lib/constructs/platform-backup.ts), or set encryptionKey, lockConfiguration { minRetention, maxRetention }, the Deny statement with addToAccessPolicy, and removalPolicy RETAIN on the BackupVault.',
  explanation:
    'HDS v2 EXI 05 (continuity) and ISO 27001 A.8.13: backups of health data must survive a compromised account; a locked, encrypted vault that nobody can empty is the last line of recovery.',
  create: () => vaultLocked,
});
