import { Aws, Fn, Token, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NET04_TRANSFER_ENDPOINT_IN_VPC } from '../../../policies/rules/net/transfer-endpoint-in-vpc';
import { expectCompliant, findings } from '../support';
import { expectNotEvaluated, parameterRef } from './enc-fixtures';
import { expectNonCompliant, includeTemplate, verboseDescription } from './hds-fixtures';
import { ALLOCATION_ID, compliantExchange, SECURITY_GROUP_ID, sftpServer, SUBNET_ID, VPC_ID } from './transfer-fixtures';

const RULE = 'HDS-NET04-TransferEndpointInVpc';
const SERVER = 'TestStack/Server';

/** A list chosen by a condition: valid CloudFormation a rule cannot evaluate at synth. */
const conditional = (list: string[]): string[] => Token.asList(Fn.conditionIf('Internet', list, Aws.NO_VALUE));

describe(`${RULE}: failing fixtures`, () => {
  it('F1: no EndpointType (CloudFormation makes it PUBLIC)', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { endpointType: undefined, endpointDetails: undefined }), [SERVER]);
  });

  it('F2: EndpointType PUBLIC', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { endpointType: 'PUBLIC', endpointDetails: undefined }), [SERVER]);
  });

  it('F3: the deprecated VPC_ENDPOINT', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { endpointType: 'VPC_ENDPOINT', endpointDetails: { vpcEndpointId: 'vpce-0123456789abcdef0' } }), [SERVER]);
  });

  it('F4: internet-facing (Elastic IPs) without SecurityGroupIds: the VPC default security group', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: [ALLOCATION_ID] } }), [SERVER]);
  });

  it('F5: internet-facing with an empty SecurityGroupIds', () => {
    expectNonCompliant(
      RULE,
      (stack) => sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: [ALLOCATION_ID], securityGroupIds: [] } }),
      [SERVER],
    );
  });

  it('F6: internet-facing with SecurityGroupIds AWS::NoValue', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        sftpServer(stack, {
          endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: [ALLOCATION_ID], securityGroupIds: Token.asList(Aws.NO_VALUE) },
        }),
      [SERVER],
    );
  });

  it('F7: PUBLIC, and endpoint details chosen by a condition: non-compliant, not "could not be evaluated"', () => {
    expectNonCompliant(
      RULE,
      (stack) => sftpServer(stack, { endpointType: 'PUBLIC' }).addPropertyOverride('EndpointDetails', Fn.conditionIf('Vpc', { VpcId: VPC_ID }, Aws.NO_VALUE)),
      [SERVER],
    );
  });

  it('F8: internet-facing without security groups, and the endpoint type from a parameter: non-compliant', () => {
    expectNonCompliant(
      RULE,
      (stack) => sftpServer(stack, { endpointType: parameterRef(stack), endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: [ALLOCATION_ID] } }),
      [SERVER],
    );
  });

  it('F9: a foreign template without an endpoint type', () => {
    expectNonCompliant(
      RULE,
      (stack) => includeTemplate(stack, { Server: { Type: 'AWS::Transfer::Server', Properties: { Protocols: ['SFTP'] } } }),
      ['TestStack/Foreign/Server'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: an endpoint type from a template parameter', () => {
    expectNotEvaluated(NET04_TRANSFER_ENDPOINT_IN_VPC, (stack) => sftpServer(stack, { endpointType: parameterRef(stack) }), [SERVER]);
  });

  it('E2: endpoint details chosen by a condition', () => {
    expectNotEvaluated(
      NET04_TRANSFER_ENDPOINT_IN_VPC,
      (stack) => sftpServer(stack).addPropertyOverride('EndpointDetails', Fn.conditionIf('Internet', { VpcId: VPC_ID, AddressAllocationIds: [ALLOCATION_ID] }, { VpcId: VPC_ID })),
      [SERVER],
    );
  });

  it('E3: Elastic IPs chosen by a condition, no security group', () => {
    expectNotEvaluated(
      NET04_TRANSFER_ENDPOINT_IN_VPC,
      (stack) => sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: conditional([ALLOCATION_ID]) } }),
      [SERVER],
    );
  });

  it('E4: internet-facing, security groups chosen by a condition', () => {
    expectNotEvaluated(
      NET04_TRANSFER_ENDPOINT_IN_VPC,
      (stack) =>
        sftpServer(stack, {
          endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: [ALLOCATION_ID], securityGroupIds: conditional([SECURITY_GROUP_ID]) },
        }),
      [SERVER],
    );
  });

  it.each([
    ['the endpoint type (E1)', (stack: Stack) => sftpServer(stack, { endpointType: parameterRef(stack) }), /TestStack\/Server EndpointType/],
    [
      'the endpoint details (E2)',
      (stack: Stack) => sftpServer(stack).addPropertyOverride('EndpointDetails', Fn.conditionIf('Internet', { VpcId: VPC_ID }, Aws.NO_VALUE)),
      /TestStack\/Server EndpointDetails /,
    ],
    [
      'the Elastic IPs (E3)',
      (stack: Stack) => sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, addressAllocationIds: conditional([ALLOCATION_ID]) } }),
      /TestStack\/Server EndpointDetails\.AddressAllocationIds/,
    ],
    [
      'the security groups (E4)',
      (stack: Stack) => sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, addressAllocationIds: [ALLOCATION_ID], securityGroupIds: conditional([SECURITY_GROUP_ID]) } }),
      /TestStack\/Server EndpointDetails\.SecurityGroupIds/,
    ],
  ])('the verbose pack names the property it could not evaluate: %s', (_what, build, property) => {
    expect(verboseDescription(RULE, build)).toMatch(property);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: internet-facing VPC endpoint with its own security group', () => {
    expectCompliant(RULE, (stack) => sftpServer(stack));
  });

  it('P2: internal VPC endpoint (no Elastic IP), no security group named', () => {
    expectCompliant(RULE, (stack) => sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID] } }));
  });

  it('P3: internal, with empty or absent Elastic IPs (AWS::NoValue, [])', () => {
    expectCompliant(RULE, (stack) => {
      sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: Token.asList(Aws.NO_VALUE) } });
      sftpServer(stack, { endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], addressAllocationIds: [] } }, 'Other');
    });
  });

  it('P4: security groups from a template parameter (set, whatever their ids)', () => {
    expectCompliant(RULE, (stack) =>
      sftpServer(stack, {
        endpointDetails: { vpcId: VPC_ID, addressAllocationIds: [ALLOCATION_ID], securityGroupIds: Token.asList(Fn.split(',', parameterRef(stack))) },
      }),
    );
  });

  it('P5: a foreign template with an internet-facing VPC endpoint and a security group', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Server: {
          Type: 'AWS::Transfer::Server',
          Properties: { EndpointType: 'VPC', EndpointDetails: { VpcId: VPC_ID, AddressAllocationIds: [ALLOCATION_ID], SecurityGroupIds: [SECURITY_GROUP_ID] } },
        },
      }),
    );
  });

  it.each(['L1', 'L2'] as const)('P6: a whole compliant exchange (server, user, %s bucket)', (kind) => {
    expectCompliant(RULE, compliantExchange(kind));
  });
});

describe(`${RULE} leaves what the security groups open to HDS-NET04-NoOpenIngress`, () => {
  it('N1: port 22 open to 0.0.0.0/0 on the server security group: NoOpenIngress flags the group, this rule the server not', () => {
    const found = findings((stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
      const group = new ec2.SecurityGroup(stack, 'SftpGroup', { vpc, allowAllOutbound: false });
      group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
      sftpServer(stack, {
        endpointDetails: {
          vpcId: vpc.vpcId,
          subnetIds: vpc.publicSubnets.map((s) => s.subnetId),
          addressAllocationIds: [ALLOCATION_ID],
          securityGroupIds: [group.securityGroupId],
        },
      });
    }).filter((f) => f.rule.startsWith('HDS-NET04-'));
    expect(found.map(({ rule, path }) => ({ rule, path }))).toStrictEqual([{ rule: 'HDS-NET04-NoOpenIngress', path: 'TestStack/SftpGroup/Resource' }]);
  });
});
