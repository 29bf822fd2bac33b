import { Aws, CfnParameter, Fn, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elb from 'aws-cdk-lib/aws-elasticloadbalancing';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG05-LoadBalancerAccessLogs';
const SUBNETS = ['subnet-11111111', 'subnet-22222222'];

function alb(stack: Stack): elbv2.ApplicationLoadBalancer {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  return new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
}

/** A load balancer as a foreign template declares it (raw L1). */
function rawLoadBalancer(stack: Stack, props: Partial<elbv2.CfnLoadBalancerProps> = {}): elbv2.CfnLoadBalancer {
  return new elbv2.CfnLoadBalancer(stack, 'Raw', { subnets: SUBNETS, ...props });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an application load balancer without access logs', () => {
    expectNonCompliant(RULE, (stack) => alb(stack), ['TestStack/Alb/Resource']);
  });

  it('F2: a raw L1 load balancer (Type absent: application) with access logs set to false', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawLoadBalancer(stack, { loadBalancerAttributes: [{ key: 'access_logs.s3.enabled', value: 'false' }] }),
      ['TestStack/Raw'],
    );
  });

  it('F3: a classic load balancer without an access-logging policy', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        new elb.CfnLoadBalancer(stack, 'Classic', {
          listeners: [{ loadBalancerPort: '443', instancePort: '443', protocol: 'HTTPS' }],
          subnets: SUBNETS,
        }),
      ['TestStack/Classic'],
    );
  });

  it('F4: access logs switched by a template parameter cannot be evaluated: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => {
      const enabled = new CfnParameter(stack, 'AccessLogs', { type: 'String' });
      rawLoadBalancer(stack, { loadBalancerAttributes: [{ key: 'access_logs.s3.enabled', value: enabled.valueAsString }] });
    }, 'TestStack/Raw');
  });
});

describe(`${RULE}: not evaluated`, () => {
  const unknown = (stack: Stack) => new CfnParameter(stack, 'Unknown', { type: 'String' }).valueAsString;
  const classic = (stack: Stack, accessLoggingPolicy?: elb.CfnLoadBalancer.AccessLoggingPolicyProperty) =>
    new elb.CfnLoadBalancer(stack, 'Raw', { listeners: [{ loadBalancerPort: '443', instancePort: '443', protocol: 'HTTPS' }], subnets: SUBNETS, accessLoggingPolicy });
  it.each<[string, FixtureBuilder, RegExp]>([
    [
      'the access-logging policy of a classic load balancer chosen by a condition',
      (stack) => classic(stack).addPropertyOverride('AccessLoggingPolicy', Fn.conditionIf('Logged', { Enabled: true, S3BucketName: 'access-logs' }, Aws.NO_VALUE)),
      /TestStack\/Raw AccessLoggingPolicy cannot be evaluated/,
    ],
    [
      'Enabled of a classic access-logging policy from a template parameter',
      (stack) => classic(stack, { enabled: true, s3BucketName: 'access-logs' }).addPropertyOverride('AccessLoggingPolicy.Enabled', unknown(stack)),
      /TestStack\/Raw AccessLoggingPolicy Enabled cannot be evaluated/,
    ],
    ['the load balancer type from a template parameter', (stack) => rawLoadBalancer(stack, { type: unknown(stack) }), /TestStack\/Raw Type cannot be evaluated/],
    [
      'the attributes chosen by a condition',
      (stack) => rawLoadBalancer(stack).addPropertyOverride('LoadBalancerAttributes', Fn.conditionIf('Logged', [{ Key: 'access_logs.s3.enabled', Value: 'true' }], Aws.NO_VALUE)),
      /TestStack\/Raw LoadBalancerAttributes cannot be evaluated/,
    ],
    [
      'an attribute key from a template parameter',
      (stack) => rawLoadBalancer(stack, { loadBalancerAttributes: [{ key: unknown(stack), value: 'true' }] }),
      /TestStack\/Raw LoadBalancerAttributes Key cannot be evaluated/,
    ],
    [
      'access_logs.s3.enabled from a template parameter',
      (stack) => rawLoadBalancer(stack, { loadBalancerAttributes: [{ key: 'access_logs.s3.enabled', value: unknown(stack) }] }),
      /TestStack\/Raw access_logs\.s3\.enabled cannot be evaluated/,
    ],
  ])('E1: %s: could not be evaluated, and the verbose pack says where', (_what, build, reason) => {
    expectEvaluationErrorNaming(RULE, build, 'TestStack/Raw', reason);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: an application load balancer logging to a bucket (logAccessLogs)', () => {
    expectCompliant(RULE, (stack) => alb(stack).logAccessLogs(new s3.Bucket(stack, 'AccessLogs'), 'alb'));
  });

  it('P2: a raw L1 application load balancer with access_logs.s3.enabled true among other attributes', () => {
    expectCompliant(RULE, (stack) =>
      rawLoadBalancer(stack, {
        type: 'application',
        loadBalancerAttributes: [
          { key: 'routing.http.drop_invalid_header_fields.enabled', value: 'true' },
          { key: 'access_logs.s3.enabled', value: 'true' },
          { key: 'access_logs.s3.bucket', value: 'access-logs' },
        ],
      }),
    );
  });

  it('P3: a network load balancer is not applicable (no HTTP access logs)', () => {
    expectCompliant(RULE, (stack) => rawLoadBalancer(stack, { type: 'network' }));
  });

  it('P4: a classic load balancer with access logging enabled', () => {
    expectCompliant(
      RULE,
      (stack) =>
        new elb.CfnLoadBalancer(stack, 'Classic', {
          listeners: [{ loadBalancerPort: '443', instancePort: '443', protocol: 'HTTPS' }],
          subnets: SUBNETS,
          accessLoggingPolicy: { enabled: true, s3BucketName: 'access-logs' },
        }),
    );
  });
});
