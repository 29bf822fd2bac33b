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
