import type { HdsRule } from '../rule';
import { BAK02_BACKUP_COVERAGE } from './backup-coverage';

/** BAK rules of the HDS pack, in control order. */
export const BAK_RULES: readonly HdsRule[] = [BAK02_BACKUP_COVERAGE];
