import { Aws, Fn, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ALLOWED_SSL_POLICIES, ENC03_LOAD_BALANCER_TLS } from '../../../policies/rules/enc/load-balancer-tls';
import { expectCompliant, expectFindings } from '../support';
import { expectNotEvaluated, parameterRef, verdictOf } from './enc-fixtures';

const RULE = 'HDS-ENC03-LoadBalancerTls';
const CERTIFICATE = 'arn:aws:acm:eu-west-3:111111111111:certificate/1234abcd-12ab-34cd-56ef-1234567890ab';
const TARGET_GROUP = 'arn:aws:elasticloadbalancing:eu-west-3:111111111111:targetgroup/app/0123456789abcdef';
const LB = 'arn:aws:elasticloadbalancing:eu-west-3:111111111111:loadbalancer/app/hds/0123456789abcdef';

function alb(stack: Stack): elbv2.ApplicationLoadBalancer {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  return new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
}

function nlb(stack: Stack): elbv2.NetworkLoadBalancer {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
  return new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc });
}

const forward = elbv2.ListenerAction.fixedResponse(404);
const REDIRECT = { type: 'redirect', redirectConfig: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } };

/** A raw rule with these actions on `listenerArn`. */
function rawRule(stack: Stack, listenerArn: string, actions: elbv2.CfnListenerRule.ActionProperty[] = [{ type: 'forward', targetGroupArn: TARGET_GROUP }]): elbv2.CfnListenerRule {
  return new elbv2.CfnListenerRule(stack, 'Rule', { listenerArn, priority: 1, conditions: [{ field: 'path-pattern', values: ['/*'] }], actions });
}
const https = { port: 443, certificates: [elbv2.ListenerCertificate.fromArn(CERTIFICATE)], defaultAction: forward };

