import { CfnParameter, Duration, RemovalPolicy, Stack, type App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PrivateNetwork } from '../../../lib/constructs/private-network';
import { HdsChecks } from '../../../policies/hds-checks';
import { findings, type FixtureBuilder } from '../support';

/**
 * Shared by the NET fixtures: VPCs of each shape (isolated, with public or NAT subnets, raw L1 as a
 * foreign template declares them), the platform's own network, parameters, and the evaluation-error check.
 */

export const ACCOUNT = '111111111111';
export const ENV = { account: ACCOUNT, region: 'eu-west-3' };

/** A second stack of the fixture app, in the same account and region. */
export function otherStack(app: App, id = 'OtherStack'): Stack {
  return new Stack(app, id, { env: ENV });
}

/** A VPC whose only subnets are isolated (no internet or NAT gateway), two AZs. */
export function isolatedVpc(scope: Construct, id = 'Vpc', props: Partial<ec2.VpcProps> = {}): ec2.Vpc {
  return new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    natGateways: 0,
    subnetConfiguration: [
      { name: 'compute', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
    ...props,
  });
}

/** A VPC with public subnets (internet gateway) and private subnets behind one NAT gateway. */
export function internetVpc(scope: Construct, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(scope, id, {
    ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/** The platform's network construct (lib/constructs/private-network.ts), with its own logs key. */
export function platformNetwork(scope: Construct, id = 'Network'): PrivateNetwork {
  return new PrivateNetwork(scope, id, {
    cidr: '10.40.0.0/16',
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    logsKey: new kms.Key(scope, `${id}LogsKey`, { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN, pendingWindow: Duration.days(30) }),
    flowLogRetention: logs.RetentionDays.ONE_YEAR,
  });
}

/** A raw L1 VPC and one subnet with its own route table, as a foreign template declares them. */
export interface RawNetwork {
  readonly vpc: ec2.CfnVPC;
  readonly subnet: ec2.CfnSubnet;
  readonly routeTable: ec2.CfnRouteTable;
}

export function rawNetwork(scope: Construct, options: { mapPublicIp?: boolean; prefix?: string } = {}): RawNetwork {
  const p = options.prefix ?? '';
  const vpc = new ec2.CfnVPC(scope, `${p}RawVpc`, { cidrBlock: '10.9.0.0/16' });
  const subnet = new ec2.CfnSubnet(scope, `${p}RawSubnet`, {
    vpcId: vpc.ref,
    cidrBlock: '10.9.0.0/24',
    availabilityZone: 'eu-west-3a',
    mapPublicIpOnLaunch: options.mapPublicIp,
  });
  const routeTable = new ec2.CfnRouteTable(scope, `${p}RawRouteTable`, { vpcId: vpc.ref });
  new ec2.CfnSubnetRouteTableAssociation(scope, `${p}RawAssociation`, { subnetId: subnet.ref, routeTableId: routeTable.ref });
  return { vpc, subnet, routeTable };
}

/** A `Ref` to a template parameter: a value no rule can know at synth. */
export function parameterRef(stack: Stack, id = 'Unknown'): string {
  return new CfnParameter(stack, id, { type: 'String' }).valueAsString;
}

/**
 * The findings of `rule` on the fixture, each as `path` plus whether the rule threw on it. (cdk-nag groups
 * findings per rule with the first description: fixtures that expect an evaluation error have one
 * resource of the rule's type in error.)
 */
export function ruleFindings(rule: string, build: FixtureBuilder): { path: string; evaluationError: boolean }[] {
  return findings(build)
    .filter((f) => f.rule === rule)
    .map(({ path, evaluationError }) => ({ path, evaluationError }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** `rule` reports exactly `paths` as non-compliant (judged, not "could not be evaluated"), and nothing else. */
export function expectNonCompliant(rule: string, build: FixtureBuilder, paths: readonly string[]): void {
  expect(ruleFindings(rule, build)).toStrictEqual([...paths].sort().map((path) => ({ path, evaluationError: false })));
}

/**
 * `rule` could not evaluate exactly these resources (and reported nothing else), for the reason `reason`
 * (matched against the verbose description, which carries the error of the rule).
 */
export function expectEvaluationErrors(rule: string, build: FixtureBuilder, paths: readonly string[], reason: RegExp): void {
  expect(ruleFindings(rule, build)).toStrictEqual([...paths].sort().map((path) => ({ path, evaluationError: true })));
  const verbose = findings(build, new HdsChecks(undefined, { verbose: true })).filter((f) => f.rule === rule);
  for (const f of verbose) expect(f.description).toMatch(reason);
}
