import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule, type HdsCheckOptions } from '../rule';
import { asNumber, get, properties, UnresolvableValueError } from '../util';
import { appResourcesIndex, asObject, judge, literalBoolean, literalString, markedProperties, referencedResource } from './support';

/** Whether a bucket keeps what is written to it, unalterable, for at least `minDays`. */
function lockedLongEnough(bucket: CfnResource, minDays: number): NagRuleCompliance.COMPLIANT | NagRuleCompliance.NON_COMPLIANT {
  const props = properties(bucket);
  const what = (name: string) => `${bucket.node.path} ${name}`;
  const retention = () => {
    const lock = asObject(props.ObjectLockConfiguration, what('ObjectLockConfiguration'));
    return asObject(get(asObject(lock.Rule, what('ObjectLockConfiguration Rule')), 'DefaultRetention'), what('DefaultRetention'));
  };
  return judge([
    () => literalBoolean(props.ObjectLockEnabled, what('ObjectLockEnabled')) === true,
    () => {
      const versioning = asObject(props.VersioningConfiguration, what('VersioningConfiguration'));
      return literalString(versioning.Status, what('VersioningConfiguration Status')) === 'Enabled';
    },
    () => ['COMPLIANCE', 'GOVERNANCE'].includes(literalString(retention().Mode, what('DefaultRetention Mode')) ?? ''),
    () => {
      const days = asNumber(retention().Days, what('DefaultRetention Days'));
      const years = asNumber(retention().Years, what('DefaultRetention Years'));
      return (days ?? (years ?? 0) * 365) >= minDays;
    },
  ]);
}

/**
 * LOG-03: the bucket every CloudTrail trail delivers to keeps traces unalterable for the trace retention:
 * Object Lock on, a default retention (compliance or governance mode) of at least `minTraceRetentionDays`,
 * and versioning on. Reported on the trail. A trail delivering to a bucket that is not in the app cannot
 * be judged at synth: the rule throws.
 */
function createTraceArchiveLocked(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const app = appResourcesIndex();
  return (node) => {
    if (node.cfnResourceType !== 'AWS::CloudTrail::Trail') return NagRuleCompliance.NOT_APPLICABLE;
    const value = markedProperties(node).S3BucketName;
    const what = `${node.node.path} S3BucketName`;
    const found = referencedResource(value, node, app(node), 'AWS::S3::Bucket', 'BucketName', what);
    if (!found) throw new UnresolvableValueError(`${what} (a bucket outside the app)`, value);
    return lockedLongEnough(found.resource, options.minTraceRetentionDays);
  };
}

export const LOG03_TRACE_ARCHIVE_LOCKED = defineRule({
  name: 'TraceArchiveLocked',
  control: 'LOG-03',
  problem:
    'This CloudTrail trail delivers to a bucket that does not lock its traces for the trace retention: it needs Object Lock with a default retention (COMPLIANCE or GOVERNANCE) of at least the trace retention, and versioning.',
  fix: 'deliver the trail to the LogArchive archive bucket, or create the bucket with SecureBucket objectLock { mode: COMPLIANCE in production, days: trace retention } (versioned).',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15, PGSSI-S imputabilité: traces cannot be altered or deleted during their retention (at least one year, DATA-01).',
  create: (options) => createTraceArchiveLocked(options),
});
