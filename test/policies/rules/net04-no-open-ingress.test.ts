import { Aws, Fn, Token, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, internetVpc, isolatedVpc, parameterRef, rawNetwork } from './net-fixtures';

const RULE = 'HDS-NET04-NoOpenIngress';
const CERTIFICATE = 'arn:aws:acm:eu-west-3:111111111111:certificate/abc';

/** An ALB with an HTTPS listener open to the internet (CDK's default `open: true`). */
function httpsLoadBalancer(scope: Construct, vpc: ec2.IVpc, internetFacing: boolean, port = 443): elbv2.ApplicationLoadBalancer {
  const lb = new elbv2.ApplicationLoadBalancer(scope, 'Lb', { vpc, internetFacing });
  lb.addListener('Listener', {
    port,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificates: [elbv2.ListenerCertificate.fromArn(CERTIFICATE)],
    defaultAction: elbv2.ListenerAction.fixedResponse(404),
  });
  return lb;
}

/** Raw L1: a security group with one ingress rule, used by a raw load balancer of the given scheme (or none). */
function rawGroup(scope: Construct, ingress: ec2.CfnSecurityGroup.IngressProperty, scheme?: string | 'no-lb'): ec2.CfnSecurityGroup {
  const { vpc, subnet } = rawNetwork(scope);
  const group = new ec2.CfnSecurityGroup(scope, 'Group', { groupDescription: 'entry', vpcId: vpc.ref, securityGroupIngress: [ingress] });
  if (scheme !== 'no-lb') {
    new elbv2.CfnLoadBalancer(scope, 'RawLb', { scheme, subnets: [subnet.ref], securityGroups: [group.attrGroupId] });
  }
  return group;
}

const HTTPS_FROM_ANYWHERE = { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' };

describe(`${RULE}: failing fixtures`, () => {
  it('F1: SSH from anywhere on an ordinary security group', () => {
    expectNonCompliant(
      RULE,
      (stack) => new ec2.SecurityGroup(stack, 'Group', { vpc: isolatedVpc(stack) }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22)),
      ['TestStack/Group/Resource'],
    );
  });

  it('F2: HTTPS from any IPv6 address on a group no load balancer uses', () => {
    expectNonCompliant(
      RULE,
      (stack) => new ec2.SecurityGroup(stack, 'Group', { vpc: isolatedVpc(stack) }).addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443)),
      ['TestStack/Group/Resource'],
    );
  });

  it('F3: HTTPS open to the internet on an internal load balancer', () => {
    expectNonCompliant(RULE, (stack) => httpsLoadBalancer(stack, internetVpc(stack), false), ['TestStack/Lb/SecurityGroup/Resource']);
  });

  it('F4: an internet-facing load balancer listening on 8443', () => {
    expectNonCompliant(RULE, (stack) => httpsLoadBalancer(stack, internetVpc(stack), true, 8443), ['TestStack/Lb/SecurityGroup/Resource']);
  });

  it('F5: raw L1: TCP 443-444 from anywhere on an internet-facing load balancer', () => {
    expectNonCompliant(RULE, (stack) => rawGroup(stack, { ...HTTPS_FROM_ANYWHERE, toPort: 444 }), ['TestStack/Group']);
  });

  it('F6: raw L1: UDP 443 from anywhere on an internet-facing load balancer', () => {
    expectNonCompliant(RULE, (stack) => rawGroup(stack, { ...HTTPS_FROM_ANYWHERE, ipProtocol: 'udp' }), ['TestStack/Group']);
  });

  it('F7: raw L1: a separate ingress resource, all protocols from anywhere', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const group = rawGroup(stack, { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/8' }, 'no-lb');
        new ec2.CfnSecurityGroupIngress(stack, 'Ingress', { groupId: group.attrGroupId, ipProtocol: '-1', cidrIp: '0.0.0.0/0' });
      },
      ['TestStack/Ingress'],
    );
  });

  it('F8: any address with a /0 prefix is every address (10.0.0.0/0)', () => {
    expectNonCompliant(RULE, (stack) => rawGroup(stack, { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '10.0.0.0/0' }, 'no-lb'), ['TestStack/Group']);
  });

  it('F9: raw L1: 443 from anywhere on a load balancer with Scheme internal', () => {
    expectNonCompliant(RULE, (stack) => rawGroup(stack, HTTPS_FROM_ANYWHERE, 'internal'), ['TestStack/Group']);
  });

  it('F10: every port of the internet-facing load balancer group (-1) from anywhere', () => {
    expectNonCompliant(RULE, (stack) => rawGroup(stack, { ipProtocol: '-1', cidrIp: '0.0.0.0/0' }), ['TestStack/Group']);
  });

  it('F11: raw L1: TCP 80-443 from anywhere on an internet-facing load balancer', () => {
    expectNonCompliant(RULE, (stack) => rawGroup(stack, { ...HTTPS_FROM_ANYWHERE, fromPort: 80 }), ['TestStack/Group']);
  });

  it('F12: raw L1: 443 from anywhere on a group no load balancer uses, while an internet-facing one uses another group', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const group = rawGroup(stack, { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/8' });
        new ec2.CfnSecurityGroup(stack, 'Unused', { groupDescription: 'unused', vpcId: group.vpcId, securityGroupIngress: [HTTPS_FROM_ANYWHERE] });
      },
      ['TestStack/Unused'],
    );
  });
});

