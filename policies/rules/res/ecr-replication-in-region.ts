import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule, type HdsCheckOptions } from '../rule';
import { asList, properties, regionOf } from '../util';
import { field, regionVerdict } from './support';

/**
 * RES-02: every destination of the registry's ECR replication rules (`AWS::ECR::ReplicationConfiguration`,
 * `Rules[].Destinations[].Region`) is an allowed region. A region that is not literal (pseudo parameters
 * aside) is not evaluated.
 */
function createEcrReplicationRule(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::ECR::ReplicationConfiguration') return NagRuleCompliance.NOT_APPLICABLE;
    const path = node.node.path;
    const props = properties(node);
    const rulesWhat = `[RES-02] rules of ECR replication configuration ${path}`;
    const checks = asList(field(props, ['ReplicationConfiguration', 'Rules'], rulesWhat), rulesWhat).flatMap((replicationRule, i) => {
      const destinationsWhat = `[RES-02] destinations of rule ${i} of ECR replication configuration ${path}`;
      return asList(field(replicationRule, ['Destinations'], destinationsWhat), destinationsWhat).map((destination, j) => () => {
        const what = `[RES-02] region of destination ${j} of rule ${i} of ECR replication configuration ${path}`;
        return regionOf(field(destination, ['Region'], what), node, what);
      });
    });
    return regionVerdict(checks, options);
  };
  return Object.defineProperty(rule, 'name', { value: 'EcrReplicationInRegion' });
}

export const RES02_ECR_REPLICATION_IN_REGION = defineRule({
  name: 'EcrReplicationInRegion',
  control: 'RES-02',
  problem: 'The ECR registry replicates images to a region outside the allowed regions, or to a region that cannot be known at synth.',
  fix: 'replicate images only to allowed regions (literal region names in the destinations of AWS::ECR::ReplicationConfiguration), or remove the rule.',
  explanation:
    'HDS v2 EXI 28 and 31, RGPD art. 44-46, ISO 27001 A.5.23: the platform\'s images (and anything baked into them) stay in the HDS-certified EEA regions the deployment allows.',
  create: (options) => createEcrReplicationRule(options),
});
