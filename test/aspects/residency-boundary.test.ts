import { CfnResource, NestedStack, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { applyResidencyBoundary, RESIDENCY_BOUNDARY_ID } from '../../lib/aspects/residency-boundary';
import { permissionsBoundaryDocument } from '../../policies/guardrails';
import { testApp, testStack } from '../support/app';

/** A stack with the three kinds of roles a platform stack has: its own, a function's, a custom-resource provider's. */
function stackWithRoles(): Stack {
  const stack = testStack(testApp());
  new iam.Role(stack, 'OperatorRole', { assumedBy: new iam.AccountRootPrincipal() });
  new lambda.Function(stack, 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  // Adds a CustomResourceProvider whose role is a plain CfnResource of type AWS::IAM::Role.
  new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return stack;
}

function policyLogicalId(template: Template): string {
  const policies = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  return policies[0];
}

describe('applyResidencyBoundary', () => {
  it('creates one managed policy per stack whose document is exactly the generated boundary', () => {
    const stack = stackWithRoles();
    applyResidencyBoundary(stack, ['eu-west-3', 'eu-west-1']);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policy.Properties.PolicyDocument).toStrictEqual(permissionsBoundaryDocument(['eu-west-3', 'eu-west-1']));
    expect(stack.node.tryFindChild(RESIDENCY_BOUNDARY_ID)).toBeInstanceOf(iam.ManagedPolicy);
  });

  it('bounds every AWS::IAM::Role of the stack: an iam.Role, a Lambda function role and a custom-resource provider role', () => {
    const stack = stackWithRoles();
    applyResidencyBoundary(stack, ['eu-west-3']);
    const template = Template.fromStack(stack);
    const policy = policyLogicalId(template);
    const roles = template.findResources('AWS::IAM::Role');
    // The three kinds are all there, including the provider role written as a plain CfnResource.
    const providerRole = stack.node
      .findAll()
      .find((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::IAM::Role' && c.constructor === CfnResource);
    expect(providerRole?.node.path).toMatch(/Custom::VpcRestrictDefaultSGCustomResourceProvider\/Role$/);
    expect(Object.keys(roles)).toHaveLength(3);
    for (const [id, role] of Object.entries(roles)) {
      expect({ id, boundary: role.Properties.PermissionsBoundary }).toStrictEqual({ id, boundary: { Ref: policy } });
    }
  });

  it('bounds roles added after the call, and overrides a boundary set on a role by hand', () => {
    const stack = testStack(testApp());
    applyResidencyBoundary(stack, ['eu-west-3']);
    const other = new iam.ManagedPolicy(stack, 'Other', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
    new iam.Role(stack, 'Late', { assumedBy: new iam.AccountRootPrincipal(), permissionsBoundary: other });
    new iam.CfnRole(stack, 'L1', { assumeRolePolicyDocument: { Statement: [] } });
    const template = Template.fromStack(stack);
    const boundary = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('RES-03') } });
    const [policy] = Object.keys(boundary);
    template.allResourcesProperties('AWS::IAM::Role', { PermissionsBoundary: { Ref: policy } });
  });

  it('bounds the roles of nested stacks through a parameter of the nested stack', () => {
    const stack = testStack(testApp());
    const nested = new NestedStack(stack, 'Nested');
    new iam.Role(nested, 'NestedRole', { assumedBy: new iam.AccountRootPrincipal() });
    applyResidencyBoundary(stack, ['eu-west-3']);
    const parent = Template.fromStack(stack);
    const policy = policyLogicalId(parent);
    const child = Template.fromStack(nested);
    const [role] = Object.values(child.findResources('AWS::IAM::Role'));
    const parameter = (role.Properties.PermissionsBoundary as { Ref: string }).Ref;
    const [nestedStackResource] = Object.values(parent.findResources('AWS::CloudFormation::Stack'));
    expect(nestedStackResource.Properties.Parameters[parameter]).toStrictEqual({ Ref: policy });
  });

  it('refuses an allow-list outside the HDS EEA regions', () => {
    expect(() => applyResidencyBoundary(testStack(testApp()), ['eu-west-3', 'us-east-1'])).toThrow(/us-east-1 is not an HDS EEA region/);
  });
});
