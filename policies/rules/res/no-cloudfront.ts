import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';

/** CloudFront resources that serve content from edge locations. */
const EDGE_TYPES: ReadonlySet<string> = new Set([
  'AWS::CloudFront::Distribution',
  'AWS::CloudFront::DistributionTenant',
  'AWS::CloudFront::StreamingDistribution',
]);

/**
 * RES-02: no CloudFront distribution. Its edge locations (and the regional edge caches) are worldwide,
 * most of them outside the EEA, and cache what the distribution serves: a distribution in front of health
 * data copies it out of the allowed regions. Non-compliant whatever its configuration; acknowledge only a
 * distribution that serves no health data.
 */
function noCloudFront(node: CfnResource): NagRuleResult {
  return EDGE_TYPES.has(node.cfnResourceType) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.NOT_APPLICABLE;
}

export const RES02_NO_CLOUDFRONT = defineRule({
  name: 'NoCloudFront',
  control: 'RES-02',
  problem: 'This CloudFront distribution caches what it serves at edge locations outside the EEA.',
  fix: 'serve the application from the regional load balancer (HTTPS listener with WAF, NET-05) in the allowed region instead; acknowledge only a distribution that serves no health data (static assets), saying so in the reason.',
  explanation:
    'HDS v2 EXI 28 and 31, RGPD art. 44-46, ISO 27001 A.5.23: CloudFront edge caches are worldwide, so health data served through a distribution is copied outside the HDS-certified EEA regions.',
  create: () => Object.defineProperty((node: CfnResource) => noCloudFront(node), 'name', { value: 'NoCloudFront' }),
});