function rawListener(stack: Stack, protocol: string | undefined, props: Partial<elbv2.CfnListenerProps> = {}, id = 'Listener'): elbv2.CfnListener {
  return new elbv2.CfnListener(stack, id, {
    loadBalancerArn: LB,
    protocol,
    port: 443,
    defaultActions: [{ type: 'forward', targetGroupArn: TARGET_GROUP }],
    ...props,
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a raw HTTPS listener with no SslPolicy (CloudFormation uses ELBSecurityPolicy-2016-08, which accepts TLS 1.0)', () => {
    expectFindings(RULE, (stack) => rawListener(stack, 'HTTPS'), ['TestStack/Listener']);
  });

  it('F2: an HTTPS listener with SslPolicy.TLS12_EXT (TLS 1.2, but RSA key exchange and SHA-1 suites)', () => {
    expectFindings(RULE, (stack) => alb(stack).addListener('Https', { ...https, sslPolicy: elbv2.SslPolicy.TLS12_EXT }), ['TestStack/Alb/Https/Resource']);
  });

  it('F3: an HTTPS listener with SslPolicy.TLS13_10 (accepts TLS 1.0)', () => {
    expectFindings(RULE, (stack) => alb(stack).addListener('Https', { ...https, sslPolicy: elbv2.SslPolicy.TLS13_10 }), ['TestStack/Alb/Https/Resource']);
  });

  it('F4: an HTTP listener that forwards', () => {
    expectFindings(RULE, (stack) => alb(stack).addListener('Http', { port: 80, defaultAction: forward }), ['TestStack/Alb/Http/Resource']);
  });

  it('F5: an HTTP listener that redirects, but keeps the protocol (#{protocol})', () => {
    expectFindings(
      RULE,
      (stack) => rawListener(stack, 'HTTP', { port: 80, defaultActions: [{ type: 'redirect', redirectConfig: { protocol: '#{protocol}', port: '443', statusCode: 'HTTP_301' } }] }),
      ['TestStack/Listener'],
    );
  });

  it('F6: an HTTP listener that redirects to HTTPS, with a rule that forwards one path in clear text', () => {
    expectFindings(
      RULE,
      (stack) => {
        const listener = alb(stack).addRedirect();
        new elbv2.CfnListenerRule(stack, 'Rule', {
          listenerArn: listener.listenerArn,
          priority: 1,
          conditions: [{ field: 'path-pattern', values: ['/api/*'] }],
          actions: [{ type: 'forward', targetGroupArn: TARGET_GROUP }],
        });
      },
      ['TestStack/Rule'],
    );
  });

  it('F7: a TLS listener of a Network Load Balancer with no SslPolicy', () => {
    expectFindings(
      RULE,
      (stack) => rawListener(stack, 'TLS', { certificates: [{ certificateArn: CERTIFICATE }] }),
      ['TestStack/Listener'],
    );
  });

  it('F8: a raw HTTPS listener with ELBSecurityPolicy-FS-1-2-2019-08 (SHA-1 suites)', () => {
    expectFindings(RULE, (stack) => rawListener(stack, 'HTTPS', { sslPolicy: 'ELBSecurityPolicy-FS-1-2-2019-08' }), ['TestStack/Listener']);
  });

  it('F9: a raw HTTP listener with no DefaultActions', () => {
    expectFindings(RULE, (stack) => rawListener(stack, 'HTTP', { defaultActions: [] }), ['TestStack/Listener']);
  });

  it('F10: a raw HTTP listener whose first action redirects to HTTPS and whose second forwards', () => {
    expectFindings(RULE, (stack) => rawListener(stack, 'HTTP', { port: 80, defaultActions: [REDIRECT, { type: 'forward', targetGroupArn: TARGET_GROUP }] }), ['TestStack/Listener']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: an SslPolicy from a template parameter', () => {
    expectNotEvaluated(ENC03_LOAD_BALANCER_TLS, (stack) => rawListener(stack, 'HTTPS', { sslPolicy: parameterRef(stack) }), ['TestStack/Listener'], /^SslPolicy cannot be evaluated/);
  });

  it('E2: a Protocol from a template parameter', () => {
    expectNotEvaluated(ENC03_LOAD_BALANCER_TLS, (stack) => rawListener(stack, parameterRef(stack)), ['TestStack/Listener'], /^Protocol cannot be evaluated/);
  });

  it('E3: a listener rule of a listener outside the app', () => {
    expectNotEvaluated(
      ENC03_LOAD_BALANCER_TLS,
      (stack) => rawRule(stack, 'arn:aws:elasticloadbalancing:eu-west-3:111111111111:listener/app/hds/0123456789abcdef/0123456789abcdef'),
      ['TestStack/Rule'],
      /^ListenerArn \(a listener outside the app\) cannot be evaluated/,
    );
  });

  it('E4: a listener rule whose ListenerArn refers to a resource of the app that is not a listener (its load balancer)', () => {
    expectNotEvaluated(ENC03_LOAD_BALANCER_TLS, (stack) => rawRule(stack, alb(stack).loadBalancerArn), ['TestStack/Rule'], /^ListenerArn \(a listener outside the app\) cannot be evaluated/);
  });

  it('E5: a listener rule whose ListenerArn is a template parameter', () => {
    expectNotEvaluated(ENC03_LOAD_BALANCER_TLS, (stack) => rawRule(stack, parameterRef(stack)), ['TestStack/Rule'], /^ListenerArn \(a parameter\) cannot be evaluated/);
  });

  it.each<[string, elbv2.CfnListener.ActionProperty, RegExp]>([
    ['the second action', Fn.conditionIf('Redirect', REDIRECT, Aws.NO_VALUE) as never, /^DefaultActions\[1\] cannot be evaluated/],
    ['the type of the second action', { ...REDIRECT, type: Fn.conditionIf('Redirect', 'redirect', 'forward').toString() }, /^DefaultActions\[1\]\.Type cannot be evaluated/],
    [
      'the protocol of the second redirect',
      { ...REDIRECT, redirectConfig: { ...REDIRECT.redirectConfig, protocol: Fn.conditionIf('Secure', 'HTTPS', 'HTTP').toString() } },
      /^DefaultActions\[1\]\.RedirectConfig\.Protocol cannot be evaluated/,
    ],
  ])('E6: an HTTP listener with %s chosen by a condition', (_what, second, reason) => {
    expectNotEvaluated(ENC03_LOAD_BALANCER_TLS, (stack) => rawListener(stack, 'HTTP', { port: 80, defaultActions: [REDIRECT, second] }), ['TestStack/Listener'], reason);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: an HTTPS listener with SslPolicy.RECOMMENDED_TLS, and an HTTP listener that redirects (addRedirect)', () => {
    expectCompliant(RULE, (stack) => {
      const lb = alb(stack);
      lb.addListener('Https', { ...https, sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS });
      lb.addRedirect();
    });
  });

  it('P2: every policy of the allow-list, on raw HTTPS listeners', () => {
    expectCompliant(RULE, (stack) => {
      [...ALLOWED_SSL_POLICIES].forEach((sslPolicy, i) => rawListener(stack, 'HTTPS', { sslPolicy }, `Listener${i}`));
    });
  });

  it('P3: a TLS listener of a Network Load Balancer with a TLS 1.3 policy', () => {
    expectCompliant(RULE, (stack) => {
      const lb = nlb(stack);
      const group = new elbv2.NetworkTargetGroup(stack, 'Targets', { vpc: lb.vpc, port: 443, protocol: elbv2.Protocol.TCP });
      lb.addListener('Tls', {
        port: 443,
        protocol: elbv2.Protocol.TLS,
        sslPolicy: elbv2.SslPolicy.TLS13_13,
        certificates: [elbv2.ListenerCertificate.fromArn(CERTIFICATE)],
        defaultTargetGroups: [group],
      });
    });
  });

  it("P6: an HTTPS listener of an ALB with CDK's default policy (the post-quantum feature flag of cdk.json picks TLS13-1-2-PQ)", () => {
    expectCompliant(RULE, (stack) => alb(stack).addListener('Https', https));
  });

  it('P4: a rule of an HTTP listener that redirects to HTTPS; a rule of an HTTPS listener that forwards', () => {
    expectCompliant(RULE, (stack) => {
      const lb = alb(stack);
      const http = lb.addRedirect();
      const secure = lb.addListener('Https', { ...https, sslPolicy: elbv2.SslPolicy.TLS13_RES });
      const redirect = { type: 'redirect', redirectConfig: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } };
      new elbv2.CfnListenerRule(stack, 'HttpRule', { listenerArn: http.listenerArn, priority: 1, conditions: [{ field: 'path-pattern', values: ['/a/*'] }], actions: [redirect] });
      new elbv2.CfnListenerRule(stack, 'HttpsRule', {
        listenerArn: secure.listenerArn,
        priority: 1,
        conditions: [{ field: 'path-pattern', values: ['/a/*'] }],
        actions: [{ type: 'forward', targetGroupArn: TARGET_GROUP }],
      });
    });
  });

  it('P5: TCP, UDP and Gateway listeners are not applicable', () => {
    expect(verdictOf(ENC03_LOAD_BALANCER_TLS, (stack) => rawListener(stack, 'TCP'), 'TestStack/Listener')).toBeUndefined();
    expect(verdictOf(ENC03_LOAD_BALANCER_TLS, (stack) => rawListener(stack, 'UDP'), 'TestStack/Listener')).toBeUndefined();
    // No protocol: a Gateway Load Balancer listener.
    expect(verdictOf(ENC03_LOAD_BALANCER_TLS, (stack) => rawListener(stack, undefined), 'TestStack/Listener')).toBeUndefined();
    expect(verdictOf(ENC03_LOAD_BALANCER_TLS, (stack) => rawListener(stack, 'HTTP'), 'TestStack/Listener')).toBe('Non-Compliant');
  });
});
