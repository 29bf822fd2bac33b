import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Fn, Token, type Stack } from 'aws-cdk-lib';
import * as include from 'aws-cdk-lib/cloudformation-include';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, internetVpc, isolatedVpc, otherStack, parameterRef, platformNetwork, rawNetwork } from './net-fixtures';

const RULE = 'HDS-NET01-DataNotPublic';

function subnetGroup(scope: Construct, subnetIds: string[], id = 'SubnetGroup', name?: string): rds.CfnDBSubnetGroup {
  return new rds.CfnDBSubnetGroup(scope, id, { dbSubnetGroupDescription: 'data', subnetIds, dbSubnetGroupName: name });
}

function instance(scope: Construct, props: Partial<rds.CfnDBInstanceProps> = {}, id = 'Instance'): rds.CfnDBInstance {
  return new rds.CfnDBInstance(scope, id, {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    storageEncrypted: true,
    ...props,
  });
}

function auroraCluster(scope: Construct, vpc: ec2.IVpc, subnetType: ec2.SubnetType, publiclyAccessible?: boolean): rds.DatabaseCluster {
  return new rds.DatabaseCluster(scope, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible }),
    vpc,
    vpcSubnets: { subnetType },
  });
}

/** Writes a foreign template and includes it, as the report tool reads a template from elsewhere. */
function includeTemplate(stack: Stack, resources: Record<string, unknown>): include.CfnInclude {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'net01-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify({ Resources: resources }));
  return new include.CfnInclude(stack, 'Foreign', { templateFile: file });
}

const FOREIGN_NETWORK = {
  Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.8.0.0/16' } },
  Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.8.0.0/24' } },
  RouteTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
  Association: {
    Type: 'AWS::EC2::SubnetRouteTableAssociation',
    Properties: { SubnetId: { Ref: 'Subnet' }, RouteTableId: { Ref: 'RouteTable' } },
  },
  Group: {
    Type: 'AWS::RDS::DBSubnetGroup',
    Properties: { DBSubnetGroupDescription: 'data', SubnetIds: [{ Ref: 'Subnet' }] },
  },
};

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a standalone DB instance with PubliclyAccessible true, in isolated subnets', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        const group = subnetGroup(stack, vpc.isolatedSubnets.map((s) => s.subnetId));
        instance(stack, { publiclyAccessible: true, dbSubnetGroupName: group.ref });
      },
      ['TestStack/Instance'],
    );
  });

  it('F2: a standalone DB instance with no subnet group (RDS puts it in the default VPC, public)', () => {
    expectNonCompliant(RULE, (stack) => instance(stack), ['TestStack/Instance']);
  });

  it('F3: a DB cluster with no subnet group', () => {
    expectNonCompliant(RULE, (stack) => new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true }), [
      'TestStack/Cluster',
    ]);
  });

  it('F15: a DB cluster with a literal identifier (DBClusterIdentifier) and no subnet group', () => {
    expectNonCompliant(
      RULE,
      (stack) => new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true, dbClusterIdentifier: 'patients' }),
      ['TestStack/Cluster'],
    );
  });

  it('F4: a Multi-AZ DB cluster with PubliclyAccessible true', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        const group = subnetGroup(stack, vpc.isolatedSubnets.map((s) => s.subnetId));
        new rds.CfnDBCluster(stack, 'Cluster', { engine: 'postgres', publiclyAccessible: true, dbSubnetGroupName: group.ref });
      },
      ['TestStack/Cluster'],
    );
  });

  it('F5: an Aurora writer with publiclyAccessible true, cluster in isolated subnets (DatabaseCluster)', () => {
    expectNonCompliant(RULE, (stack) => auroraCluster(stack, isolatedVpc(stack), ec2.SubnetType.PRIVATE_ISOLATED, true), [
      'TestStack/Db/Writer/Resource',
    ]);
  });

  it('F6: an Aurora cluster in public subnets (internet gateway route, public IP auto-assign)', () => {
    expectNonCompliant(RULE, (stack) => auroraCluster(stack, internetVpc(stack), ec2.SubnetType.PUBLIC, false), [
      'TestStack/Db/Subnets/Default',
    ]);
  });

  it('F7: an Aurora cluster in private subnets with a NAT gateway route', () => {
    expectNonCompliant(RULE, (stack) => auroraCluster(stack, internetVpc(stack), ec2.SubnetType.PRIVATE_WITH_EGRESS), [
      'TestStack/Db/Subnets/Default',
    ]);
  });

  it('F8: a subnet group with one isolated and one public subnet', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = internetVpc(stack);
        subnetGroup(stack, [vpc.isolatedSubnets[0].subnetId, vpc.publicSubnets[0].subnetId]);
      },
      ['TestStack/SubnetGroup'],
    );
  });

  it('F9: raw L1: a subnet with MapPublicIpOnLaunch true and no route out', () => {
    expectNonCompliant(RULE, (stack) => subnetGroup(stack, [rawNetwork(stack, { mapPublicIp: true }).subnet.ref]), ['TestStack/SubnetGroup']);
  });

  it('F10: raw L1: a route of ::/0 through an egress-only internet gateway', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const net = rawNetwork(stack);
        const eigw = new ec2.CfnEgressOnlyInternetGateway(stack, 'Eigw', { vpcId: net.vpc.ref });
        new ec2.CfnRoute(stack, 'Route', { routeTableId: net.routeTable.ref, destinationIpv6CidrBlock: '::/0', egressOnlyInternetGatewayId: eigw.ref });
        subnetGroup(stack, [net.subnet.ref]);
      },
      ['TestStack/SubnetGroup'],
    );
  });

  it('F11: raw L1: a route to a narrow range through an internet gateway (any route to an internet gateway)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const net = rawNetwork(stack);
        const igw = new ec2.CfnInternetGateway(stack, 'Igw');
        new ec2.CfnRoute(stack, 'Route', { routeTableId: net.routeTable.ref, destinationCidrBlock: '203.0.113.0/24', gatewayId: igw.ref });
        subnetGroup(stack, [net.subnet.ref]);
      },
      ['TestStack/SubnetGroup'],
    );
  });

  it('F12: public subnets of a VPC in another stack (references across stacks)', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        const vpc = internetVpc(otherStack(app, 'NetworkStack'));
        subnetGroup(stack, vpc.publicSubnets.map((s) => s.subnetId));
      },
      ['TestStack/SubnetGroup'],
    );
  });

  it('F13: a foreign template (cloudformation-include) whose data subnet routes to an internet gateway', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          ...FOREIGN_NETWORK,
          Igw: { Type: 'AWS::EC2::InternetGateway' },
          Route: {
            Type: 'AWS::EC2::Route',
            Properties: { RouteTableId: { Ref: 'RouteTable' }, DestinationCidrBlock: '0.0.0.0/0', GatewayId: { Ref: 'Igw' } },
          },
        }),
      ['TestStack/Foreign/Group'],
    );
  });

  it('F14: a literal internet gateway id (igw-) in a route', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const net = rawNetwork(stack);
        new ec2.CfnRoute(stack, 'Route', { routeTableId: net.routeTable.ref, destinationCidrBlock: '0.0.0.0/0', gatewayId: 'igw-0123456789abcdef0' });
        subnetGroup(stack, [net.subnet.ref]);
      },
      ['TestStack/SubnetGroup'],
    );
  });
});

