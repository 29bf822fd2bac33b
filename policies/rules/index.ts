import { BAK_RULES } from './bak';
import { DATA_RULES } from './data';
import { DET_RULES } from './det';
import { ENC_RULES } from './enc';
import { IAM_RULES } from './iam';
import { LOG_RULES } from './log';
import { NET_RULES } from './net';
import { RES_RULES } from './res';
import type { HdsRule } from './rule';

export * from './rule';

/** Every rule of the HDS pack (resource rules; stack-wide rules live in the pack itself). */
export const HDS_RULES: readonly HdsRule[] = [
  ...RES_RULES,
  ...ENC_RULES,
  ...NET_RULES,
  ...BAK_RULES,
  ...LOG_RULES,
  ...DET_RULES,
  ...IAM_RULES,
  ...DATA_RULES,
];

/**
 * Controls whose rules are another control's: BAK-05 (cross-region copies only inside the allow-list)
 * is enforced by the RES-02 rules on Backup copy actions (CONTROLS.md, BAK-05: "covered by RES-02").
 */
export const ENFORCED_THROUGH: Readonly<Record<string, string>> = { 'BAK-05': 'RES-02' };

/** The stack-wide rule of the pack (not in HDS_RULES: cdk-nag visits resources only). */
export const STACK_RULE_CONTROLS: readonly string[] = ['RES-01'];