describe(`${RULE}: evaluation errors`, () => {
  it('E1: a CIDR given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawGroup(stack, { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: parameterRef(stack) }, 'no-lb'),
      ['TestStack/Group'],
      /CidrIp cannot be evaluated/,
    );
  });

  it('E1b: an ingress entry chosen by a condition (Fn::If ... AWS::NoValue) may be any rule: never read as no rule', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        rawGroup(stack, HTTPS_FROM_ANYWHERE, 'no-lb').securityGroupIngress = [
          Token.asAny(Fn.conditionIf('Open', { IpProtocol: '-1', CidrIp: '0.0.0.0/0' }, Aws.NO_VALUE)) as unknown as ec2.CfnSecurityGroup.IngressProperty,
        ];
      },
      ['TestStack/Group'],
      /SecurityGroupIngress cannot be evaluated at synth: \{"Fn::If":\["Open"/,
    );
  });

  it('E2: 443 from anywhere on a group that is not a resource of the app (cannot tell whether a load balancer uses it)', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => new ec2.CfnSecurityGroupIngress(stack, 'Ingress', { groupId: 'sg-0123456789abcdef0', ...HTTPS_FROM_ANYWHERE }),
      ['TestStack/Ingress'],
      /GroupId \(not a AWS::EC2::SecurityGroup of the app\)/,
    );
  });

  it.each<[string, (stack: Stack) => void, string, RegExp]>([
    [
      'the ingress rules of a group given by an Fn::If',
      (stack) => {
        rawGroup(stack, HTTPS_FROM_ANYWHERE, 'no-lb').securityGroupIngress = Token.asAny(Fn.conditionIf('Open', [HTTPS_FROM_ANYWHERE], []));
      },
      'TestStack/Group',
      /Group: SecurityGroupIngress cannot be evaluated/,
    ],
    [
      'the CIDR of the second ingress rule of a group given by a parameter',
      (stack) => rawGroup(stack, { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: parameterRef(stack) }, 'no-lb'),
      'TestStack/Group',
      /Group: SecurityGroupIngress\[0\] CidrIp cannot be evaluated/,
    ],
    [
      'the CIDR of a separate ingress resource given by a parameter',
      (stack) => {
        const group = rawGroup(stack, { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/8' }, 'no-lb');
        new ec2.CfnSecurityGroupIngress(stack, 'Ingress', { groupId: group.attrGroupId, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: parameterRef(stack) });
      },
      'TestStack/Ingress',
      /Ingress: ingress CidrIp cannot be evaluated/,
    ],
    ['the protocol of an open rule given by a parameter', (stack) => rawGroup(stack, { ...HTTPS_FROM_ANYWHERE, ipProtocol: parameterRef(stack) }), 'TestStack/Group', /Group: SecurityGroupIngress\[0\] IpProtocol cannot be evaluated/],
    [
      'the first port of an open rule given by a parameter',
      (stack) => rawGroup(stack, { ...HTTPS_FROM_ANYWHERE, fromPort: Token.asNumber(parameterRef(stack)) }),
      'TestStack/Group',
      /Group: SecurityGroupIngress\[0\] FromPort cannot be evaluated/,
    ],
    [
      'the last port of an open rule given by a parameter',
      (stack) => rawGroup(stack, { ...HTTPS_FROM_ANYWHERE, toPort: Token.asNumber(parameterRef(stack)) }),
      'TestStack/Group',
      /Group: SecurityGroupIngress\[0\] ToPort cannot be evaluated/,
    ],
    ['the scheme of the load balancer given by a parameter', (stack) => rawGroup(stack, HTTPS_FROM_ANYWHERE, parameterRef(stack)), 'TestStack/Group', /RawLb: Scheme cannot be evaluated/],
    [
      'the security groups of the load balancer given by an Fn::If',
      (stack) => {
        const group = rawGroup(stack, HTTPS_FROM_ANYWHERE, 'no-lb');
        const { subnet } = rawNetwork(stack, { prefix: 'Lb' });
        new elbv2.CfnLoadBalancer(stack, 'RawLb', { subnets: [subnet.ref], securityGroups: Token.asList(Fn.conditionIf('Grouped', [group.attrGroupId], [])) });
      },
      'TestStack/Group',
      /RawLb: SecurityGroups cannot be evaluated/,
    ],
  ])('E3: %s', (_what, build, path, reason) => {
    expectEvaluationErrors(RULE, build, [path], reason);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: an internet-facing ALB with an HTTPS listener on 443 (CDK opens it to the internet)', () => {
    expectCompliant(RULE, (stack) => httpsLoadBalancer(stack, internetVpc(stack), true));
  });

  it('P2: ingress from the VPC range and from another security group', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      const group = new ec2.SecurityGroup(stack, 'Group', { vpc });
      group.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(443));
      group.addIngressRule(new ec2.SecurityGroup(stack, 'Peer', { vpc }), ec2.Port.tcp(5432));
    });
  });

  it('P3: raw L1: a load balancer without Scheme (internet-facing by default), protocol given as "6"', () => {
    expectCompliant(RULE, (stack) => rawGroup(stack, { ...HTTPS_FROM_ANYWHERE, ipProtocol: '6' }));
  });

  it('P4: raw L1: a separate ingress resource for 443 from any IPv6 address on the internet-facing load balancer group', () => {
    expectCompliant(RULE, (stack) => {
      const group = rawGroup(stack, { ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/8' }, 'internet-facing');
      new ec2.CfnSecurityGroupIngress(stack, 'Ingress', { groupId: group.ref, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv6: '::/0' });
    });
  });

  it('P5: raw L1: the protocol given as the number 6 (a YAML template)', () => {
    expectCompliant(RULE, (stack) => rawGroup(stack, HTTPS_FROM_ANYWHERE).addPropertyOverride('SecurityGroupIngress.0.IpProtocol', 6));
  });

  it('P6: raw L1: an internet-facing load balancer with two groups, a literal one and the group open on 443', () => {
    expectCompliant(RULE, (stack) => {
      const group = rawGroup(stack, HTTPS_FROM_ANYWHERE, 'no-lb');
      const { subnet } = rawNetwork(stack, { prefix: 'Lb' });
      new elbv2.CfnLoadBalancer(stack, 'RawLb', { subnets: [subnet.ref], securityGroups: ['sg-0123456789abcdef0', group.attrGroupId] });
    });
  });
});

