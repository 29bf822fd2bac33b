import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { CfnResource } from 'aws-cdk-lib';
import { defineRule } from '../rule';
import { rendered } from '../util';
import { KMS_KEY_TYPES } from './key-deletion-window';

function keyRetained(node: CfnResource): NagRuleResult {
  if (!KMS_KEY_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
  const { DeletionPolicy, UpdateReplacePolicy } = rendered(node);
  return DeletionPolicy === 'Retain' && UpdateReplacePolicy === 'Retain' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/**
 * ENC-01: a key survives the deletion of its stack and its own replacement. Only `Retain` counts:
 * `RetainExceptOnCreate` deletes the key when the stack that creates it rolls back, and neither `Delete` nor
 * `Snapshot` applies to a key.
 */
export const ENC01_KEY_RETAINED = defineRule({
  name: 'KeyRetained',
  control: 'ENC-01',
  problem: 'This KMS key is not retained when its stack is deleted or the key is replaced (DeletionPolicy and UpdateReplacePolicy must be Retain).',
  fix: 'create the key with removalPolicy: RemovalPolicy.RETAIN, or DeletionPolicy: Retain and UpdateReplacePolicy: Retain in the template.',
  explanation:
    'ISO 27001 A.8.24 (key management) and HDS v2 EXI 05 (continuity): deleting or replacing a key makes every backup, snapshot and object encrypted with it unreadable.',
  create: () => Object.defineProperty(keyRetained, 'name', { value: 'KeyRetained' }),
});
