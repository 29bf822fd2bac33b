import { Fn, Token, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, internetVpc, isolatedVpc, otherStack, parameterRef, platformNetwork, rawNetwork } from './net-fixtures';

const RULE = 'HDS-NET02-PrivateApiAccess';

const BASE = {
  Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
};
const CONTAINERS = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDkr: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
};

/** Interface endpoints for the given services, and (unless told otherwise) an S3 gateway for every subnet. */
function endpoints(vpc: ec2.Vpc, services: Record<string, ec2.IInterfaceVpcEndpointService>, s3: ec2.SubnetSelection[] | false = [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }]): void {
  for (const [name, service] of Object.entries(services)) vpc.addInterfaceEndpoint(name, { service });
  if (s3) vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: s3 });
}

function fn(scope: Construct, vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection = { subnetGroupName: 'compute' }): lambda.Function {
  return new lambda.Function(scope, 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    vpc,
    vpcSubnets,
  });
}

function service(scope: Construct, vpc: ec2.IVpc): ecs.FargateService {
  const task = new ecs.FargateTaskDefinition(scope, 'Task');
  task.addContainer('App', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:latest') });
  return new ecs.FargateService(scope, 'Service', {
    cluster: new ecs.Cluster(scope, 'Cluster', { vpc }),
    taskDefinition: task,
    vpcSubnets: { subnetGroupName: 'compute' },
  });
}

/** Raw L1: a function in a raw subnet, with raw endpoints for `services` (service names as a template spells them). */
function rawFunctionWithEndpoints(scope: Construct, services: string[], s3RouteTables: 'own' | 'none'): void {
  const { vpc, subnet, routeTable } = rawNetwork(scope);
  for (const s of services) {
    new ec2.CfnVPCEndpoint(scope, `Endpoint${s.replace(/\W/g, '')}`, {
      vpcId: vpc.ref,
      vpcEndpointType: 'Interface',
      serviceName: `com.amazonaws.eu-west-3.${s}`,
      subnetIds: [subnet.ref],
    });
  }
  new ec2.CfnVPCEndpoint(scope, 'EndpointS3', {
    vpcId: vpc.ref,
    serviceName: 'com.amazonaws.eu-west-3.s3',
    routeTableIds: s3RouteTables === 'own' ? [routeTable.ref] : undefined,
  });
  new lambda.CfnFunction(scope, 'RawFunction', {
    role: 'arn:aws:iam::111111111111:role/fn',
    runtime: 'nodejs22.x',
    handler: 'index.handler',
    code: { zipFile: 'exports.handler = async () => {};' },
    vpcConfig: { subnetIds: [subnet.ref], securityGroupIds: ['sg-0123456789abcdef0'] },
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a function in isolated subnets of a VPC with no endpoint', () => {
    expectNonCompliant(
      RULE,
      (stack) => fn(stack, isolatedVpc(stack)),
      ['TestStack/Function/Resource'],
    );
  });

  for (const missing of Object.keys(BASE)) {
    it(`F2-${missing}: every endpoint but the ${missing} interface endpoint`, () => {
      expectNonCompliant(
        RULE,
        (stack) => {
          const vpc = isolatedVpc(stack);
          endpoints(vpc, Object.fromEntries(Object.entries(BASE).filter(([name]) => name !== missing)));
          fn(stack, vpc);
        },
        ['TestStack/Function/Resource'],
      );
    });
  }

  it('F3: every interface endpoint but no S3 gateway endpoint', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        endpoints(vpc, BASE, false);
        fn(stack, vpc);
      },
      ['TestStack/Function/Resource'],
    );
  });

  it('F4: an S3 gateway endpoint associated only with the route tables of the data subnets, not those of the code', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        endpoints(vpc, BASE, [{ subnetGroupName: 'data' }]);
        fn(stack, vpc);
      },
      ['TestStack/Function/Resource'],
    );
  });

  it('F5: the endpoints exist, but in another VPC', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        endpoints(isolatedVpc(stack, 'Other'), BASE);
        fn(stack, isolatedVpc(stack));
      },
      ['TestStack/Function/Resource'],
    );
  });

  it('F6: an ECS service with the base endpoints but no ecr.api, ecr.dkr, ssm', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        endpoints(vpc, BASE);
        service(stack, vpc);
      },
      ['TestStack/Service/Service'],
    );
  });

  for (const missing of Object.keys(CONTAINERS)) {
    it(`F7-${missing}: an ECS service with every endpoint but ${missing}`, () => {
      expectNonCompliant(
        RULE,
        (stack) => {
          const vpc = isolatedVpc(stack);
          endpoints(vpc, { ...BASE, ...Object.fromEntries(Object.entries(CONTAINERS).filter(([name]) => name !== missing)) });
          service(stack, vpc);
        },
        ['TestStack/Service/Service'],
      );
    });
  }

  it('F8: raw L1: a function with every interface endpoint, and an S3 gateway endpoint with no route table', () => {
    expectNonCompliant(RULE, (stack) => rawFunctionWithEndpoints(stack, ['kms', 'logs', 'sts', 'secretsmanager'], 'none'), ['TestStack/RawFunction']);
  });

  it('F9: the kms endpoint declared as a gateway endpoint does not count as an interface endpoint', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawFunctionWithEndpoints(stack, ['logs', 'sts', 'secretsmanager'], 'own');
        new ec2.CfnVPCEndpoint(stack, 'KmsAsGateway', {
          vpcId: (stack.node.findChild('RawVpc') as ec2.CfnVPC).ref,
          serviceName: 'com.amazonaws.eu-west-3.kms',
        });
      },
      ['TestStack/RawFunction'],
    );
  });

  it('F10: raw L1: a DynamoDB gateway endpoint on the route table of the code, and no S3 gateway endpoint', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawFunctionWithEndpoints(stack, ['kms', 'logs', 'sts', 'secretsmanager'], 'none');
        new ec2.CfnVPCEndpoint(stack, 'EndpointDynamoDb', {
          vpcId: (stack.node.findChild('RawVpc') as ec2.CfnVPC).ref,
          serviceName: 'com.amazonaws.eu-west-3.dynamodb',
          routeTableIds: [(stack.node.findChild('RawRouteTable') as ec2.CfnRouteTable).ref],
        });
      },
      ['TestStack/RawFunction'],
    );
  });
});

