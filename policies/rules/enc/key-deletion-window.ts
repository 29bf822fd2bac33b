import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { CfnResource } from 'aws-cdk-lib';
import { defineRule } from '../rule';
import { asNumber, properties } from '../util';

/** Key types whose deletion waits a pending window (a replica key is deleted like any key). */
export const KMS_KEY_TYPES: ReadonlySet<string> = new Set(['AWS::KMS::Key', 'AWS::KMS::ReplicaKey']);

/** CloudFormation's default (and maximum) PendingWindowInDays. */
const REQUIRED_DAYS = 30;

function keyDeletionWindow(node: CfnResource): NagRuleResult {
  if (!KMS_KEY_TYPES.has(node.cfnResourceType)) return NagRuleCompliance.NOT_APPLICABLE;
  const days = asNumber(properties(node).PendingWindowInDays, 'PendingWindowInDays') ?? REQUIRED_DAYS;
  return days === REQUIRED_DAYS ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/** ENC-01: a key scheduled for deletion can be recovered for 30 days (the longest window KMS allows). */
export const ENC01_KEY_DELETION_WINDOW = defineRule({
  name: 'KeyDeletionWindow',
  control: 'ENC-01',
  problem: 'This KMS key has a deletion window shorter than 30 days (PendingWindowInDays).',
  fix: 'create the key with pendingWindow: Duration.days(30), or remove PendingWindowInDays (30 is the default).',
  explanation:
    'ISO 27001 A.8.24 (key management) and HDS v2 EXI 05 (continuity): deleting a key destroys every piece of data encrypted with it; the longest pending window leaves 30 days to notice and cancel a deletion.',
  create: () => Object.defineProperty(keyDeletionWindow, 'name', { value: 'KeyDeletionWindow' }),
});
