import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, get } from '../util';
import { AppIndex, literal, named, optionalLiteral, subnetExposure, subnetsOf } from './support';

/** Interface endpoints any code in an isolated subnet needs: keys, logs, credentials, secrets. */
const INTERFACE_SERVICES = ['kms', 'logs', 'sts', 'secretsmanager'] as const;
/** And containers: image pulls (ECR API and registry) and SSM parameters. */
const CONTAINER_SERVICES = ['ecr.api', 'ecr.dkr', 'ssm'] as const;

/** The subnet ids code runs in: a Lambda function's VpcConfig, an ECS service's awsvpc configuration. */
function codeSubnetIds(node: CfnResource, props: Record<string, unknown>): { ids: unknown; containers: boolean } | undefined {
  if (node.cfnResourceType === 'AWS::Lambda::Function') {
    const ids = get(props, 'VpcConfig', 'SubnetIds');
    return ids === undefined ? undefined : { ids, containers: false };
  }
  if (node.cfnResourceType === 'AWS::ECS::Service') {
    const ids = get(props, 'NetworkConfiguration', 'AwsvpcConfiguration', 'Subnets');
    return ids === undefined ? undefined : { ids, containers: true };
  }
  return undefined;
}

interface Endpoint {
  readonly type: string;
  readonly service: string;
  readonly routeTables: unknown[];
  readonly node: CfnResource;
}

/**
 * NET-02: code that runs in isolated subnets (no route through an internet, NAT or egress-only gateway)
 * reaches the AWS APIs it needs through endpoints of its VPC: interface endpoints (VpcEndpointType
 * Interface, ServiceName ending with the service) for kms, logs, sts and secretsmanager, plus ecr.api,
 * ecr.dkr and ssm for ECS services, and an S3 gateway endpoint associated with the route table of each of
 * those subnets (a gateway endpoint serves only the route tables it is associated with). Applies to Lambda
 * functions with a VpcConfig and to ECS services with an awsvpc configuration; reported on them. A subnet
 * that is not a subnet of the app cannot be evaluated (throws); so can an endpoint of the VPC whose
 * service or route tables cannot be read, when an endpoint is otherwise missing.
 */
function createPrivateApiAccessRule() {
  const indexOf = AppIndex.cache();
  return named('PrivateApiAccess', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::Lambda::Function' && node.cfnResourceType !== 'AWS::ECS::Service') return NagRuleCompliance.NOT_APPLICABLE;
    const index = indexOf(node);
    const code = codeSubnetIds(node, index.props(node));
    if (!code) return NagRuleCompliance.NOT_APPLICABLE;
    const subnets = subnetsOf(index, code.ids, node, 'subnet ids');
    const isolated = subnets
      .map((subnet) => ({ subnet, exposure: subnetExposure(index, subnet) }))
      .filter(({ exposure }) => exposure.internetRoutes.length === 0);
    if (isolated.length === 0) return NagRuleCompliance.NOT_APPLICABLE;

    const missing = new Set<string>();
    const unevaluable: string[] = [];
    const vpcs = new Set(isolated.map(({ subnet }) => index.resourceOf(index.props(subnet).VpcId, subnet, 'AWS::EC2::VPC', 'VpcId')));
    for (const vpc of vpcs) {
      const endpoints: Endpoint[] = [];
      for (const endpoint of index.ofType('AWS::EC2::VPCEndpoint')) {
        const props = index.props(endpoint);
        if (index.refOf(props.VpcId, endpoint)?.target !== vpc) continue;
        try {
          endpoints.push({
            node: endpoint,
            type: optionalLiteral(props.VpcEndpointType, endpoint, 'VpcEndpointType') ?? 'Gateway',
            service: literal(props.ServiceName, endpoint, 'ServiceName'),
            routeTables: asList(props.RouteTableIds, `${endpoint.node.path}: RouteTableIds`),
          });
        } catch (error) {
          unevaluable.push(error instanceof Error ? error.message : String(error));
        }
      }
      const provides = (type: string, service: string) => (e: Endpoint) => e.type === type && e.service.endsWith(`.${service}`);
      for (const service of [...INTERFACE_SERVICES, ...(code.containers ? CONTAINER_SERVICES : [])]) {
        if (!endpoints.some(provides('Interface', service))) missing.add(`interface ${service}`);
      }
      const s3 = endpoints.filter(provides('Gateway', 's3'));
      for (const { subnet, exposure } of isolated) {
        if (index.resourceOf(index.props(subnet).VpcId, subnet, 'AWS::EC2::VPC', 'VpcId') !== vpc) continue;
        const served = s3.some((e) => e.routeTables.some((t) => exposure.routeTables.some((table) => index.refers(t, e.node, table))));
        if (!served) missing.add(`gateway s3 (route table of ${subnet.node.path})`);
      }
    }
    if (missing.size === 0) return NagRuleCompliance.COMPLIANT;
    if (unevaluable.length > 0) {
      throw new Error(`[NET-02] missing ${[...missing].join(', ')} unless an unreadable endpoint provides them: ${unevaluable.join('; ')}`);
    }
    return NagRuleCompliance.NON_COMPLIANT;
  });
}

export const NET02_PRIVATE_API_ACCESS = defineRule({
  name: 'PrivateApiAccess',
  control: 'NET-02',
  problem:
    'This function or container service runs in isolated subnets whose VPC lacks some of the endpoints it needs to reach AWS APIs privately.',
  fix: 'add the missing ones among these endpoints of its VPC: interface kms, logs, sts, secretsmanager (ECS services also ecr.api, ecr.dkr, ssm) with PrivateNetwork.addInterfaceEndpoint, and an S3 gateway endpoint associated with the route tables of its subnets (PrivateNetwork creates kms, logs, sts, secretsmanager and s3).',
  explanation:
    'ISO 27001 A.8.20 and A.8.21, RGPD art. 32: code that handles health data calls AWS APIs (keys, logs, secrets, storage) over private endpoints, never through the internet.',
  create: () => createPrivateApiAccessRule(),
});
