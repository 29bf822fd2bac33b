import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { properties } from '../util';
import { isSet, judge, literalBoolean } from './support';

/**
 * LOG-01: a trail records the management events of every region (multi-region, global service events),
 * tamper-evident (log file validation), encrypted with a KMS key, delivered to CloudWatch Logs, and on.
 *
 * cdk-nag's CloudTrailCloudWatchLogsEnabled, CloudTrailEncryptionEnabled and CloudTrailLogFileValidationEnabled
 * are not reused: they read the L1 attributes, not the rendered properties, so an escape-hatch override that
 * removes KMSKeyId or CloudWatchLogsLogGroupArn passes them; and they check three of the six settings.
 */
function trailHardened(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::CloudTrail::Trail') return NagRuleCompliance.NOT_APPLICABLE;
  const props = properties(node);
  const what = (name: string) => `${node.node.path} ${name}`;
  return judge([
    () => literalBoolean(props.IsMultiRegionTrail, what('IsMultiRegionTrail')) === true,
    // CloudFormation's default for IncludeGlobalServiceEvents is true.
    () => literalBoolean(props.IncludeGlobalServiceEvents, what('IncludeGlobalServiceEvents')) !== false,
    () => literalBoolean(props.EnableLogFileValidation, what('EnableLogFileValidation')) === true,
    () => isSet(props.KMSKeyId, what('KMSKeyId')),
    () => isSet(props.CloudWatchLogsLogGroupArn, what('CloudWatchLogsLogGroupArn')),
    () => literalBoolean(props.IsLogging, what('IsLogging')) === true,
  ]);
}

export const LOG01_TRAIL_HARDENED = defineRule({
  name: 'TrailHardened',
  control: 'LOG-01',
  problem:
    'This CloudTrail trail does not record every region tamper-evidently: it must be multi-region, include global service events, validate log files, be encrypted with a KMS key, deliver to CloudWatch Logs, and be logging.',
  fix: 'use the AuditTrail construct, or set isMultiRegionTrail, includeGlobalServiceEvents, enableFileValidation, encryptionKey (the logs key), sendToCloudWatchLogs with an encrypted log group, and keep IsLogging true.',
  explanation:
    'HDS v2 EXI 15-16 (traceability), ISO 27001 A.8.15 (logging), PGSSI-S imputabilité: management events of every region are recorded, encrypted, and any alteration of a log file is detectable.',
  create: () => trailHardened,
});
