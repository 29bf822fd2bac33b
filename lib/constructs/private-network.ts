import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { recordControls } from '../controls';

export interface PrivateNetworkProps {
  /** IPv4 range of the VPC, a literal such as `10.40.0.0/16` (security-group rules use it as is). */
  readonly cidr: string;
  /** Availability zones the subnets span, e.g. `['eu-west-3a', 'eu-west-3b']`. */
  readonly availabilityZones: string[];
  /** Encrypts the flow-log group (NET-03, LOG-04). */
  readonly logsKey: kms.IKey;
  /** Retention of the flow-log group (LOG-04: at least one year). */
  readonly flowLogRetention: logs.RetentionDays;
  /**
   * Adds public `entry` subnets and an internet gateway, for an internet-facing load balancer only
   * (NET-05): nothing else is placed there, and the compute and data subnets keep no route to the internet.
   * @default false
   */
  readonly publicEntry?: boolean;
}

/**
 * Interface endpoints every platform needs (NET-02): KMS for encryption, CloudWatch Logs for traces,
 * Secrets Manager for database credentials, STS for IAM authentication. Later constructs add theirs
 * with `addInterfaceEndpoint`.
 */
export const BASE_INTERFACE_ENDPOINTS = {
  Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
} as const;

/**
 * The platform's private network (NET-01..04): a VPC whose subnets have no route to the internet
 * (no internet or NAT gateway), one isolated subnet group for compute and one for data, AWS APIs
 * reached through gateway and interface endpoints limited to this account, flow logs of all traffic
 * to a KMS-encrypted log group, and a default security group with no rules.
 */
export class PrivateNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** Where code runs (functions, containers) and where interface endpoints live. */
  public readonly computeSubnets: ec2.SubnetSelection = { subnetGroupName: 'compute' };
  /** Where data stores live. */
  public readonly dataSubnets: ec2.SubnetSelection = { subnetGroupName: 'data' };
  /** Public subnets of the internet entry point, when `publicEntry` is set. */
  public readonly entrySubnets?: ec2.SubnetSelection;
  /** Security group of the interface endpoints: HTTPS from inside the VPC only. */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  public readonly flowLogGroup: logs.LogGroup;
  private readonly cidr: string;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    this.cidr = props.cidr;
    const prefix = Number(props.cidr.split('/')[1]);
    // 16 equal subnets per VPC: room for a third subnet group (e.g. a public entry point) in 3 AZs.
    const cidrMask = Math.min(prefix + 4, 28);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: props.availabilityZones,
      natGateways: 0,
      createInternetGateway: props.publicEntry ?? false,
      restrictDefaultSecurityGroup: true,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      subnetConfiguration: [
        { name: 'compute', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask },
        // Third, so that adding it keeps the ranges of the compute and data subnets.
        ...(props.publicEntry ? [{ name: 'entry', subnetType: ec2.SubnetType.PUBLIC, cidrMask, mapPublicIpOnLaunch: false }] : []),
      ],
    });
    if (props.publicEntry) this.entrySubnets = { subnetGroupName: 'entry' };
    recordControls(this.vpc, 'NET-01');

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: props.logsKey,
      retention: props.flowLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    recordControls(this.flowLogGroup, 'NET-03', 'LOG-04');
    const flowLog = this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    recordControls(flowLog, 'NET-03');

    const gatewaySubnets = [this.computeSubnets, this.dataSubnets];
    for (const [name, service] of [
      ['S3', ec2.GatewayVpcEndpointAwsService.S3],
      ['DynamoDb', ec2.GatewayVpcEndpointAwsService.DYNAMODB],
    ] as const) {
      const endpoint = this.vpc.addGatewayEndpoint(`${name}Endpoint`, { service, subnets: gatewaySubnets });
      endpoint.addToPolicy(this.accountOnlyStatement());
      recordControls(endpoint, 'NET-02');
    }

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    recordControls(this.endpointSecurityGroup, 'NET-04');

    for (const [name, service] of Object.entries(BASE_INTERFACE_ENDPOINTS)) {
      this.addInterfaceEndpoint(name, service);
    }
  }

  /**
   * Adds a private endpoint for an AWS service (NET-02), in the compute subnets, reachable only from
   * the VPC, with a policy that admits only principals of this account.
   */
  public addInterfaceEndpoint(name: string, service: ec2.IInterfaceVpcEndpointService): ec2.InterfaceVpcEndpoint {
    const endpoint = this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
      service,
      subnets: this.computeSubnets,
      securityGroups: [this.endpointSecurityGroup],
      privateDnsEnabled: true,
      open: false,
    });
    endpoint.addToPolicy(this.accountOnlyStatement());
    recordControls(endpoint, 'NET-02');
    return endpoint;
  }

  /** The literal CIDR of the VPC (cdk-nag rules cannot evaluate the `vpcCidrBlock` token). */
  public get cidrBlock(): string {
    return this.cidr;
  }

  private accountOnlyStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'OnlyPrincipalsOfThisAccount',
      principals: [new iam.AnyPrincipal()],
      actions: ['*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:PrincipalAccount': Stack.of(this).account } },
    });
  }
}
