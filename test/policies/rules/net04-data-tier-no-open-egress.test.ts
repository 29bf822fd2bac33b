import { Aws, Fn, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, isolatedVpc, otherStack, parameterRef, rawNetwork } from './net-fixtures';

const RULE = 'HDS-NET04-DataTierNoOpenEgress';

function auroraCluster(scope: Construct, vpc: ec2.IVpc, securityGroups: ec2.ISecurityGroup[]): rds.DatabaseCluster {
  return new rds.DatabaseCluster(scope, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    vpc,
    vpcSubnets: { subnetGroupName: 'data' },
    securityGroups,
  });
}

function group(scope: Construct, vpc: ec2.IVpc, props: Partial<ec2.SecurityGroupProps> = {}, id = 'DbGroup'): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, id, { vpc, allowAllOutbound: false, ...props });
}

/** Raw L1: a standalone instance in a raw subnet, with these security groups. */
function rawInstance(scope: Construct, vpcSecurityGroups?: string[]): rds.CfnDBInstance {
  const { subnet } = rawNetwork(scope);
  const subnets = new rds.CfnDBSubnetGroup(scope, 'Subnets', { dbSubnetGroupDescription: 'data', subnetIds: [subnet.ref] });
  return new rds.CfnDBInstance(scope, 'Instance', {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    storageEncrypted: true,
    dbSubnetGroupName: subnets.ref,
    vpcSecurityGroups,
  });
}

function rawGroup(scope: Construct, egress?: ec2.CfnSecurityGroup.EgressProperty[], id = 'Group'): ec2.CfnSecurityGroup {
  return new ec2.CfnSecurityGroup(scope, id, { groupDescription: 'data', securityGroupEgress: egress });
}

const TO_VPC = { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.9.0.0/16' };

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an Aurora cluster whose security group allows all outbound (CDK default)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        auroraCluster(stack, vpc, [group(stack, vpc, { allowAllOutbound: true })]);
      },
      ['TestStack/Db/Resource'],
    );
  });

  it('F2: an Aurora cluster with no security group given: CDK creates one that allows all outbound', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        new rds.DatabaseCluster(stack, 'Db', {
          engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
          writer: rds.ClusterInstance.serverlessV2('Writer'),
          vpc,
          vpcSubnets: { subnetGroupName: 'data' },
        });
      },
      ['TestStack/Db/Resource'],
    );
  });

  it('F3: raw L1: a security group with no egress rule keeps the EC2 default (all traffic out)', () => {
    expectNonCompliant(RULE, (stack) => rawInstance(stack, [rawGroup(stack).attrGroupId]), ['TestStack/Instance']);
  });

  it('F4: a closed group plus a separate egress resource to 0.0.0.0/0', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        const db = group(stack, vpc);
        new ec2.CfnSecurityGroupEgress(stack, 'Egress', { groupId: db.securityGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' });
        auroraCluster(stack, vpc, [db]);
      },
      ['TestStack/Db/Resource'],
    );
  });

  it('F5: a group that allows all IPv6 outbound (::/0)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        const db = group(stack, vpc);
        db.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443));
        auroraCluster(stack, vpc, [db]);
      },
      ['TestStack/Db/Resource'],
    );
  });

  it('F6: two groups, one closed and one open', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        auroraCluster(stack, vpc, [group(stack, vpc), group(stack, vpc, { allowAllOutbound: true }, 'Open')]);
      },
      ['TestStack/Db/Resource'],
    );
  });

  it('F7: raw L1: a standalone instance with no security group (the VPC default group)', () => {
    expectNonCompliant(RULE, (stack) => rawInstance(stack), ['TestStack/Instance']);
  });

  it('F8: raw L1: a DB cluster whose group has an inline rule to 0.0.0.0/0 on one port', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const g = rawGroup(stack, [TO_VPC, { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' }]);
        new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', vpcSecurityGroupIds: [g.attrGroupId] });
      },
      ['TestStack/Cluster'],
    );
  });

  it('F9: the security group in another stack (references across stacks)', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        const network = otherStack(app, 'NetworkStack');
        const vpc = isolatedVpc(network);
        auroraCluster(stack, vpc, [group(network, vpc, { allowAllOutbound: true })]);
      },
      ['TestStack/Db/Resource'],
    );
  });

  it('F10: a standalone DatabaseInstance with its default security group (allows all outbound)', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        new rds.DatabaseInstance(stack, 'Db', {
          engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
          vpc: isolatedVpc(stack),
          vpcSubnets: { subnetGroupName: 'data' },
        }),
      ['TestStack/Db/Resource'],
    );
  });

  it('F11: a read replica with no group of its own inherits the open group of its source', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const source = rawInstance(stack, [rawGroup(stack).attrGroupId]);
        new rds.CfnDBInstance(stack, 'Replica', { dbInstanceClass: 'db.t4g.micro', sourceDbInstanceIdentifier: source.ref });
      },
      ['TestStack/Instance', 'TestStack/Replica'],
    );
  });

  it('F12: a read replica with a closed group of its own is judged on it: only its source, with an open group, is reported', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const source = rawInstance(stack, [rawGroup(stack).attrGroupId]);
        new rds.CfnDBInstance(stack, 'Replica', {
          dbInstanceClass: 'db.t4g.micro',
          sourceDbInstanceIdentifier: source.ref,
          vpcSecurityGroups: [rawGroup(stack, [TO_VPC], 'ReplicaGroup').attrGroupId],
        });
      },
      ['TestStack/Instance'],
    );
  });

  it('F13: raw L1: a DB cluster with a literal identifier (DBClusterIdentifier) whose group keeps the EC2 default egress', () => {
    expectNonCompliant(
      RULE,
      (stack) => new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', dbClusterIdentifier: 'patients', vpcSecurityGroupIds: [rawGroup(stack).attrGroupId] }),
      ['TestStack/Cluster'],
    );
  });
});

