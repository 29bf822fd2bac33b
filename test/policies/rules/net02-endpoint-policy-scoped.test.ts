import { Aws, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { ACCOUNT, expectEvaluationErrors, expectNonCompliant, isolatedVpc, parameterRef, platformNetwork, rawNetwork } from './net-fixtures';

const RULE = 'HDS-NET02-EndpointPolicyScoped';

const ANYONE = { AWS: '*' };

/** A raw interface endpoint with the given policy, as a foreign template declares it. */
function rawEndpoint(scope: Construct, policyDocument: unknown, props: Partial<ec2.CfnVPCEndpointProps> = {}): ec2.CfnVPCEndpoint {
  const { vpc, subnet } = rawNetwork(scope);
  return new ec2.CfnVPCEndpoint(scope, 'Endpoint', {
    vpcId: vpc.ref,
    serviceName: 'com.amazonaws.eu-west-3.kms',
    vpcEndpointType: 'Interface',
    subnetIds: [subnet.ref],
    policyDocument,
    ...props,
  });
}

/** CloudFormation also takes the policy as a JSON string (the L1 refuses one: an override writes it as is). */
function withStringPolicy(endpoint: ec2.CfnVPCEndpoint, policy: unknown): ec2.CfnVPCEndpoint {
  endpoint.addPropertyOverride('PolicyDocument', JSON.stringify(policy));
  return endpoint;
}

function allow(condition?: Record<string, unknown>): Record<string, unknown> {
  return { Effect: 'Allow', Principal: ANYONE, Action: '*', Resource: '*', ...(condition ? { Condition: condition } : {}) };
}

const ACCOUNT_ONLY = { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } };

/** A raw endpoint in a stack with no account (environment-agnostic), whose only Allow is limited to `account`. */
function agnosticEndpoint(stack: Stack, account: unknown): void {
  const agnostic = new Stack(stack.node.root, 'Agnostic');
  rawEndpoint(agnostic, { Statement: [allow({ StringEquals: { 'aws:PrincipalAccount': account } })] });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a gateway endpoint with no policy (full access)', () => {
    expectNonCompliant(RULE, (stack) => isolatedVpc(stack).addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }), [
      'TestStack/Vpc/S3/Resource',
    ]);
  });

  it('F2: an interface endpoint with no policy', () => {
    expectNonCompliant(RULE, (stack) => isolatedVpc(stack).addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS }), [
      'TestStack/Vpc/Kms/Resource',
    ]);
  });

  it('F3: an Allow to * with no condition', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const endpoint = isolatedVpc(stack).addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
        endpoint.addToPolicy(new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['s3:GetObject'], resources: ['*'] }));
      },
      ['TestStack/Vpc/S3/Resource'],
    );
  });

  it('F4: an Allow conditioned only on aws:SourceVpc (always true through the endpoint)', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:SourceVpc': 'vpc-0123' } })] }), ['TestStack/Endpoint']);
  });

  it('F5: an Allow conditioned on aws:SourceVpce', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:SourceVpce': 'vpce-0123' } })] }), ['TestStack/Endpoint']);
  });

  it('F6: aws:PrincipalAccount of another account', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:PrincipalAccount': '222222222222' } })] }), [
      'TestStack/Endpoint',
    ]);
  });

  it('F7: aws:PrincipalAccount listing this account and another', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:PrincipalAccount': [ACCOUNT, '222222222222'] } })] }),
      ['TestStack/Endpoint'],
    );
  });

  it('F8: one scoped Allow and one unscoped', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow(ACCOUNT_ONLY), allow()] }), ['TestStack/Endpoint']);
  });

  it('F9: StringLike instead of StringEquals', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringLike: { 'aws:PrincipalAccount': ACCOUNT } })] }), [
      'TestStack/Endpoint',
    ]);
  });

  it('F10: raw: the policy as a JSON string (a template written by hand), unconditioned', () => {
    expectNonCompliant(RULE, (stack) => withStringPolicy(rawEndpoint(stack, undefined), { Version: '2012-10-17', Statement: [allow()] }), ['TestStack/Endpoint']);
  });

  it('F11: an organization condition whose value is not an organization id', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:PrincipalOrgID': '*' } })] }), [
      'TestStack/Endpoint',
    ]);
  });

  it.each(['xo-abcdef1234', 'o-abcdef1234/ou-1'])('F13: an organization condition %s that only contains an organization id', (org) => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:PrincipalOrgID': org } })] }), ['TestStack/Endpoint']);
  });

  it('F14: an account condition with an empty list of values', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:PrincipalAccount': [] } })] }), ['TestStack/Endpoint']);
  });

  it('F15: raw L1: a single Statement object, unconditioned', () => {
    expectNonCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: allow() }), ['TestStack/Endpoint']);
  });

  it.each(['12345', 'x123456789012', '123456789012x'])('F16: in a stack with no account, an account condition %s that is not an account id', (account) => {
    expectNonCompliant(RULE, (stack) => agnosticEndpoint(stack, account), ['Agnostic/Endpoint']);
  });

  it('F12: a raw gateway endpoint (type absent: Gateway) with no policy', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vpc } = rawNetwork(stack);
        new ec2.CfnVPCEndpoint(stack, 'Endpoint', { vpcId: vpc.ref, serviceName: 'com.amazonaws.eu-west-3.s3' });
      },
      ['TestStack/Endpoint'],
    );
  });
});

