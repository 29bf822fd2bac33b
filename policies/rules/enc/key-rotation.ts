import { NagRuleCompliance, rules } from 'cdk-nag';
import { defineRule } from '../rule';
import { properties, UnresolvableValueError } from '../util';
import { asBoolean } from './support';

/**
 * ENC-01: symmetric keys rotate. cdk-nag's KMSBackingKeyRotationEnabled (asymmetric and HMAC keys, which
 * KMS cannot rotate, are compliant there and not applicable here), guarded so that a `KeySpec` unknown at
 * synth is reported as not evaluated: cdk-nag would take it for an asymmetric key and pass it.
 */
export const ENC01_KEY_ROTATION = defineRule({
  name: 'KeyRotation',
  control: 'ENC-01',
  problem: 'This symmetric KMS key does not rotate its key material (EnableKeyRotation is not true).',
  fix: 'create the key with enableKeyRotation: true (PlatformKeys does), or EnableKeyRotation: true in the template.',
  explanation:
    'ISO 27001 A.8.24 (use of cryptography, key management) and RGPD art. 32: the keys that protect health data are rotated, which limits what one exposed key version can decrypt.',
  create: () =>
    Object.defineProperty(
      (node: Parameters<typeof rules.kms.KMSBackingKeyRotationEnabled>[0]) => {
        if (node.cfnResourceType !== 'AWS::KMS::Key') return NagRuleCompliance.NOT_APPLICABLE;
        const keySpec = properties(node).KeySpec;
        if (keySpec !== undefined && typeof keySpec !== 'string') throw new UnresolvableValueError('KeySpec', keySpec);
        if (keySpec !== undefined && keySpec !== 'SYMMETRIC_DEFAULT') return NagRuleCompliance.NOT_APPLICABLE;
        // A literal "true" (valid CloudFormation) would be non-compliant to cdk-nag, an intrinsic an unexplained error.
        const rotation = properties(node).EnableKeyRotation;
        if (typeof rotation !== 'boolean' && rotation !== undefined) {
          return asBoolean(rotation, 'EnableKeyRotation') ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
        }
        return rules.kms.KMSBackingKeyRotationEnabled(node);
      },
      'name',
      { value: 'KeyRotation' },
    ),
});
