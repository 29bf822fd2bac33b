import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, asNumber, get, properties, UnresolvableValueError } from '../util';

/**
 * The longest `years` calendar years can last, in days (one leap day per four years, rounded up): S3 Object
 * Lock counts calendar years, lifecycle rules count days. The retention presets count legal years the same way.
 */
export function yearsInDays(years: number): number {
  return 365 * years + Math.floor((years + 3) / 4);
}

/** The longest a default retention of `days` or `years` can last, in days. */
export function lockDays(days: number | undefined, years: number | undefined): number | undefined {
  if (days !== undefined) return days;
  if (years !== undefined) return yearsInDays(years);
  return undefined;
}

function lockWithinExpiry(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') return NagRuleCompliance.NOT_APPLICABLE;
  const props = properties(node);
  const path = node.node.path;
  const retention = get(props.ObjectLockConfiguration, 'Rule', 'DefaultRetention');
  const locked = lockDays(
    asNumber(get(retention, 'Days'), `${path} DefaultRetention.Days`),
    asNumber(get(retention, 'Years'), `${path} DefaultRetention.Years`),
  );
  if (locked === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const rules = asList(get(props.LifecycleConfiguration, 'Rules'), `${path} LifecycleConfiguration.Rules`);
  for (const [i, rule] of rules.entries()) {
    const where = `${path} LifecycleConfiguration.Rules[${i}]`;
    const status = get(rule, 'Status');
    if (status === 'Disabled') continue;
    if (status !== 'Enabled') throw new UnresolvableValueError(`${where}.Status`, status);
    // A fixed expiration date expires objects whatever their lock, and every object written after it at once.
    if (get(rule, 'ExpirationDate') !== undefined) return NagRuleCompliance.NON_COMPLIANT;
    const expirations = [
      asNumber(get(rule, 'ExpirationInDays'), `${where}.ExpirationInDays`),
      asNumber(get(rule, 'NoncurrentVersionExpiration', 'NoncurrentDays'), `${where}.NoncurrentVersionExpiration.NoncurrentDays`),
      asNumber(get(rule, 'NoncurrentVersionExpirationInDays'), `${where}.NoncurrentVersionExpirationInDays`),
    ];
    if (expirations.some((days) => days !== undefined && days < locked)) return NagRuleCompliance.NON_COMPLIANT;
  }
  return NagRuleCompliance.COMPLIANT;
}

export const DATA01_LOCK_WITHIN_EXPIRY = defineRule({
  name: 'LockWithinExpiry',
  control: 'DATA-01',
  problem:
    'This bucket locks objects (Object Lock default retention) longer than its lifecycle rules keep them: an expiration (ExpirationInDays, ExpirationDate) or noncurrent-version expiration shorter than the lock contradicts the declared retention.',
  fix: 'derive the lifecycle expiration and the Object Lock retention from the same retention preset (SecureBucket objectLock.days and lifecycleRules expiration), with expiration >= lock.',
  explanation:
    'RGPD art. 5(1)(e) and the CNIL référentiel on health-record retention: one retention per kind of data, applied consistently to Object Lock and lifecycle rules; a contradiction leaves data kept or deleted on a date nobody decided.',
  create: () => lockWithinExpiry,
});
