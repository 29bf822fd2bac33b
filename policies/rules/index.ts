import { BAK_RULES } from './bak';
import { DATA_RULES } from './data';
import { DET_RULES } from './det';
import { ENC_RULES } from './enc';
import { IAM_RULES } from './iam';
import { LOG_RULES } from './log';
import { NET_RULES } from './net';
import { RES01_STACK_REGION, RES_RULES } from './res';
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
 * is enforced by the RES-02 rule on Backup copy actions (CONTROLS.md, BAK-05: "covered by RES-02").
 */
export const ENFORCED_THROUGH: Readonly<Record<string, { readonly control: string; readonly rules: readonly string[] }>> = {
  'BAK-05': { control: 'RES-02', rules: ['RES02-BackupCopyInRegion'] },
};

/** The stack-wide rule of the pack (not in HDS_RULES: cdk-nag visits resources only). */
export const STACK_RULE_CONTROLS: readonly string[] = [RES01_STACK_REGION.control];

/** Prefix of every rule id of the pack, as findings and acknowledgements name them (`HDS-ENC01-KeyRotation`). */
export const HDS_RULE_PREFIX = 'HDS-';

/** The full ids (`HDS-...`) of the rules that judge `control`: its own, the stack rule, or another control's. */
export function ruleIdsOf(control: string): string[] {
  const through = ENFORCED_THROUGH[control];
  const ids = through
    ? [...through.rules]
    : [...HDS_RULES.filter((r) => r.control === control).map((r) => r.id), ...(RES01_STACK_REGION.control === control ? [RES01_STACK_REGION.id] : [])];
  return ids.map((id) => `${HDS_RULE_PREFIX}${id}`);
}

/** The control a rule id of the pack is about (a granular finding `HDS-...[x]` too); undefined for other ids. */
export function controlOfRuleId(ruleId: string): string | undefined {
  const id = ruleId.replace(/\[.*$/, '');
  if (id === `${HDS_RULE_PREFIX}${RES01_STACK_REGION.id}`) return RES01_STACK_REGION.control;
  return HDS_RULES.find((r) => `${HDS_RULE_PREFIX}${r.id}` === id)?.control;
}
