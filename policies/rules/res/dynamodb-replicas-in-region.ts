import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule, type HdsCheckOptions } from '../rule';
import { asList, properties, regionOf } from '../util';
import { field, regionVerdict } from './support';

/**
 * RES-02: every replica of a DynamoDB global table is in an allowed region: `Replicas[].Region` and
 * `GlobalTableWitnesses[].Region` of `AWS::DynamoDB::GlobalTable` (TableV2, or a template), and `Region` of
 * the `Custom::DynamoDBReplica` resources that `Table` creates for `replicationRegions`. A region that is
 * not literal (pseudo parameters aside) is not evaluated.
 */
function createDynamoDbReplicasRule(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const rule = (node: CfnResource): NagRuleResult => {
    const path = node.node.path;
    if (node.cfnResourceType === 'Custom::DynamoDBReplica') {
      const what = `[RES-02] region of DynamoDB replica ${path}`;
      return regionVerdict([() => regionOf(properties(node).Region, node, what)], options);
    }
    if (node.cfnResourceType !== 'AWS::DynamoDB::GlobalTable') return NagRuleCompliance.NOT_APPLICABLE;
    const props = properties(node);
    const checks = (['Replicas', 'GlobalTableWitnesses'] as const).flatMap((key) => {
      const listWhat = `[RES-02] ${key} of global table ${path}`;
      return asList(field(props, [key], listWhat), listWhat).map((entry, i) => () => {
        const what = `[RES-02] region of ${key}[${i}] of global table ${path}`;
        return regionOf(field(entry, ['Region'], what), node, what);
      });
    });
    return regionVerdict(checks, options);
  };
  return Object.defineProperty(rule, 'name', { value: 'DynamoDbReplicasInRegion' });
}

export const RES02_DYNAMODB_REPLICAS_IN_REGION = defineRule({
  name: 'DynamoDbReplicasInRegion',
  control: 'RES-02',
  problem: 'This DynamoDB global table has a replica (or a witness) outside the allowed regions, or in a region that cannot be known at synth.',
  fix: 'keep replicas only in allowed regions (TableV2 replicas / Table replicationRegions with literal allowed regions), or use a single-region table.',
  explanation:
    'HDS v2 EXI 28 and 31, RGPD art. 44-46, ISO 27001 A.5.23: a global table replica is a full copy of the table, and stays in the HDS-certified EEA regions the deployment allows.',
  create: (options) => createDynamoDbReplicasRule(options),
});
