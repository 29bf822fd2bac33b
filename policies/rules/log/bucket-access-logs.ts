import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { properties } from '../util';
import { asObject, isSet } from './support';

/**
 * LOG-05: a bucket delivers its server access logs to a log bucket. The access-log bucket itself cannot
 * (it would log into itself): that one exception is an acknowledgement with its reason, not a rule case.
 *
 * cdk-nag's S3BucketLoggingEnabled is not reused: it reads the L1 attribute (overrides are missed) and
 * silently passes any bucket that another bucket names as its log destination.
 */
function bucketAccessLogs(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') return NagRuleCompliance.NOT_APPLICABLE;
  const logging = asObject(properties(node).LoggingConfiguration, `${node.node.path} LoggingConfiguration`);
  return isSet(logging.DestinationBucketName, `${node.node.path} DestinationBucketName`) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const LOG05_BUCKET_ACCESS_LOGS = defineRule({
  name: 'BucketAccessLogs',
  control: 'LOG-05',
  problem: 'This bucket does not deliver server access logs.',
  fix: 'create it with SecureBucket serverAccessLogs { bucket: the LogArchive access-log bucket, prefix }, or set serverAccessLogsBucket on s3.Bucket.',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15: every request to every bucket is logged, including requests CloudTrail data events do not record (public or anonymous, denied, bucket-level).',
  create: () => bucketAccessLogs,
});
