import type { HdsRule } from '../rule';
import { BAK02_BACKUP_COVERAGE } from './backup-coverage';
import { BAK04_BACKUP_AUDIT_EVIDENCE } from './backup-audit-evidence';
import { BAK01_PLAN_RETENTION_WITHIN_LOCK } from './plan-retention-within-lock';
import { BAK03_RESTORE_TESTED } from './restore-tested';
import { BAK01_VAULT_LOCKED } from './vault-locked';

/** BAK rules of the HDS pack, in control order. */
export const BAK_RULES: readonly HdsRule[] = [
  BAK01_VAULT_LOCKED,
  BAK01_PLAN_RETENTION_WITHIN_LOCK,
  BAK02_BACKUP_COVERAGE,
  BAK03_RESTORE_TESTED,
  BAK04_BACKUP_AUDIT_EVIDENCE,
];
