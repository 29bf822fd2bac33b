import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { perApp } from '../bak/support';
import { appResourcesIndex, asObject, isSet, judge, literalBoolean, literalString, markedProperties, referenceMarker, textOf, type AppResources } from '../log/support';
import { defineRule } from '../rule';
import { asList, UnresolvableValueError } from '../util';

/** The exchange paths of the app's Transfer Family users, read once per app. */
interface Exchanges {
  /** User construct path -> the paths its home directory and mappings lead to (`/bucket/prefix`), or why they cannot be read. */
  readonly homes: ReadonlyMap<string, readonly string[] | UnresolvableValueError>;
  /** Every path that could be read, references to resources as markers (`referenceMarker`). */
  readonly paths: readonly string[];
}

/**
 * The paths a user's files live under: its HomeDirectory and the Target of each HomeDirectoryMappings entry,
 * whatever HomeDirectoryType says (a path that names a bucket makes it an exchange bucket: stricter, never
 * looser). Throws when one cannot be evaluated (a parameter, a condition).
 */
function homePaths(user: CfnResource): string[] {
  const props = markedProperties(user);
  const path = user.node.path;
  const paths: string[] = [];
  if (props.HomeDirectory !== undefined) paths.push(textOf(props.HomeDirectory, user, `${path} HomeDirectory`));
  for (const [i, mapping] of asList(props.HomeDirectoryMappings, `${path} HomeDirectoryMappings`).entries()) {
    const where = `${path} HomeDirectoryMappings[${i}]`;
    paths.push(textOf(asObject(mapping, where).Target, user, `${where}.Target`));
  }
  return paths;
}

/** The literal name of a bucket (pseudo parameters replaced), `undefined` when it has none or it cannot be evaluated. */
function literalName(bucket: CfnResource): string | undefined {
  const name = markedProperties(bucket).BucketName;
  if (name === undefined) return undefined;
  try {
    return textOf(name, bucket, `${bucket.node.path} BucketName`);
  } catch (error) {
    if (error instanceof UnresolvableValueError) return undefined;
    throw error;
  }
}

/** A path leads into the bucket: its first segment is a reference to the bucket's name, or its literal name. */
function leadsInto(bucket: CfnResource, paths: readonly string[]): boolean {
  const names = [referenceMarker(bucket, 'Ref'), literalName(bucket)].filter((n): n is string => n !== undefined);
  return paths.some((p) => names.some((name) => p === `/${name}` || p.startsWith(`/${name}/`)));
}

/**
 * Whether an enabled lifecycle rule that applies to every object of the bucket (no Prefix, TagFilters or object
 * size filter: files outside the filter would be kept forever) satisfies `holds`. A rule that cannot be evaluated
 * counts for nothing, but when no rule holds and one could not be evaluated, throws (never a guess).
 */
function someRuleOverEveryObject(props: Record<string, unknown>, path: string, holds: (rule: Record<string, unknown>, where: string) => boolean): boolean {
  const rules = asList(asObject(props.LifecycleConfiguration, `${path} LifecycleConfiguration`).Rules, `${path} LifecycleConfiguration.Rules`);
  let unevaluable: UnresolvableValueError | undefined;
  for (const [i, value] of rules.entries()) {
    const where = `${path} LifecycleConfiguration.Rules[${i}]`;
    try {
      const rule = asObject(value, where);
      const everyObject =
        !literalString(rule.Prefix, `${where}.Prefix`) &&
        asList(rule.TagFilters, `${where}.TagFilters`).length === 0 &&
        rule.ObjectSizeGreaterThan === undefined &&
        rule.ObjectSizeLessThan === undefined;
      if (literalString(rule.Status, `${where}.Status`) === 'Enabled' && everyObject && holds(rule, where)) return true;
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unevaluable ??= error;
    }
  }
  if (unevaluable) throw unevaluable;
  return false;
}

