import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule, type HdsCheckOptions } from '../rule';
import { UnresolvableValueError, isTrue, properties, stackRegion } from '../util';
import { destinationRegion, isAllowedRegion, referencesOf, regionVerdict } from './support';

/**
 * RES-02: no multi-Region KMS key. A multi-Region primary key (`MultiRegion: true`) can be replicated to
 * any region by whoever holds `kms:ReplicateKey`, and ciphertext copied anywhere its replicas live can be
 * decrypted there: non-compliant whatever its own region. A replica key (`AWS::KMS::ReplicaKey`) is
 * non-compliant when its stack, or its primary key (`PrimaryKeyArn`: literal ARN, or the key of the app it
 * refers to), is outside the allowed regions.
 */
function createKmsMultiRegionRule(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const rule = (node: CfnResource): NagRuleResult => {
    const path = node.node.path;
    if (node.cfnResourceType === 'AWS::KMS::Key') {
      const multiRegion = properties(node).MultiRegion;
      if (multiRegion === undefined || multiRegion === false || multiRegion === 'false') return NagRuleCompliance.COMPLIANT;
      if (isTrue(multiRegion)) return NagRuleCompliance.NON_COMPLIANT;
      throw new UnresolvableValueError(`[RES-02] MultiRegion of key ${path}`, multiRegion);
    }
    if (node.cfnResourceType !== 'AWS::KMS::ReplicaKey') return NagRuleCompliance.NOT_APPLICABLE;
    const own = stackRegion(node);
    if (!isAllowedRegion(own, options)) return NagRuleCompliance.NON_COMPLIANT;
    const references = referencesOf(node);
    const what = `[RES-02] region of the primary key of replica key ${path}`;
    return regionVerdict(
      [
        () => {
          const value = properties(node).PrimaryKeyArn;
          const region = destinationRegion(node, value, references(['PrimaryKeyArn']), ['AWS::KMS::Key'], what);
          if (region === undefined) throw new UnresolvableValueError(what, value);
          return region;
        },
      ],
      options,
    );
  };
  return Object.defineProperty(rule, 'name', { value: 'KmsMultiRegion' });
}

export const RES02_KMS_MULTI_REGION = defineRule({
  name: 'KmsMultiRegion',
  control: 'RES-02',
  problem:
    'This KMS key is multi-Region (it can be replicated to any region), or it is a replica key in (or of a primary key in) a region outside the allowed regions or one that cannot be known at synth.',
  fix: 'use single-Region keys (kms.Key without multiRegion: true; one key per region, as PlatformKeys does); acknowledge a multi-Region key only with the control that confines its replicas (the RES-03 region-deny boundary or SCP on kms:ReplicateKey).',
  explanation:
    'HDS v2 EXI 28 and 31, RGPD art. 44-46, ISO 27001 A.5.23: the key material protecting health data stays in the HDS-certified EEA regions the deployment allows; a multi-Region key extends its reach to any region it is replicated to.',
  create: (options) => createKmsMultiRegionRule(options),
});
