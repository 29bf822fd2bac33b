import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule, type HdsCheckOptions } from '../rule';
import { asNumber, properties } from '../util';
import { isSet, judge } from './support';

/**
 * LOG-04: a log group is encrypted with a KMS key and keeps its events at least the trace retention.
 * No RetentionInDays means events never expire, which meets the retention.
 *
 * cdk-nag's CloudWatchLogGroupEncrypted and CloudWatchLogGroupRetentionPeriod are not reused: they read
 * the L1 attributes (an override removing KmsKeyId passes), and the latter requires a retention to be set
 * and accepts any, where a missing retention keeps traces forever and a short one loses them.
 */
function createLogGroupEncryptedAndRetained(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  return (node) => {
    if (node.cfnResourceType !== 'AWS::Logs::LogGroup') return NagRuleCompliance.NOT_APPLICABLE;
    const props = properties(node);
    return judge([
      () => isSet(props.KmsKeyId, `${node.node.path} KmsKeyId`),
      () => (asNumber(props.RetentionInDays, `${node.node.path} RetentionInDays`) ?? Infinity) >= options.minTraceRetentionDays,
    ]);
  };
}

export const LOG04_LOG_GROUP_ENCRYPTED_AND_RETAINED = defineRule({
  name: 'LogGroupEncryptedAndRetained',
  control: 'LOG-04',
  problem: 'This log group is not encrypted with a KMS key, or keeps its events for less than the trace retention.',
  fix: 'create it with encryptionKey: the logs key, and retention: the configured trace retention (at least 365 days), or none (never expire).',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15 and A.8.24, RGPD art. 32: traces are kept encrypted for at least one year (DATA-01), never below the configured trace retention.',
  create: (options) => createLogGroupEncryptedAndRetained(options),
});