describe(`${RULE}: evaluation errors`, () => {
  it('E1: the account of the condition given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:PrincipalAccount': parameterRef(stack) } })] }),
      ['TestStack/Endpoint'],
      /aws:PrincipalAccount cannot be evaluated.*Unknown/,
    );
  });

  it('E3: raw: the policy as a string that is not JSON', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawEndpoint(stack, undefined).addPropertyOverride('PolicyDocument', '{ "Statement": [ Allow everything'),
      ['TestStack/Endpoint'],
      /TestStack\/Endpoint: PolicyDocument \(not a JSON policy\)/,
    );
  });

  it('E4: raw L1: a single Statement object with no Effect', () => {
    expectEvaluationErrors(RULE, (stack) => rawEndpoint(stack, { Statement: { Principal: ANYONE, Action: '*', Resource: '*' } }), ['TestStack/Endpoint'], /policy Statement cannot be evaluated/);
  });

  it('E2: the endpoint type given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawEndpoint(stack, { Statement: [allow(ACCOUNT_ONLY)] }, { vpcEndpointType: parameterRef(stack) }),
      ['TestStack/Endpoint'],
      /VpcEndpointType cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it("P1: the platform's PrivateNetwork endpoints (aws:PrincipalAccount = the stack's account)", () => {
    expectCompliant(RULE, (stack) => platformNetwork(stack));
  });

  it('P2: aws:PrincipalOrgID of an organization, aws:ResourceAccount of this account', () => {
    expectCompliant(RULE, (stack) =>
      rawEndpoint(stack, {
        Statement: [allow({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdef1234' } }), allow({ StringEquals: { 'aws:ResourceAccount': [ACCOUNT] } })],
      }),
    );
  });

  it('P3: Deny statements need no condition', () => {
    expectCompliant(RULE, (stack) =>
      rawEndpoint(stack, { Statement: [allow(ACCOUNT_ONLY), { Effect: 'Deny', Principal: ANYONE, Action: 's3:DeleteBucket', Resource: '*' }] }),
    );
  });

  it('P4: a Gateway Load Balancer endpoint (no endpoint policy exists for it) is not applicable', () => {
    expectCompliant(RULE, (stack) => rawEndpoint(stack, undefined, { vpcEndpointType: 'GatewayLoadBalancer', serviceName: 'com.amazonaws.vpce.eu-west-3.vpce-svc-0123' }));
  });

  it('P5: raw L1: a single Statement object, the account as a YAML number, the key in another case', () => {
    expectCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: allow({ StringEquals: { 'AWS:PrincipalAccount': Number(ACCOUNT) } }) }));
  });

  it('P6: raw: the policy as a JSON string, scoped', () => {
    expectCompliant(RULE, (stack) => withStringPolicy(rawEndpoint(stack, undefined), { Statement: [allow(ACCOUNT_ONLY)] }));
  });

  it('P7: the account condition next to another key of the same StringEquals', () => {
    expectCompliant(RULE, (stack) => rawEndpoint(stack, { Statement: [allow({ StringEquals: { 'aws:SourceVpc': 'vpc-0123', 'aws:PrincipalAccount': ACCOUNT } })] }));
  });

  it.each([
    ['a literal account id', '123456789012'],
    ["the stack's own account (AWS::AccountId)", Aws.ACCOUNT_ID],
  ])('P8: in a stack with no account, an account condition naming %s', (_what, account) => {
    expectCompliant(RULE, (stack) => agnosticEndpoint(stack, account));
  });
});
