import { Aws, Fn, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IAM02_NO_ADMIN_POLICIES } from '../../../policies/rules/iam/no-admin-policies';
import { HdsChecks } from '../../../policies/hds-checks';
import { expectCompliant, findings, type FixtureBuilder } from '../support';
import { verdictOf } from './enc-fixtures';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-IAM02-NoAdminPolicies';
const ADMIN = { Effect: 'Allow', Action: '*', Resource: '*' };

function lambdaRole(stack: Stack, props: Partial<iam.RoleProps> = {}): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), ...props });
}

function document(...statements: unknown[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statements };
}

const LAMBDA_TRUST = document({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });

/** A raw role (as a foreign template declares it) whose permissions boundary is `boundary`. */
function boundedRole(stack: Stack, boundary: string, id = 'Raw'): iam.CfnRole {
  return new iam.CfnRole(stack, id, { assumeRolePolicyDocument: LAMBDA_TRUST, permissionsBoundary: boundary });
}

/** A customer managed policy allowing * on *, attached to no identity (a permissions boundary, if one names it). */
function adminPolicy(stack: Stack, props: Partial<iam.CfnManagedPolicyProps> = {}): iam.CfnManagedPolicy {
  return new iam.CfnManagedPolicy(stack, 'Boundary', { managedPolicyName: 'hds-boundary', policyDocument: document(ADMIN), ...props });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a policy (AWS::IAM::Policy) allowing * on *', () => {
    expectNonCompliant(
      RULE,
      (stack) => lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })),
      ['TestStack/Role/DefaultPolicy/Resource'],
    );
  });

  it('F2: a managed policy allowing *:* on *', () => {
    expectNonCompliant(
      RULE,
      (stack) => new iam.CfnManagedPolicy(stack, 'Managed', { roles: [lambdaRole(stack).roleName], policyDocument: document({ ...ADMIN, Action: '*:*' }) }),
      ['TestStack/Managed'],
    );
  });

  it('F3: an inline policy of a raw role, keys ordered Resource, Effect, Action', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        new iam.CfnRole(stack, 'Raw', {
          assumeRolePolicyDocument: document({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
          policies: [{ policyName: 'admin', policyDocument: document({ Resource: '*', Effect: 'Allow', Action: ['*'] }) }],
        }),
      ['TestStack/Raw'],
    );
  });

  it('F4: a role with the AWS managed AdministratorAccess policy', () => {
    expectNonCompliant(
      RULE,
      (stack) => lambdaRole(stack, { managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')] }),
      ['TestStack/Role/Resource'],
    );
  });

  it('F5: a user with AdministratorAccess by literal ARN', () => {
    expectNonCompliant(RULE, (stack) => new iam.CfnUser(stack, 'User', { managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }), [
      'TestStack/User',
    ]);
  });

  it('F6: a group with an inline administrator policy', () => {
    expectNonCompliant(RULE, (stack) => new iam.CfnGroup(stack, 'Group', { policies: [{ policyName: 'admin', policyDocument: document(ADMIN) }] }), [
      'TestStack/Group',
    ]);
  });

  it('F7: an Allow of everything but a NotAction list, on every resource', () => {
    expectNonCompliant(
      RULE,
      (stack) => lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ notActions: ['iam:*', 'organizations:*'], resources: ['*'] })),
      ['TestStack/Role/DefaultPolicy/Resource'],
    );
  });

  it('F8: an Allow of * on everything but one resource (NotResource)', () => {
    expectNonCompliant(
      RULE,
      (stack) => lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['*'], notResources: ['arn:aws:s3:::audit'] })),
      ['TestStack/Role/DefaultPolicy/Resource'],
    );
  });

  it('F9: a role policy resource (AWS::IAM::RolePolicy)', () => {
    expectNonCompliant(
      RULE,
      (stack) => new iam.CfnRolePolicy(stack, 'RolePolicy', { roleName: lambdaRole(stack).roleName, policyName: 'admin', policyDocument: document(ADMIN) }),
      ['TestStack/RolePolicy'],
    );
  });

  it("F10: a foreign template whose statement is one object ordered Effect, Action, Resource (cdk-nag's HIPAA rule misses it)", () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          Policy: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: { PolicyDocument: { Version: '2012-10-17', Statement: ADMIN }, Roles: ['ops'] },
          },
        }),
      ['TestStack/Foreign/Policy'],
    );
  });

  it('F11: a permissions boundary allowing * on * that is also attached to a role', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
        lambdaRole(stack, { permissionsBoundary: boundary, managedPolicies: [boundary] });
      },
      ['TestStack/Boundary/Resource'],
    );
  });

  it.each([
    ['F12: a permissions boundary allowing * on * that is also attached to a user (Users)', { users: ['operator'] }],
    ['F13: a permissions boundary allowing * on * that is also attached to a group (Groups)', { groups: ['operators'] }],
    ['F13b: a permissions boundary allowing * on * that is also attached to a role by name (Roles)', { roles: ['operator'] }],
  ])('%s', (_name, attachment) => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const boundary = new iam.CfnManagedPolicy(stack, 'Boundary', { managedPolicyName: 'hds-boundary', policyDocument: document(ADMIN), ...attachment });
        new iam.CfnRole(stack, 'Raw', {
          assumeRolePolicyDocument: document({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
          permissionsBoundary: boundary.ref,
        });
      },
      ['TestStack/Boundary'],
    );
  });

  it('F14: one statement among several, with * among its actions and * among its resources', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        new iam.CfnManagedPolicy(stack, 'Managed', {
          policyDocument: document(
            { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::docs/*' },
            { Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: ['arn:aws:s3:::docs/*', '*'] },
          ),
        }),
      ['TestStack/Managed'],
    );
  });

  it('F15: a wildcard resource written through Fn::Sub is still every resource', () => {
    expectNonCompliant(
      RULE,
      (stack) => new iam.CfnManagedPolicy(stack, 'Managed', { roles: ['ops'], policyDocument: document({ ...ADMIN, Resource: [{ 'Fn::Sub': '*' }] }) }),
      ['TestStack/Managed'],
    );
  });

  it('F16: an unattached policy allowing * on * is not a boundary because some role has a boundary by literal ARN: only the policy it names is', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        adminPolicy(stack, { managedPolicyName: 'hds-admin' });
        boundedRole(stack, 'arn:aws:iam::111111111111:policy/hds-boundary');
      },
      ['TestStack/Boundary'],
    );
  });

  it('F17: an unattached policy allowing * on * is not taken for the boundary a template parameter names', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        adminPolicy(stack);
        boundedRole(stack, parameter(stack).valueAsString);
      },
      ['TestStack/Boundary'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: named actions on named resources, and actions without resource-level permissions on *', () => {
    expectCompliant(RULE, (stack) => {
      const role = lambdaRole(stack);
      new s3.Bucket(stack, 'Bucket').grantRead(role);
      role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] }));
    });
  });

  it('P2: a Deny of * on * (a guardrail)', () => {
    expectCompliant(RULE, (stack) =>
      lambdaRole(stack).addToPolicy(
        new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'], conditions: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-3' } } }),
      ),
    );
  });

  it('P3: a permissions boundary allowing * on * with a region deny, used only as a boundary', () => {
    expectCompliant(RULE, (stack) => {
      const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
        managedPolicyName: 'hds-boundary',
        statements: [
          new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }),
          new iam.PolicyStatement({ effect: iam.Effect.DENY, notActions: ['iam:*'], resources: ['*'], conditions: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-3' } } }),
        ],
      });
      iam.PermissionsBoundary.of(lambdaRole(stack)).apply(boundary);
    });
  });

  it('P4: a boundary named by its literal ARN on a raw role', () => {
    expectCompliant(RULE, (stack) => {
      new iam.ManagedPolicy(stack, 'Boundary', { managedPolicyName: 'hds-boundary', statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
      new iam.CfnRole(stack, 'Raw', {
        assumeRolePolicyDocument: document({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        permissionsBoundary: 'arn:aws:iam::111111111111:policy/hds-boundary',
      });
    });
  });

  it('P5: customer managed policies by reference and an AWS managed read-only policy', () => {
    expectCompliant(RULE, (stack) => {
      const managed = new iam.ManagedPolicy(stack, 'Managed', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::docs/*'] })] });
      lambdaRole(stack, { managedPolicies: [managed, iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')] });
    });
  });

  it('P6: a foreign template policy with named actions', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Policy: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: { PolicyDocument: { Statement: { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' } }, Roles: ['ops'] },
        },
      }),
    );
  });

  it('P7: a boundary with a Path, named by its literal ARN on a raw role', () => {
    expectCompliant(RULE, (stack) => {
      new iam.CfnManagedPolicy(stack, 'Boundary', { managedPolicyName: 'hds-boundary', path: '/guardrails/', policyDocument: document(ADMIN) });
      new iam.CfnRole(stack, 'Raw', {
        assumeRolePolicyDocument: document({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        permissionsBoundary: 'arn:aws:iam::111111111111:policy/guardrails/hds-boundary',
      });
    });
  });
});

describe(`${RULE}: passing fixtures (boundaries and named resources)`, () => {
  it('P8: * on one named resource, and on a resource built with Fn::Sub, is not administrator access', () => {
    expectCompliant(RULE, (stack) =>
      new iam.CfnManagedPolicy(stack, 'Managed', {
        roles: ['ops'],
        policyDocument: document(
          { ...ADMIN, Resource: 'arn:aws:s3:::docs/*' },
          { ...ADMIN, Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::docs/*' }] },
        ),
      }),
    );
  });

  it('P9: a boundary of a user (PermissionsBoundary on AWS::IAM::User)', () => {
    expectCompliant(RULE, (stack) => new iam.CfnUser(stack, 'User', { permissionsBoundary: adminPolicy(stack).ref }));
  });

  it('P10: a raw boundary with no Path (the root path) named by its literal ARN', () => {
    expectCompliant(RULE, (stack) => {
      adminPolicy(stack);
      boundedRole(stack, 'arn:aws:iam::111111111111:policy/hds-boundary');
    });
  });

  it('P11: a boundary named by its literal ARN in another partition (aws-eusc)', () => {
    expectCompliant(RULE, (stack) => {
      adminPolicy(stack);
      boundedRole(stack, 'arn:aws-eusc:iam::111111111111:policy/hds-boundary');
    });
  });

  it('P12: resources other than policies and identities are not applicable (not judged compliant)', () => {
    const verdict = (build: FixtureBuilder, path: string) => verdictOf(IAM02_NO_ADMIN_POLICIES, build, path);
    expect(verdict((stack) => new s3.CfnBucket(stack, 'Bucket'), 'TestStack/Bucket')).toBeUndefined();
    expect(verdict((stack) => new iam.CfnUser(stack, 'User'), 'TestStack/User')).toBe('Compliant');
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: an Allow of * whose resource is a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => lambdaRole(stack).addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: [parameter(stack).valueAsString] })),
      ['TestStack/Role/DefaultPolicy/Resource'],
    );
  });

  it('E2: a managed policy ARN from a template parameter', () => {
    expectEvaluationErrors(RULE, (stack) => new iam.CfnUser(stack, 'User', { managedPolicyArns: [parameter(stack).valueAsString] }), ['TestStack/User']);
  });

  const unknownArn = (stack: Stack) => parameter(stack).valueAsString;
  it.each<[string, FixtureBuilder, string, RegExp]>([
    [
      'a Resource entry from a template parameter next to a named one',
      (stack) => new iam.CfnManagedPolicy(stack, 'Managed', { roles: ['ops'], policyDocument: document({ ...ADMIN, Resource: [unknownArn(stack), 'arn:aws:s3:::docs/*'] }) }),
      'TestStack/Managed',
      /TestStack\/Managed PolicyDocument Resource cannot be evaluated/,
    ],
    [
      'a policy document chosen by a condition',
      (stack) => new iam.CfnManagedPolicy(stack, 'Managed', { roles: ['ops'], policyDocument: Fn.conditionIf('Admin', document(ADMIN), Aws.NO_VALUE) }),
      'TestStack/Managed',
      /TestStack\/Managed PolicyDocument cannot be evaluated/,
    ],
    [
      "the policy's Roles chosen by a condition",
      (stack) => adminPolicy(stack).addPropertyOverride('Roles', Fn.conditionIf('Attached', ['ops'], Aws.NO_VALUE)),
      'TestStack/Boundary',
      /TestStack\/Boundary Roles cannot be evaluated/,
    ],
    [
      "a role's inline policies chosen by a condition",
      (stack) => new iam.CfnRole(stack, 'Raw', { assumeRolePolicyDocument: LAMBDA_TRUST }).addPropertyOverride('Policies', Fn.conditionIf('Admin', [], Aws.NO_VALUE)),
      'TestStack/Raw',
      /TestStack\/Raw Policies cannot be evaluated/,
    ],
    [
      "a role's inline policy document chosen by a condition",
      (stack) =>
        new iam.CfnRole(stack, 'Raw', {
          assumeRolePolicyDocument: LAMBDA_TRUST,
          policies: [{ policyName: 'ops', policyDocument: document() }, { policyName: 'admin', policyDocument: Fn.conditionIf('Admin', document(ADMIN), Aws.NO_VALUE) }],
        }),
      'TestStack/Raw',
      /TestStack\/Raw Policies\[1\]\.PolicyDocument cannot be evaluated/,
    ],
    [
      "a user's managed policies chosen by a condition",
      (stack) => new iam.CfnUser(stack, 'User').addPropertyOverride('ManagedPolicyArns', Fn.conditionIf('Admin', [], Aws.NO_VALUE)),
      'TestStack/User',
      /TestStack\/User ManagedPolicyArns cannot be evaluated/,
    ],
    [
      "a user's managed policy ARN from a template parameter",
      (stack) => new iam.CfnUser(stack, 'User', { managedPolicyArns: [unknownArn(stack)] }),
      'TestStack/User',
      /TestStack\/User ManagedPolicyArns cannot be evaluated/,
    ],
  ])('E3: %s: could not be evaluated, and the verbose pack says where', (_what, build, path, reason) => {
    expectEvaluationErrors(RULE, build, [path]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });

  const userArns = (stack: Stack) => new iam.CfnUser(stack, 'User').addPropertyOverride('ManagedPolicyArns', Fn.conditionIf('Admin', [], Aws.NO_VALUE));
  it.each<[string, (stack: Stack) => void, string[], RegExp]>([
    ['ManagedPolicyArns chosen by a condition', userArns, ['TestStack/User'], /TestStack\/User ManagedPolicyArns cannot be evaluated at synth: \{"Fn::If"/],
    [
      'a managed policy ARN from a template parameter',
      (stack) => new iam.CfnUser(stack, 'User', { managedPolicyArns: [unknownArn(stack)] }),
      ['TestStack/User'],
      /TestStack\/User ManagedPolicyArns cannot be evaluated at synth: \{"Ref"/,
    ],
    [
      'managed policies chosen by a condition, and so has a group',
      (stack) => {
        userArns(stack);
        new iam.CfnGroup(stack, 'Group').addPropertyOverride('ManagedPolicyArns', Fn.conditionIf('Admin', [], Aws.NO_VALUE));
      },
      ['TestStack/User', 'TestStack/Group'],
      /TestStack\/User ManagedPolicyArns cannot be evaluated at synth: \{"Fn::If".*\}; TestStack\/Group ManagedPolicyArns cannot be evaluated/,
    ],
  ])('E4: a boundary allowing * on * while an identity has %s: whether the boundary is attached could not be evaluated', (_what, unknownAttachment, identities, reason) => {
    const build: FixtureBuilder = (stack) => {
      boundedRole(stack, adminPolicy(stack).ref);
      unknownAttachment(stack);
    };
    expectEvaluationErrors(RULE, build, ['TestStack/Boundary', ...identities]);
    // cdk-nag keeps the first resource's description for the group: the boundary's, which names the unreadable attachments.
    const [first] = findings(build, new HdsChecks(undefined, { verbose: true })).filter((f) => f.rule === RULE);
    expect(first.description).toMatch(/\[IAM-02\] TestStack\/Boundary is a permissions boundary; whether it is also attached could not be evaluated: /);
    expect(first.description).toMatch(reason);
  });
});