describe(`${RULE}: evaluation errors`, () => {
  it('E1: a function in a subnet that is not a resource of the app', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        fn(stack, ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
          vpcId: 'vpc-0123',
          availabilityZones: ['eu-west-3a'],
          isolatedSubnetIds: ['subnet-0123456789abcdef0'],
        }), { subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
      },
      ['TestStack/Function/Resource'],
      /subnet ids entry \(not a AWS::EC2::Subnet of the app\).*subnet-0123456789abcdef0/,
    );
  });

  it('E2: an endpoint is missing unless the one whose service name is a parameter provides it', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        rawFunctionWithEndpoints(stack, ['kms', 'logs', 'sts'], 'own');
        new ec2.CfnVPCEndpoint(stack, 'Unknown', {
          vpcId: (stack.node.findChild('RawVpc') as ec2.CfnVPC).ref,
          vpcEndpointType: 'Interface',
          serviceName: parameterRef(stack, 'ServiceName'),
        });
      },
      ['TestStack/RawFunction'],
      /missing interface secretsmanager unless an unreadable endpoint provides them: .*ServiceName cannot be evaluated/,
    );
  });

  const rawEndpoint = (stack: Construct, props: Partial<ec2.CfnVPCEndpointProps>) =>
    new ec2.CfnVPCEndpoint(stack, 'Unreadable', { vpcId: (stack.node.findChild('RawVpc') as ec2.CfnVPC).ref, serviceName: 'com.amazonaws.eu-west-3.secretsmanager', ...props });

  it.each<[string, (stack: Stack) => void, RegExp]>([
    [
      'the type of an endpoint given by a parameter',
      (stack) => {
        rawFunctionWithEndpoints(stack, ['kms', 'logs', 'sts'], 'own');
        rawEndpoint(stack, { vpcEndpointType: parameterRef(stack) });
      },
      /Unreadable: VpcEndpointType cannot be evaluated/,
    ],
    [
      'the route tables of a gateway endpoint given by an Fn::If',
      (stack) => {
        rawFunctionWithEndpoints(stack, ['kms', 'logs', 'sts', 'secretsmanager'], 'none');
        rawEndpoint(stack, { serviceName: 'com.amazonaws.eu-west-3.s3', routeTableIds: Token.asList(Fn.conditionIf('Routed', ['rtb-0123'], [])) });
      },
      /missing gateway s3 \(route table of TestStack\/RawSubnet\) unless an unreadable endpoint provides them: TestStack\/Unreadable: RouteTableIds cannot be evaluated/,
    ],
    [
      'two endpoints missing, and two unreadable endpoints',
      (stack) => {
        rawFunctionWithEndpoints(stack, ['kms', 'logs'], 'own');
        rawEndpoint(stack, { vpcEndpointType: 'Interface', serviceName: parameterRef(stack, 'First') });
        new ec2.CfnVPCEndpoint(stack, 'Second', { vpcId: (stack.node.findChild('RawVpc') as ec2.CfnVPC).ref, vpcEndpointType: 'Interface', serviceName: parameterRef(stack, 'Other') });
      },
      /missing interface sts, interface secretsmanager unless an unreadable endpoint provides them: .*ServiceName cannot be evaluated.*; .*ServiceName cannot be evaluated/,
    ],
  ])('E3: %s', (_what, build, reason) => {
    expectEvaluationErrors(RULE, build, ['TestStack/RawFunction'], reason);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it("P1: the platform's shape: PrivateNetwork in one stack, a function in its compute subnets in another", () => {
    expectCompliant(RULE, (stack, app) => {
      const network = platformNetwork(otherStack(app, 'NetworkStack'));
      fn(stack, network.vpc, network.computeSubnets);
    });
  });

  it('P2: an ECS service with every endpoint it needs', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      endpoints(vpc, { ...BASE, ...CONTAINERS });
      service(stack, vpc);
    });
  });

  it('P3: a function in private subnets with a NAT route is not in isolated subnets: not applicable', () => {
    expectCompliant(RULE, (stack) => fn(stack, internetVpc(stack), { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }));
  });

  it('P4: a function outside any VPC is not applicable', () => {
    expectCompliant(RULE, (stack) => {
      new lambda.Function(stack, 'Function', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
    });
  });

  it('P5: raw L1: endpoints whose service names a template spells literally, S3 gateway on the subnet’s route table', () => {
    expectCompliant(RULE, (stack) => rawFunctionWithEndpoints(stack, ['kms', 'logs', 'sts', 'secretsmanager'], 'own'));
  });

  it('P6: a function in the isolated subnets of a VPC that also has public subnets', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = internetVpc(stack);
      endpoints(vpc, BASE);
      fn(stack, vpc, { subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    });
  });

  it('P7: raw L1: an endpoint of a VPC outside the app (literal id) is ignored', () => {
    expectCompliant(RULE, (stack) => {
      rawFunctionWithEndpoints(stack, ['kms', 'logs', 'sts', 'secretsmanager'], 'own');
      new ec2.CfnVPCEndpoint(stack, 'Elsewhere', { vpcId: 'vpc-0123456789abcdef0', vpcEndpointType: 'Interface', serviceName: 'com.amazonaws.eu-west-3.kms' });
    });
  });
});
