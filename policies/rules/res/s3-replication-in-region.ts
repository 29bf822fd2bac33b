import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule, type HdsCheckOptions } from '../rule';
import { UnresolvableValueError, asList, literalText, properties, regionOf, stackRegion } from '../util';
import { cfnResourcesOf, field, literalOrUndefined, referencedRegion, referencesOf, regionVerdict } from './support';

const BUCKET = 'AWS::S3::Bucket';

/** `arn:<partition>:s3:::<bucket>`: the bucket name of an S3 bucket ARN. */
const BUCKET_ARN = /^arn:[^:]+:s3:::([^/:]+)$/;

/**
 * RES-02: every destination of a bucket's replication rules lives in an allowed region. An S3 bucket
 * ARN carries no region: the region is that of the stack of the destination bucket, which must be a
 * bucket of the app, found by reference (same stack, another stack, another region) or by its literal
 * name. A destination outside the app cannot be placed at synth: the rule throws (could not be
 * evaluated), it never assumes the destination is allowed. Rules whose Status is literally `Disabled`
 * replicate nothing and are skipped.
 *
 * Each call of the factory indexes the app's buckets by name once (one call per validation).
 */
function createS3ReplicationRule(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const indexes = new WeakMap<IConstruct, Map<string, CfnResource[]>>();
  const bucketsNamed = (node: IConstruct, name: string): CfnResource[] => {
    const root = node.node.root;
    let index = indexes.get(root);
    if (!index) {
      index = new Map();
      for (const bucket of cfnResourcesOf(root)) {
        if (bucket.cfnResourceType !== BUCKET) continue;
        const bucketName = literalOrUndefined(properties(bucket).BucketName, bucket);
        if (bucketName !== undefined) index.set(bucketName, [...(index.get(bucketName) ?? []), bucket]);
      }
      indexes.set(root, index);
    }
    return index.get(name) ?? [];
  };

  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== BUCKET) return NagRuleCompliance.NOT_APPLICABLE;
    const props = properties(node);
    const rulesWhat = `[RES-02] replication rules of ${node.node.path}`;
    const rules = asList(field(props, ['ReplicationConfiguration', 'Rules'], rulesWhat), rulesWhat);
    if (rules.length === 0) return NagRuleCompliance.COMPLIANT;
    const references = referencesOf(node);
    const checks = rules.map((replicationRule, i) => (): string | undefined => {
      const what = `[RES-02] region of the destination of replication rule ${i} of ${node.node.path}`;
      if (field(replicationRule, ['Status'], what) === 'Disabled') return undefined;
      const destination = field(replicationRule, ['Destination', 'Bucket'], what);
      const byReference = referencedRegion(references(['ReplicationConfiguration', 'Rules', i, 'Destination', 'Bucket']), [BUCKET], what);
      if (byReference !== undefined) return byReference;
      const arn = literalText(destination, node, what);
      // A regional ARN (an access point, a directory bucket) says its region itself.
      const region = regionOf(arn, node, what);
      if (region !== undefined) return region;
      const name = BUCKET_ARN.exec(arn)?.[1];
      const buckets = name === undefined ? [] : bucketsNamed(node, name);
      if (buckets.length !== 1) {
        throw new UnresolvableValueError(`${what} (not a bucket of this app, so its region is unknown)`, destination);
      }
      return stackRegion(buckets[0]);
    });
    return regionVerdict(checks, options);
  };
  return Object.defineProperty(rule, 'name', { value: 'S3ReplicationInRegion' });
}

export const RES02_S3_REPLICATION_IN_REGION = defineRule({
  name: 'S3ReplicationInRegion',
  control: 'RES-02',
  problem:
    'This bucket replicates objects to a bucket outside the allowed regions, or to a bucket whose region cannot be known at synth (not a bucket of this app).',
  fix: 'replicate only to a bucket of the app whose stack is in an allowed region (replicationRules: [{ destination: bucket }] with that bucket), or remove the replication rule.',
  explanation:
    'HDS v2 EXI 28 and 31, RGPD art. 44-46, ISO 27001 A.5.23: health data and its copies stay in the HDS-certified EEA regions the deployment allows; S3 replication is a transfer.',
  create: (options) => createS3ReplicationRule(options),
});
