import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { AppIndex, named } from './support';

/** The CDK custom resource that removes the rules of a VPC's default security group. */
const RESTRICT_DEFAULT_SG = 'Custom::VpcRestrictDefaultSG';

/**
 * NET-01: every VPC of the app has its default security group emptied: a `Custom::VpcRestrictDefaultSG`
 * (what `restrictDefaultSecurityGroup: true` creates) whose `DefaultSecurityGroupId` is the VPC's
 * `DefaultSecurityGroup` attribute. CloudFormation has no property for it: without that resource the
 * default group allows all traffic between its members and all egress, and anything launched without a
 * security group lands in it.
 */
function createDefaultSecurityGroupClosedRule() {
  const indexOf = AppIndex.cache();
  return named('DefaultSecurityGroupClosed', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::EC2::VPC') return NagRuleCompliance.NOT_APPLICABLE;
    const index = indexOf(node);
    const closed = index.ofType(RESTRICT_DEFAULT_SG).some((custom) => {
      const ref = index.refOf(index.props(custom).DefaultSecurityGroupId, custom);
      return ref?.target === node && ref.attribute === 'DefaultSecurityGroup';
    });
    return closed ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}

export const NET01_DEFAULT_SECURITY_GROUP_CLOSED = defineRule({
  name: 'DefaultSecurityGroupClosed',
  control: 'NET-01',
  problem: "This VPC's default security group keeps its rules (no Custom::VpcRestrictDefaultSG removes them).",
  fix: 'create the VPC with restrictDefaultSecurityGroup: true (ec2.Vpc; the PrivateNetwork construct does), or add that custom resource for a VPC of a foreign template.',
  explanation:
    "ISO 27001 A.8.20 and A.8.22, RGPD art. 32: a resource launched without a security group falls into the VPC's default group, which by default admits its members and allows all egress; emptying it keeps the data tier closed by default.",
  create: () => createDefaultSecurityGroupClosedRule(),
});