describe(`${RULE}: port 80, open only for redirects to HTTPS (ENC-03)`, () => {
  const HTTP_FROM_ANYWHERE = { ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIp: '0.0.0.0/0' };
  const TO_HTTPS = { type: 'redirect', redirectConfig: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } };

  /** Raw L1: a group open on 80 only, used by a load balancer of `scheme` with a port-80 listener of `actions`. */
  function rawEntry(scope: Construct, actions: elbv2.CfnListener.ActionProperty[] | undefined, scheme = 'internet-facing'): { group: ec2.CfnSecurityGroup; listener?: elbv2.CfnListener } {
    const { vpc, subnet } = rawNetwork(scope);
    const group = new ec2.CfnSecurityGroup(scope, 'Group', { groupDescription: 'entry', vpcId: vpc.ref, securityGroupIngress: [HTTP_FROM_ANYWHERE] });
    const lb = new elbv2.CfnLoadBalancer(scope, 'RawLb', { scheme, subnets: [subnet.ref], securityGroups: [group.attrGroupId] });
    const listener = actions && new elbv2.CfnListener(scope, 'Http', { loadBalancerArn: lb.ref, port: 80, protocol: 'HTTP', defaultActions: actions });
    return { group, listener };
  }

  it('F13: port 80 open on an internet-facing ALB whose port-80 listener serves (forwards) instead of redirecting', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const lb = httpsLoadBalancer(stack, internetVpc(stack), true);
        const target = new elbv2.ApplicationTargetGroup(stack, 'Targets', { vpc: lb.vpc, port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, targetType: elbv2.TargetType.IP });
        lb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.forward([target]) });
      },
      ['TestStack/Lb/SecurityGroup/Resource'],
    );
  });

  it('F14: port 80 open on a group no load balancer uses', () => {
    expectNonCompliant(RULE, (stack) => rawGroup(stack, HTTP_FROM_ANYWHERE, 'no-lb'), ['TestStack/Group']);
  });

  it('F15: port 80 open on an internet-facing load balancer with no port-80 listener', () => {
    expectNonCompliant(RULE, (stack) => rawEntry(stack, undefined), ['TestStack/Group']);
  });

  it('F16: port 80 open on an internal load balancer, even with a redirect listener', () => {
    expectNonCompliant(RULE, (stack) => rawEntry(stack, [TO_HTTPS], 'internal'), ['TestStack/Group']);
  });

  it('F17: the port-80 listener redirects to HTTP (another host in clear text)', () => {
    expectNonCompliant(RULE, (stack) => rawEntry(stack, [{ type: 'redirect', redirectConfig: { protocol: 'HTTP', host: 'other.example', statusCode: 'HTTP_301' } }]), ['TestStack/Group']);
  });

  it('F18: the port-80 listener redirects, but one of its rules answers in clear text', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { listener } = rawEntry(stack, [TO_HTTPS]);
        new elbv2.CfnListenerRule(stack, 'Rule', {
          listenerArn: listener!.ref,
          priority: 1,
          conditions: [{ field: 'path-pattern', values: ['/status'] }],
          actions: [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '200' } }],
        });
      },
      ['TestStack/Group'],
    );
  });

  it('F19: the group is shared with a second load balancer whose port-80 listener forwards', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { group } = rawEntry(stack, [TO_HTTPS]);
        const { subnet } = rawNetwork(stack, { prefix: 'Other' });
        const other = new elbv2.CfnLoadBalancer(stack, 'OtherLb', { subnets: [subnet.ref], securityGroups: [group.attrGroupId] });
        new elbv2.CfnListener(stack, 'OtherHttp', { loadBalancerArn: other.ref, port: 80, protocol: 'HTTP', defaultActions: [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '200' } }] });
      },
      ['TestStack/Group'],
    );
  });

  it('F20: TCP 80-81 from anywhere, even with a redirect listener on 80', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { group } = rawEntry(stack, [TO_HTTPS]);
        group.addPropertyOverride('SecurityGroupIngress.0.ToPort', 81);
      },
      ['TestStack/Group'],
    );
  });

  it('E4: the actions of a port-80 listener given by an Fn::If', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawEntry(stack, [TO_HTTPS])!.listener!.addPropertyOverride('DefaultActions', { 'Fn::If': ['Redirect', [TO_HTTPS], []] }),
      ['TestStack/Group'],
      /Http: DefaultActions cannot be evaluated/,
    );
  });

  it('E5: the port of a listener of the group given by a parameter', () => {
    expectEvaluationErrors(RULE, (stack) => rawEntry(stack, [TO_HTTPS])!.listener!.addPropertyOverride('Port', parameterRef(stack)), ['TestStack/Group'], /Http: Port cannot be evaluated/);
  });

  it('P7: an internet-facing ALB with HTTPS on 443 and CDK’s redirect from 80 (addRedirect opens 80 to the internet)', () => {
    expectCompliant(RULE, (stack) => httpsLoadBalancer(stack, internetVpc(stack), true).addRedirect());
  });

  it('P8: raw L1: a separate ingress resource for 80 from any IPv6 address, the port-80 listener and its rule redirect to HTTPS', () => {
    expectCompliant(RULE, (stack) => {
      const { group, listener } = rawEntry(stack, [TO_HTTPS]);
      new ec2.CfnSecurityGroupIngress(stack, 'Ingress', { groupId: group.ref, ipProtocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv6: '::/0' });
      new elbv2.CfnListenerRule(stack, 'Rule', {
        listenerArn: listener!.ref,
        priority: 1,
        conditions: [{ field: 'host-header', values: ['old.example'] }],
        actions: [{ type: 'redirect', redirectConfig: { protocol: 'HTTPS', host: 'new.example', statusCode: 'HTTP_301' } }],
      });
    });
  });
});