/** The bucket's files expire (and its earlier versions, when versioned), and no Object Lock can keep them. */
function expires(bucket: CfnResource): NagRuleResult {
  const props = markedProperties(bucket);
  const path = bucket.node.path;
  return judge([
    () => literalBoolean(props.ObjectLockEnabled, `${path} ObjectLockEnabled`) !== true,
    () => someRuleOverEveryObject(props, path, (rule, where) => isSet(rule.ExpirationInDays, `${where}.ExpirationInDays`)),
    () => {
      const versioning = literalString(asObject(props.VersioningConfiguration, `${path} VersioningConfiguration`).Status, `${path} VersioningConfiguration.Status`);
      // Enabled or Suspended: a suspended bucket still holds the versions written while it was enabled.
      if (versioning === undefined) return true;
      return someRuleOverEveryObject(props, path, (rule, where) => {
        const noncurrent = asObject(rule.NoncurrentVersionExpiration, `${where}.NoncurrentVersionExpiration`);
        // NewerNoncurrentVersions keeps that many earlier versions of each file for ever.
        if (noncurrent.NewerNoncurrentVersions !== undefined) return false;
        return isSet(noncurrent.NoncurrentDays, `${where}.NoncurrentVersionExpiration.NoncurrentDays`) || isSet(rule.NoncurrentVersionExpirationInDays, `${where}.NoncurrentVersionExpirationInDays`);
      });
    },
  ]);
}

/** The paths of every Transfer Family user of the app, or why they cannot be read. */
function readExchanges(app: AppResources): Exchanges {
  const homes = new Map<string, readonly string[] | UnresolvableValueError>();
  for (const user of app.ofType('AWS::Transfer::User')) {
    try {
      homes.set(user.node.path, homePaths(user));
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      homes.set(user.node.path, error);
    }
  }
  return { homes, paths: [...homes.values()].flatMap((home) => (home instanceof UnresolvableValueError ? [] : home)) };
}

/**
 * DATA-01, exchange buckets: every S3 bucket of the app that an `AWS::Transfer::User` leads into (its HomeDirectory
 * or a HomeDirectoryMappings Target `/bucket/...`, the bucket by reference or by literal name) deletes the files
 * exchanged when their time is up. A user whose paths cannot be evaluated is reported itself as "could not be
 * evaluated" (which bucket it leads into is unknown). Users defined outside the template (a custom identity
 * provider) and buckets outside the app are not seen, and a bucket whose name cannot be evaluated (a parameter) is
 * recognised by reference only.
 */
function createExchangeBucketExpires(): (node: CfnResource) => NagRuleResult {
  const app = appResourcesIndex();
  const exchangesOf = perApp((root) => readExchanges(app(root)));
  return (node) => {
    if (node.cfnResourceType === 'AWS::Transfer::User') {
      const home = exchangesOf(node).homes.get(node.node.path);
      if (home instanceof UnresolvableValueError) throw home;
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    if (node.cfnResourceType !== 'AWS::S3::Bucket' || !leadsInto(node, exchangesOf(node).paths)) return NagRuleCompliance.NOT_APPLICABLE;
    return expires(node);
  };
}

export const DATA01_EXCHANGE_BUCKET_EXPIRES = defineRule({
  name: 'ExchangeBucketExpires',
  control: 'DATA-01',
  problem:
    'This bucket receives the files exchanged over SFTP (a Transfer Family user leads into it) but does not delete them when their time is up: no enabled lifecycle rule over every object expires current objects (ExpirationInDays) and, when versioned, earlier versions (NoncurrentDays, without NewerNoncurrentVersions), or Object Lock can keep them.',
  fix: 'give the exchange bucket a lifecycle rule without prefix, tag or size filter, with expiration (the exchange retention) and noncurrentVersionExpiration, and no Object Lock.',
  explanation:
    'RGPD art. 5(1)(e) (storage limitation) and the CNIL référentiels: files exchanged with partners are transit copies of health data, kept only for the exchange and deleted when their time is up, not kept for ever by default.',
  create: () => createExchangeBucketExpires(),
});
