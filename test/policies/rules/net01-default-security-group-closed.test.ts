import { CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectNonCompliant, isolatedVpc, otherStack, platformNetwork } from './net-fixtures';

const RULE = 'HDS-NET01-DefaultSecurityGroupClosed';

/** The custom resource CDK adds for restrictDefaultSecurityGroup, declared by hand (as a foreign template would). */
function restrictDefault(scope: Construct, defaultSecurityGroupId: string, id = 'RestrictDefault'): CfnResource {
  return new CfnResource(scope, id, {
    type: 'Custom::VpcRestrictDefaultSG',
    properties: { ServiceToken: 'arn:aws:lambda:eu-west-3:111111111111:function:restrict', DefaultSecurityGroupId: defaultSecurityGroupId },
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an ec2.Vpc with restrictDefaultSecurityGroup: false', () => {
    expectNonCompliant(RULE, (stack) => isolatedVpc(stack, 'Vpc', { restrictDefaultSecurityGroup: false }), ['TestStack/Vpc/Resource']);
  });

  it('F2: raw L1: a CfnVPC alone', () => {
    expectNonCompliant(RULE, (stack) => new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.9.0.0/16' }), ['TestStack/Vpc']);
  });

  it('F3: two VPCs, only one restricted: the other is reported', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        isolatedVpc(stack, 'Closed');
        isolatedVpc(stack, 'Open', { restrictDefaultSecurityGroup: false });
      },
      ['TestStack/Open/Resource'],
    );
  });

  it("F4: the custom resource names a literal security group id, not the VPC's default group", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.9.0.0/16' });
        restrictDefault(stack, 'sg-0123456789abcdef0');
      },
      ['TestStack/Vpc'],
    );
  });

  it('F5: the custom resource refers to another attribute of the VPC (not DefaultSecurityGroup)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.9.0.0/16' });
        restrictDefault(stack, vpc.attrVpcId);
      },
      ['TestStack/Vpc'],
    );
  });

  it('F6: a resource of another type pointed at the default group does not close it', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.9.0.0/16' });
        new CfnResource(stack, 'NotTheOne', { type: 'Custom::Something', properties: { DefaultSecurityGroupId: vpc.attrDefaultSecurityGroup } });
      },
      ['TestStack/Vpc'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: an ec2.Vpc with restrictDefaultSecurityGroup: true', () => {
    expectCompliant(RULE, (stack) => isolatedVpc(stack, 'Vpc', { restrictDefaultSecurityGroup: true }));
  });

  it("P2: the platform's PrivateNetwork", () => {
    expectCompliant(RULE, (stack) => platformNetwork(stack));
  });

  it('P3: raw L1: a CfnVPC and a Custom::VpcRestrictDefaultSG on its DefaultSecurityGroup', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.9.0.0/16' });
      restrictDefault(stack, vpc.attrDefaultSecurityGroup);
    });
  });

  it('P4: the custom resource in another stack than the VPC', () => {
    expectCompliant(RULE, (stack, app) => {
      const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.9.0.0/16' });
      restrictDefault(otherStack(app), vpc.attrDefaultSecurityGroup);
    });
  });
});
