import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { testStack } from '../support/app';

const ACCOUNT = '111111111111';
const CIDR = '10.40.0.0/16';
const TWO_AZS = ['eu-west-3a', 'eu-west-3b'];
const THREE_AZS = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];

interface Built {
  stack: Stack;
  network: PrivateNetwork;
  key: kms.Key;
}

function build(availabilityZones = TWO_AZS): Built {
  const stack = testStack();
  const key = new kms.Key(stack, 'LogsKey');
  const network = new PrivateNetwork(stack, 'Network', {
    cidr: CIDR,
    availabilityZones,
    logsKey: key,
    flowLogRetention: logs.RetentionDays.ONE_YEAR,
  });
  return { stack, network, key };
}

/** The one statement every endpoint policy must hold: any principal, but only of this account. */
const ACCOUNT_ONLY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OnlyPrincipalsOfThisAccount',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
    },
  ],
};

type Subnets = Record<string, { Properties: { AvailabilityZone: string } }>;

function subnetsOfGroup(template: Template, group: string): Subnets {
  return template.findResources('AWS::EC2::Subnet', {
    Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-name', Value: group }]) },
  }) as Subnets;
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function refs(logicalIds: string[]): { Ref: string }[] {
  return logicalIds.map((id) => ({ Ref: id }));
}

describe('PrivateNetwork', () => {
  const built = build();
  const template = Template.fromStack(built.stack);

  describe('NET-01: no way to or from the internet', () => {
    test('no internet, egress-only or NAT gateway', () => {
      template.resourceCountIs('AWS::EC2::InternetGateway', 0);
      template.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 0);
      template.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 0);
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::EIP', 0);
    });

    test('no route table has a default route (the isolated subnets have no routes at all)', () => {
      const routesTo = (destination: Record<string, string>) =>
        template.findResources('AWS::EC2::Route', { Properties: destination });
      expect(routesTo({ DestinationCidrBlock: '0.0.0.0/0' })).toEqual({});
      expect(routesTo({ DestinationIpv6CidrBlock: '::/0' })).toEqual({});
      template.resourceCountIs('AWS::EC2::Route', 0);
      template.resourceCountIs('AWS::EC2::RouteTable', 4);
    });

    test('no subnet assigns public IPs', () => {
      template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    });

    test('the VPC uses the literal CIDR and records NET-01', () => {
      template.hasResource('AWS::EC2::VPC', {
        Properties: Match.objectLike({ CidrBlock: CIDR, EnableDnsHostnames: true, EnableDnsSupport: true }),
        Metadata: { [CONTROLS_METADATA_KEY]: Match.arrayWith(['NET-01']) },
      });
      expect(built.network.cidrBlock).toBe(CIDR);
    });

    test('the default security group is stripped of its rules', () => {
      const vpcId = logicalId(built.stack, built.network.vpc);
      template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
        DefaultSecurityGroupId: { 'Fn::GetAtt': [vpcId, 'DefaultSecurityGroup'] },
      });
    });
  });

  describe('subnet layout', () => {
    test.each([
      ['two', TWO_AZS],
      ['three', THREE_AZS],
    ])('with %s AZs: a compute and a data subnet in each', (_label, azs) => {
      const t = Template.fromStack(build(azs).stack);
      t.resourceCountIs('AWS::EC2::Subnet', 2 * azs.length);
      for (const group of ['compute', 'data']) {
        const subnets = Object.values(subnetsOfGroup(t, group));
        expect(subnets.map((s) => s.Properties.AvailabilityZone).sort()).toEqual(azs);
      }
      t.allResourcesProperties('AWS::EC2::Subnet', {
        Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Isolated' }]),
      });
    });
  });

  describe('NET-02: AWS APIs reached privately, by this account only', () => {
    test.each(['s3', 'dynamodb'])('a %s gateway endpoint on every route table', (service) => {
      const routeTables = Object.keys(template.findResources('AWS::EC2::RouteTable')).sort();
      const endpoints = template.findResources('AWS::EC2::VPCEndpoint', {
        Properties: {
          VpcEndpointType: 'Gateway',
          ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        },
      });
      expect(Object.keys(endpoints)).toHaveLength(1);
      const [endpoint] = Object.values(endpoints) as { Properties: { RouteTableIds: { Ref: string }[] } }[];
      expect(endpoint.Properties.RouteTableIds).toEqual(expect.arrayContaining(refs(routeTables)));
      expect(endpoint.Properties.RouteTableIds).toHaveLength(routeTables.length);
    });

    test.each(['kms', 'logs', 'secretsmanager', 'sts'])('a %s interface endpoint in the compute subnets', (service) => {
      const compute = Object.keys(subnetsOfGroup(template, 'compute')).sort();
      const sgId = logicalId(built.stack, built.network.endpointSecurityGroup);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: `com.amazonaws.eu-west-3.${service}`,
        PrivateDnsEnabled: true,
        SecurityGroupIds: [{ 'Fn::GetAtt': [sgId, 'GroupId'] }],
        SubnetIds: Match.arrayEquals(refs(compute)),
      });
    });

    test('exactly two gateway and four interface endpoints, every one with the account-only policy', () => {
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 6);
      const endpoints = (props: Record<string, unknown>) =>
        Object.keys(template.findResources('AWS::EC2::VPCEndpoint', props));
      expect(endpoints({ Properties: { VpcEndpointType: 'Interface' } })).toHaveLength(4);
      template.allResourcesProperties('AWS::EC2::VPCEndpoint', { PolicyDocument: ACCOUNT_ONLY_POLICY });
      expect(endpoints({ Metadata: { [CONTROLS_METADATA_KEY]: ['NET-02'] } })).toHaveLength(6);
    });

    test('addInterfaceEndpoint adds one more endpoint with the same policy and placement', () => {
      const { stack, network } = build();
      const added = network.addInterfaceEndpoint('Backup', ec2.InterfaceVpcEndpointAwsService.BACKUP);
      const extended = Template.fromStack(stack);
      extended.resourceCountIs('AWS::EC2::VPCEndpoint', 7);
      const id = logicalId(stack, added);
      const endpoint = extended.toJSON().Resources[id];
      expect(endpoint.Properties).toMatchObject({
        ServiceName: 'com.amazonaws.eu-west-3.backup',
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        PolicyDocument: ACCOUNT_ONLY_POLICY,
      });
      const compute = Object.keys(subnetsOfGroup(extended, 'compute')).sort();
      expect(endpoint.Properties.SubnetIds).toEqual(refs(compute));
      expect(endpoint.Metadata[CONTROLS_METADATA_KEY]).toEqual(['NET-02']);
      // It shares the endpoint security group: no new group, no new rule.
      extended.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    });
  });

  describe('NET-04: the endpoint security group', () => {
    test('admits only HTTPS from the literal VPC CIDR and has no open egress', () => {
      template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
      template.hasResource('AWS::EC2::SecurityGroup', {
        Properties: Match.objectLike({
          SecurityGroupIngress: [
            { CidrIp: CIDR, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() },
          ],
          // CDK's placeholder for "no egress": a rule that matches nothing.
          SecurityGroupEgress: [
            Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
          ],
        }),
        Metadata: { [CONTROLS_METADATA_KEY]: ['NET-04'] },
      });
    });
  });

  describe('NET-03: flow logs', () => {
    test('all traffic of the VPC goes to the flow-log group', () => {
      const vpcId = logicalId(built.stack, built.network.vpc);
      const groupId = logicalId(built.stack, built.network.flowLogGroup);
      template.resourceCountIs('AWS::EC2::FlowLog', 1);
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        ResourceId: { Ref: vpcId },
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
        LogGroupName: { Ref: groupId },
      });
    });

    test('the flow-log group is encrypted with the logs key, retained a year, and kept on deletion', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { KmsKeyId: { 'Fn::GetAtt': [logicalId(built.stack, built.key), 'Arn'] }, RetentionInDays: 365 },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Metadata: { [CONTROLS_METADATA_KEY]: ['LOG-04', 'NET-03'] },
      });
    });
  });
});