describe(`${RULE}: evaluation errors`, () => {
  it('E1: a subnet group naming a subnet that is not a resource of the app (literal id)', () => {
    expectEvaluationErrors(RULE, (stack) => subnetGroup(stack, ['subnet-0123456789abcdef0']), ['TestStack/SubnetGroup'], /SubnetIds entry \(not a AWS::EC2::Subnet of the app\).*subnet-0123456789abcdef0/);
  });

  it('E2: PubliclyAccessible given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        const group = subnetGroup(stack, vpc.isolatedSubnets.map((s) => s.subnetId));
        instance(stack, { dbSubnetGroupName: group.ref, publiclyAccessible: Token.asAny(parameterRef(stack)) as unknown as boolean });
      },
      ['TestStack/Instance'],
      /PubliclyAccessible cannot be evaluated.*Unknown/,
    );
  });

  it('E3: MapPublicIpOnLaunch given by an Fn::If', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const net = rawNetwork(stack);
        net.subnet.mapPublicIpOnLaunch = Token.asAny(Fn.conditionIf('Public', true, false)) as unknown as boolean;
        subnetGroup(stack, [net.subnet.ref]);
      },
      ['TestStack/SubnetGroup'],
      /MapPublicIpOnLaunch cannot be evaluated.*Fn::If/,
    );
  });

  it('E4: a DBSubnetGroupName that names no subnet group of the app', () => {
    expectEvaluationErrors(RULE, (stack) => instance(stack, { dbSubnetGroupName: 'existing-group' }), ['TestStack/Instance'], /DBSubnetGroupName \(not a DB subnet group of the app\).*existing-group/);
  });

  it('E7: a DBSubnetGroupName given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => instance(stack, { dbSubnetGroupName: parameterRef(stack) }),
      ['TestStack/Instance'],
      /DBSubnetGroupName \(not a DB subnet group of the app\).*Unknown/,
    );
  });

  it('E8: a DBSubnetGroupName that names no subnet group of the app, while the app has another one', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        subnetGroup(stack, isolatedVpc(stack).isolatedSubnets.map((s) => s.subnetId), 'SubnetGroup', 'data');
        instance(stack, { dbSubnetGroupName: 'other' });
      },
      ['TestStack/Instance'],
      /DBSubnetGroupName \(not a DB subnet group of the app\).*other/,
    );
  });

  it('E5: a read replica with no subnet group, of a source instance outside the app', () => {
    expectEvaluationErrors(
      RULE,
      (stack) =>
        new rds.CfnDBInstance(stack, 'Replica', {
          dbInstanceClass: 'db.t4g.micro',
          sourceDbInstanceIdentifier: 'arn:aws:rds:eu-west-1:111111111111:db:source',
        }),
      ['TestStack/Replica'],
      /SourceDBInstanceIdentifier \(not a AWS::RDS::DBInstance of the app\)/,
    );
  });

  it('E6: a route through a gateway id given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const net = rawNetwork(stack);
        new ec2.CfnRoute(stack, 'Route', { routeTableId: net.routeTable.ref, destinationCidrBlock: '0.0.0.0/0', gatewayId: parameterRef(stack) });
        subnetGroup(stack, [net.subnet.ref]);
      },
      ['TestStack/SubnetGroup'],
      /GatewayId cannot be evaluated.*Unknown/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it("P1: the platform's shape: an Aurora cluster in the PrivateNetwork data subnets, in another stack", () => {
    expectCompliant(RULE, (stack, app) => {
      const network = platformNetwork(otherStack(app, 'NetworkStack'));
      new rds.DatabaseCluster(stack, 'Db', {
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
        writer: rds.ClusterInstance.serverlessV2('Writer'),
        vpc: network.vpc,
        vpcSubnets: network.dataSubnets,
      });
    });
  });

  it('P2: a standalone instance (DatabaseInstance) in isolated subnets, PubliclyAccessible unset', () => {
    expectCompliant(RULE, (stack) => {
      new rds.DatabaseInstance(stack, 'Db', {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
        vpc: isolatedVpc(stack),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      });
    });
  });

  it('P3: raw L1: routes through a VPN gateway, a literal vgw- id and a peering connection are not internet routes', () => {
    expectCompliant(RULE, (stack) => {
      const net = rawNetwork(stack);
      const vgw = new ec2.CfnVPNGateway(stack, 'Vgw', { type: 'ipsec.1' });
      new ec2.CfnRoute(stack, 'ToVpn', { routeTableId: net.routeTable.ref, destinationCidrBlock: '0.0.0.0/0', gatewayId: vgw.ref });
      new ec2.CfnRoute(stack, 'ToVgw', { routeTableId: net.routeTable.ref, destinationCidrBlock: '192.168.0.0/16', gatewayId: 'vgw-0123456789abcdef0' });
      new ec2.CfnRoute(stack, 'ToPeer', { routeTableId: net.routeTable.ref, destinationCidrBlock: '172.16.0.0/16', vpcPeeringConnectionId: 'pcx-0123' });
      instance(stack, { dbSubnetGroupName: subnetGroup(stack, [net.subnet.ref]).ref, publiclyAccessible: false });
    });
  });

  it('P4: an internet gateway route on another route table does not expose the data subnet', () => {
    expectCompliant(RULE, (stack) => {
      const net = rawNetwork(stack);
      const other = rawNetwork(stack, { prefix: 'Public' });
      const igw = new ec2.CfnInternetGateway(stack, 'Igw');
      new ec2.CfnRoute(stack, 'Route', { routeTableId: other.routeTable.ref, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.ref });
      subnetGroup(stack, [net.subnet.ref]);
    });
  });

  it('P5: a DBSubnetGroupName given as the literal name of a subnet group of the app', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      subnetGroup(stack, vpc.isolatedSubnets.map((s) => s.subnetId), 'SubnetGroup', 'data-group');
      instance(stack, { dbSubnetGroupName: 'data-group' });
    });
  });

  it('P6: an Aurora instance with no subnet group of its own uses its cluster’s', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      const group = subnetGroup(stack, vpc.isolatedSubnets.map((s) => s.subnetId));
      const cluster = new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', dbSubnetGroupName: group.ref });
      instance(stack, { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref, allocatedStorage: undefined });
    });
  });

  it('P7: a read replica with no subnet group of its own shares that of its source instance', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      const source = instance(stack, { dbSubnetGroupName: subnetGroup(stack, vpc.isolatedSubnets.map((s) => s.subnetId)).ref });
      new rds.CfnDBInstance(stack, 'Replica', { dbInstanceClass: 'db.t4g.micro', sourceDbInstanceIdentifier: source.ref });
    });
  });

  it('P8: a foreign template (cloudformation-include) with an isolated data subnet', () => {
    expectCompliant(RULE, (stack) => includeTemplate(stack, FOREIGN_NETWORK));
  });
});