describe(`${RULE}: evaluation errors`, () => {
  it('E1: a security group that is not a resource of the app', () => {
    expectEvaluationErrors(RULE, (stack) => rawInstance(stack, ['sg-0123456789abcdef0']), ['TestStack/Instance'], /VPCSecurityGroups entry \(not a AWS::EC2::SecurityGroup of the app\)/);
  });

  it('E2: an egress rule of the group to a CIDR given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawInstance(stack, [rawGroup(stack, [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: parameterRef(stack) }]).attrGroupId]),
      ['TestStack/Instance'],
      /CidrIp cannot be evaluated/,
    );
  });

  it('E2b: an egress entry chosen by a condition (Fn::If ... AWS::NoValue) may be any rule: never read as no rule', () => {
    expectEvaluationErrors(
      RULE,
      (stack) =>
        rawInstance(stack, [
          rawGroup(stack, [Token.asAny(Fn.conditionIf('Open', { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }, Aws.NO_VALUE)) as unknown as ec2.CfnSecurityGroup.EgressProperty]).attrGroupId,
        ]),
      ['TestStack/Instance'],
      /SecurityGroupEgress cannot be evaluated at synth: \{"Fn::If":\["Open"/,
    );
  });

  it('E3: an open egress resource whose group is given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        rawInstance(stack, [rawGroup(stack, [TO_VPC]).attrGroupId]);
        new ec2.CfnSecurityGroupEgress(stack, 'Egress', { groupId: parameterRef(stack), ipProtocol: '-1', cidrIp: '0.0.0.0/0' });
      },
      ['TestStack/Instance'],
      /GroupId \(not a AWS::EC2::SecurityGroup of the app\)/,
    );
  });

  it('E4: the inline egress rules of the group given by an Fn::If', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const g = rawGroup(stack);
        g.securityGroupEgress = Token.asAny(Fn.conditionIf('Open', [TO_VPC], [TO_VPC]));
        rawInstance(stack, [g.attrGroupId]);
      },
      ['TestStack/Instance'],
      /SecurityGroupEgress cannot be evaluated/,
    );
  });

  it('E5: the CIDR of an inline egress rule given by a parameter: the rule is named', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawInstance(stack, [rawGroup(stack, [TO_VPC, { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: parameterRef(stack) }]).attrGroupId]),
      ['TestStack/Instance'],
      /SecurityGroupEgress\[1\] CidrIp cannot be evaluated/,
    );
  });

  it('E6: the CIDR of a separate egress resource given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const g = rawGroup(stack, [TO_VPC]);
        rawInstance(stack, [g.attrGroupId]);
        new ec2.CfnSecurityGroupEgress(stack, 'Egress', { groupId: g.attrGroupId, ipProtocol: '-1', cidrIp: parameterRef(stack) });
      },
      ['TestStack/Instance'],
      /egress CidrIp cannot be evaluated/,
    );
  });

  it('E7: the security groups of an instance given by an Fn::If', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawInstance(stack, Token.asList(Fn.conditionIf('Grouped', [rawGroup(stack, [TO_VPC]).attrGroupId], []))),
      ['TestStack/Instance'],
      /TestStack\/Instance: VPCSecurityGroups cannot be evaluated/,
    );
  });

  it('E8: a read replica with no group of its own, of a source instance outside the app', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => new rds.CfnDBInstance(stack, 'Replica', { dbInstanceClass: 'db.t4g.micro', sourceDbInstanceIdentifier: 'arn:aws:rds:eu-west-3:111111111111:db:elsewhere' }),
      ['TestStack/Replica'],
      /SourceDBInstanceIdentifier \(not a AWS::RDS::DBInstance of the app\)/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P6: raw L1: the only inline egress rule goes to another security group', () => {
    expectCompliant(RULE, (stack) => {
      const peer = rawGroup(stack, [TO_VPC], 'Peer');
      rawInstance(stack, [rawGroup(stack, [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432, destinationSecurityGroupId: peer.attrGroupId }]).attrGroupId]);
    });
  });

  it('P7: an open egress resource of another group of the app (by reference) does not open the database group', () => {
    expectCompliant(RULE, (stack) => {
      rawInstance(stack, [rawGroup(stack, [TO_VPC]).attrGroupId]);
      const other = rawGroup(stack, [TO_VPC], 'Other');
      new ec2.CfnSecurityGroupEgress(stack, 'OtherEgress', { groupId: other.attrGroupId, ipProtocol: '-1', cidrIp: '0.0.0.0/0' });
    });
  });

  it("P1: the platform's shape: allowAllOutbound false (CDK's placeholder rule to 255.255.255.255/32)", () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      auroraCluster(stack, vpc, [group(stack, vpc)]);
    });
  });

  it('P2: egress to the VPC range and to another group; an open egress resource of another group (literal id)', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      const db = group(stack, vpc);
      db.addEgressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443));
      db.connections.allowTo(group(stack, vpc, {}, 'Peer'), ec2.Port.tcp(5432));
      new ec2.CfnSecurityGroupEgress(stack, 'Elsewhere', { groupId: 'sg-0123456789abcdef0', ipProtocol: '-1', cidrIp: '0.0.0.0/0' });
      auroraCluster(stack, vpc, [db]);
    });
  });

  it('P3: raw L1: an instance whose group has only an egress rule to the VPC range; an open group no database uses', () => {
    expectCompliant(RULE, (stack) => {
      rawInstance(stack, [rawGroup(stack, [TO_VPC]).attrGroupId]);
      rawGroup(stack, [{ ipProtocol: '-1', cidrIp: '0.0.0.0/0' }], 'Unrelated');
    });
  });

  it('P4: a standalone DatabaseInstance with a group that allows no outbound traffic, and its read replica', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      const db = new rds.DatabaseInstance(stack, 'Db', {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
        vpc,
        vpcSubnets: { subnetGroupName: 'data' },
        securityGroups: [group(stack, vpc)],
      });
      new rds.CfnDBInstance(stack, 'Replica', { dbInstanceClass: 'db.t4g.micro', sourceDbInstanceIdentifier: db.instanceIdentifier });
    });
  });

  it('P5: an Aurora instance of a cluster is not applicable (the cluster carries the groups)', () => {
    expectCompliant(RULE, (stack) => {
      const g = rawGroup(stack, [TO_VPC]);
      const cluster = new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', vpcSecurityGroupIds: [g.attrGroupId] });
      new rds.CfnDBInstance(stack, 'Instance', { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref });
    });
  });
});
