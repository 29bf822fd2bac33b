import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { asObject, isSet, judge, literalString } from '../log/support';
import { defineRule } from '../rule';
import { properties } from '../util';

/**
 * Whether a list property holds something: absent, `AWS::NoValue` and `[]` do not; a list chosen by a condition
 * throws; any other value (a literal list, a parameter) does.
 */
function isNonEmpty(value: unknown, what: string): boolean {
  return isSet(value, what) && !(Array.isArray(value) && value.length === 0);
}

/**
 * NET-04, AWS Transfer Family: a server's endpoint is in the VPC (EndpointType VPC), where security groups filter
 * who reaches it. PUBLIC (CloudFormation's default) cannot be filtered by security groups; VPC_ENDPOINT is
 * deprecated. An internet-facing VPC endpoint (Elastic IPs in AddressAllocationIds) names its security groups:
 * without SecurityGroupIds, the VPC's default security group is used, a group nobody reviewed for this entry
 * point. What the groups open is judged by HDS-NET04-NoOpenIngress.
 */
function transferEndpointInVpc(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::Transfer::Server') return NagRuleCompliance.NOT_APPLICABLE;
  const props = properties(node);
  const path = node.node.path;
  return judge([
    () => (literalString(props.EndpointType, `${path} EndpointType`) ?? 'PUBLIC') === 'VPC',
    () => {
      const details = asObject(props.EndpointDetails, `${path} EndpointDetails`);
      if (!isNonEmpty(details.AddressAllocationIds, `${path} EndpointDetails.AddressAllocationIds`)) return true;
      return isNonEmpty(details.SecurityGroupIds, `${path} EndpointDetails.SecurityGroupIds`);
    },
  ]);
}

export const NET04_TRANSFER_ENDPOINT_IN_VPC = defineRule({
  name: 'TransferEndpointInVpc',
  control: 'NET-04',
  problem:
    'This Transfer Family server has a PUBLIC endpoint (the default) or a deprecated VPC_ENDPOINT one, which no security group filters, or an internet-facing VPC endpoint (Elastic IPs) without security groups of its own (the VPC default security group applies).',
  fix: 'set EndpointType VPC with EndpointDetails (VpcId, SubnetIds) and, when it is reachable from the internet (AddressAllocationIds), SecurityGroupIds naming a group that opens port 22 to the partner networks only.',
  explanation:
    'ISO 27001 A.8.20-A.8.22 and HDS v2 EXI 05: an entry point to health data is reachable only from the networks that need it, through security groups the editor controls and reviews.',
  create: () => transferEndpointInVpc,
});
