import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnParameter, CfnResource, Fn, Stack, Token, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { NagPack, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { applyResidencyBoundary } from '../../../lib/aspects/residency-boundary';
import { permissionsBoundaryDocument, type PolicyDocumentJson } from '../../../policies/guardrails';
import { RES03_ROLE_BOUNDED } from '../../../policies/rules/res/boundary';
import { DEFAULT_CHECK_OPTIONS, type HdsCheckOptions, type RuleFunction } from '../../../policies/rules/rule';
import { testApp, testStack } from '../../support/app';
import { FIXTURE_STACK, expectCompliant, expectFindings, findings, type FixtureBuilder } from '../support';

const RULE = `HDS-${RES03_ROLE_BOUNDED.id}`;

/** Runs RES03-RoleBounded alone, as the HDS pack runs its rules (a fresh rule function per validation). */
class RoleBoundedOnly extends NagPack {
  public readonly name = 'RoleBoundedOnly';
  private fn: RuleFunction = () => NagRuleCompliance.NOT_APPLICABLE;

  constructor(private readonly options: HdsCheckOptions = DEFAULT_CHECK_OPTIONS) {
    super();
    this.packName = 'HDS';
  }

  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.fn = RES03_ROLE_BOUNDED.create(this.options);
    return super.validateScope(scope);
  }

  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: RES03_ROLE_BOUNDED.id,
      info: RES03_ROLE_BOUNDED.info,
      explanation: RES03_ROLE_BOUNDED.explanation,
      level: RES03_ROLE_BOUNDED.level,
      rule: this.fn,
      node,
    });
  }
}

const pack = (allowedRegions?: readonly string[]) =>
  new RoleBoundedOnly({ ...DEFAULT_CHECK_OPTIONS, ...(allowedRegions ? { allowedRegions } : {}) });

/**
 * The rule function's outcome on every role, by path: cdk-nag groups findings per rule id with the first
 * description, so only this tells, per resource, a definite finding from a rule that threw.
 */
function verdicts(build: FixtureBuilder, allowedRegions?: readonly string[]): Record<string, string> {
  const app = testApp();
  build(testStack(app, FIXTURE_STACK), app);
  app.synth();
  const fn = RES03_ROLE_BOUNDED.create({ ...DEFAULT_CHECK_OPTIONS, ...(allowedRegions ? { allowedRegions } : {}) });
  const result: Record<string, string> = {};
  for (const node of app.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    let outcome: string;
    try {
      outcome = String(fn(node));
    } catch (error) {
      outcome = `threw: ${(error as Error).message}`;
    }
    if (outcome !== NagRuleCompliance.NOT_APPLICABLE) result[node.node.path] = outcome;
  }
  return result;
}

/** The rule reports exactly `paths`, each a definite non-compliance, and every other role is compliant. */
function expectNonCompliant(build: FixtureBuilder, paths: readonly string[], allowedRegions?: readonly string[]): void {
  expectFindings(RULE, build, paths, pack(allowedRegions));
  const all = verdicts(build, allowedRegions);
  const other = Object.entries(all).filter(([p]) => !paths.includes(p));
  expect(paths.map((p) => [p, all[p]])).toStrictEqual(paths.map((p) => [p, NagRuleCompliance.NON_COMPLIANT]));
  expect(other.filter(([, outcome]) => outcome !== NagRuleCompliance.COMPLIANT)).toStrictEqual([]);
}

/** The rule reports exactly one finding, at `rolePath`, as "could not be evaluated", with `message`. */
function expectEvaluationError(build: FixtureBuilder, rolePath: string, message: RegExp): void {
  const found = findings(build, pack()).filter((f) => f.rule === RULE);
  expect(found.map(({ path: p, evaluationError }) => ({ path: p, evaluationError }))).toStrictEqual([{ path: rolePath, evaluationError: true }]);
  const all = verdicts(build);
  expect(Object.keys(all)).toStrictEqual([rolePath]);
  expect(all[rolePath]).toMatch(message);
}

function role(scope: IConstruct, id = 'Role', props: Partial<iam.RoleProps> = {}): iam.Role {
  return new iam.Role(scope as Stack, id, { assumedBy: new iam.AccountRootPrincipal(), ...props });
}

/** A managed policy of the app with `document` as is (no minimisation), to bound roles with. */
function boundaryPolicy(scope: IConstruct, document: unknown, id = 'Boundary', props: Partial<iam.ManagedPolicyProps> = {}): iam.ManagedPolicy {
  const policy = new iam.ManagedPolicy(scope as Stack, id, { document: iam.PolicyDocument.fromJson(document), ...props });
  (policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument = document;
  return policy;
}

/** The generated boundary with its region-deny statement changed by `change`. */
function withRegionDeny(change: (statement: Record<string, unknown>) => Record<string, unknown>, regions = ['eu-west-3']): PolicyDocumentJson {
  const document = permissionsBoundaryDocument(regions);
  return { ...document, Statement: document.Statement.map((s) => (s.Sid === 'DenyOutsideAllowedRegions' ? (change({ ...s }) as never) : s)) };
}

const TEMPLATES = fs.mkdtempSync(path.join(os.tmpdir(), 'res03-'));
afterAll(() => fs.rmSync(TEMPLATES, { recursive: true, force: true }));

/** A foreign template (EVD-02): one role bounded by a policy of the template, one role with no boundary. */
function includedTemplate(): string {
  const file = path.join(TEMPLATES, 'template.json');
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  fs.writeFileSync(
    file,
    JSON.stringify({
      Resources: {
        Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: permissionsBoundaryDocument(['eu-west-3']) } },
        Bounded: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, PermissionsBoundary: { Ref: 'Boundary' } } },
        Unbounded: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
      },
    }),
  );
  return file;
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a role with no permissions boundary', () => {
    expectNonCompliant((stack) => role(stack), ['TestStack/Role/Resource']);
  });

  it('F2: a role bounded by a managed policy of the app without the region deny', () => {
    expectNonCompliant((stack) => {
      const policy = boundaryPolicy(stack, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
      role(stack, 'Role', { permissionsBoundary: policy });
    }, ['TestStack/Role/Resource']);
  });

  it('F3: a boundary whose region deny also allows us-east-1', () => {
    expectNonCompliant((stack) => {
      const document = withRegionDeny((s) => ({ ...s, Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-3', 'us-east-1'] } } }));
      role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, document) });
    }, ['TestStack/Role/Resource']);
  });

  it('F4: a boundary that is an ARN outside the app: could not be evaluated', () => {
    expectEvaluationError(
      (stack) => role(stack, 'Role', { permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Org', 'arn:aws:iam::111111111111:policy/OrgBoundary') }),
      'TestStack/Role/Resource',
      /^threw: \[RES-03\] permissions boundary of TestStack\/Role\/Resource .* cannot be evaluated at synth: "arn:aws:iam::111111111111:policy\/OrgBoundary"/,
    );
  });

  it('F5: a boundary that is a template parameter: could not be evaluated', () => {
    expectEvaluationError(
      (stack) => {
        const arn = new CfnParameter(stack, 'BoundaryArn', { type: 'String' }).valueAsString;
        role(stack, 'Role', { permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Param', arn) });
      },
      'TestStack/Role/Resource',
      /cannot be evaluated at synth: "TestStack\/BoundaryArn"/,
    );
  });

  it('F6: a region deny that exempts more than the reviewed global services (kms:*)', () => {
    expectNonCompliant((stack) => {
      const document = withRegionDeny((s) => ({ ...s, NotAction: [...(s.NotAction as string[]), 'kms:*'] }));
      role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, document) });
    }, ['TestStack/Role/Resource']);
  });

  it('F7: a region deny with an extra condition that exempts some principals', () => {
    expectNonCompliant((stack) => {
      const document = withRegionDeny((s) => ({
        ...s,
        Condition: { ...(s.Condition as object), ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } },
      }));
      role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, document) });
    }, ['TestStack/Role/Resource']);
  });

  it('F8: a region deny on some resources only', () => {
    expectNonCompliant((stack) => {
      const document = withRegionDeny((s) => ({ ...s, Resource: 'arn:aws:s3:::hds-documents/*' }));
      role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, document) });
    }, ['TestStack/Role/Resource']);
  });

  it('F9: the region deny as an inline policy of the role, not as its boundary', () => {
    expectNonCompliant((stack) => {
      role(stack, 'Role', { inlinePolicies: { Residency: iam.PolicyDocument.fromJson(permissionsBoundaryDocument(['eu-west-3'])) } });
    }, ['TestStack/Role/Resource']);
  });

  it('F10: the generated boundary for eu-west-3 judged against a deployment that allows only eu-west-1', () => {
    expectNonCompliant((stack) => applyResidencyBoundary(stack, ['eu-west-3']) && role(stack), ['TestStack/Role/Resource'], ['eu-west-1']);
  });

  it('F11: hidden roles: a function role and a custom-resource provider role, when only the operator role is bounded', () => {
    expectNonCompliant(
      (stack) => {
        const policy = boundaryPolicy(stack, permissionsBoundaryDocument(['eu-west-3']));
        iam.PermissionsBoundary.of(role(stack, 'Operator')).apply(policy);
        new lambda.Function(stack, 'Function', {
          runtime: lambda.Runtime.NODEJS_22_X,
          handler: 'index.handler',
          code: lambda.Code.fromInline('exports.handler = async () => {};'),
        });
        new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      },
      ['TestStack/Custom::VpcRestrictDefaultSGCustomResourceProvider/Role', 'TestStack/Function/ServiceRole/Resource'],
    );
  });

  it('F12: a region deny whose regions come from a template parameter: could not be evaluated', () => {
    expectEvaluationError(
      (stack) => {
        const regions = new CfnParameter(stack, 'Regions', { type: 'CommaDelimitedList' }).valueAsList;
        const document = withRegionDeny((s) => ({ ...s, Condition: { StringNotEquals: { 'aws:RequestedRegion': regions } } }));
        role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, document) });
      },
      'TestStack/Role/Resource',
      /could not be evaluated: TestStack\/Boundary\/Resource: aws:RequestedRegion \{"Ref":"Regions"\} is not a literal list of regions/,
    );
  });

  it('F13: a foreign template (cloudformation-include): the role without a boundary, not the bounded one', () => {
    expectNonCompliant((stack) => new CfnInclude(stack, 'Included', { templateFile: includedTemplate() }), ['TestStack/Included/Unbounded']);
  });
  it.each<[string, (statement: Record<string, unknown>) => Record<string, unknown>]>([
    ['F14: the region deny written as an Allow', (s) => ({ ...s, Effect: 'Allow' })],
    ['F15: the region deny with StringEquals (it denies the allowed regions instead)', (s) => ({ ...s, Condition: { StringEquals: s.Condition && (s.Condition as Record<string, unknown>).StringNotEquals } })],
    ['F16: the region deny on another condition key (ec2:Region)', (s) => ({ ...s, Condition: { StringNotEquals: { 'ec2:Region': ['eu-west-3'] } } })],
    [
      'F17: the region deny with a second key in its StringNotEquals (it exempts a principal account)',
      (s) => ({ ...s, Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-3'], 'aws:PrincipalAccount': ['222222222222'] } } }),
    ],
    ['F18: the region deny with an empty list of regions', (s) => ({ ...s, Condition: { StringNotEquals: { 'aws:RequestedRegion': [] } } })],
  ])('%s', (_name, change) => {
    expectNonCompliant((stack) => role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, withRegionDeny(change)) }), ['TestStack/Role/Resource']);
  });
});

describe(`${RULE}: boundaries that cannot be evaluated`, () => {
  it.each<[string, FixtureBuilder, RegExp]>([
    [
      'E1: a boundary that refers to a resource of the app that is not a managed policy (a topic)',
      (stack) => role(stack, 'Role', { permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'NotAPolicy', new sns.Topic(stack, 'Topic').topicArn) }),
      /\(not a managed policy of this app\) cannot be evaluated at synth: "TestStack\/Topic\/Resource"/,
    ],
    [
      'E2: a boundary ARN whose policy name is a template parameter',
      (stack) => {
        const name = new CfnParameter(stack, 'PolicyName', { type: 'String' }).valueAsString;
        role(stack, 'Role', { permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Named', `arn:aws:iam::111111111111:policy/${name}`) });
      },
      /cannot be evaluated at synth: "arn:aws:iam::111111111111:policy\/<TestStack\/PolicyName>"/,
    ],
    [
      'E3: a boundary chosen by an Fn::If',
      (stack) => {
        const policy = boundaryPolicy(stack, permissionsBoundaryDocument(['eu-west-3']));
        (role(stack).node.defaultChild as iam.CfnRole).permissionsBoundary = Token.asString(Fn.conditionIf('Bounded', policy.managedPolicyArn, Fn.ref('AWS::NoValue')));
      },
      /cannot be evaluated at synth: \{"Fn::If":\["Bounded"/,
    ],
    [
      'E4: a boundary that is not an ARN, while the app has a named managed policy',
      (stack) => {
        boundaryPolicy(stack, permissionsBoundaryDocument(['eu-west-3']), 'Boundary', { managedPolicyName: 'hds-residency-boundary' });
        (role(stack).node.defaultChild as iam.CfnRole).permissionsBoundary = 'hds-residency-boundary';
      },
      /cannot be evaluated at synth: "hds-residency-boundary"/,
    ],
    [
      'E5: a boundary ARN naming a policy the app does not have, while it has another named one',
      (stack) => {
        boundaryPolicy(stack, permissionsBoundaryDocument(['eu-west-3']), 'Boundary', { managedPolicyName: 'hds-residency-boundary' });
        role(stack, 'Role', { permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'ByName', 'org-boundary') });
      },
      /cannot be evaluated at synth: "arn:aws:iam::111111111111:policy\/org-boundary"/,
    ],
    [
      'E6: the allowed regions of the region deny, one of them a template parameter',
      (stack) => {
        const region = new CfnParameter(stack, 'Region', { type: 'String' }).valueAsString;
        const document = withRegionDeny((st) => ({ ...st, Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-3', region] } } }));
        role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, document) });
      },
      /could not be evaluated: TestStack\/Boundary\/Resource: aws:RequestedRegion .* is not a literal list of regions/,
    ],
    [
      'E7: the statements of the boundary policy chosen by an Fn::If',
      (stack) => {
        const document = permissionsBoundaryDocument(['eu-west-3']);
        const policy = boundaryPolicy(stack, document);
        (policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument = { ...document, Statement: Fn.conditionIf('Strict', document.Statement, document.Statement) };
        role(stack, 'Role', { permissionsBoundary: policy });
      },
      /could not be evaluated: TestStack\/Boundary\/Resource: policy Statement cannot be evaluated/,
    ],
  ])('%s', (_name, build, message) => {
    expectEvaluationError(build, 'TestStack/Role/Resource', message);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a role bounded by applyResidencyBoundary (the generated boundary)', () => {
    expectCompliant(RULE, (stack) => {
      role(stack);
      applyResidencyBoundary(stack, ['eu-west-3']);
    }, pack());
  });

  it('P2: every role of a stack, hidden ones included, bounded by applyResidencyBoundary; both outcomes per role are compliant', () => {
    const build: FixtureBuilder = (stack) => {
      role(stack);
      new lambda.Function(stack, 'Function', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {};'),
      });
      new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: true, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      applyResidencyBoundary(stack, ['eu-west-3']);
    };
    expectCompliant(RULE, build, pack());
    expect(verdicts(build)).toStrictEqual({
      'TestStack/Role/Resource': NagRuleCompliance.COMPLIANT,
      'TestStack/Function/ServiceRole/Resource': NagRuleCompliance.COMPLIANT,
      'TestStack/Custom::VpcRestrictDefaultSGCustomResourceProvider/Role': NagRuleCompliance.COMPLIANT,
    });
  });

  it('P3: a boundary for two allowed regions, under the default options (every HDS EEA region)', () => {
    expectCompliant(RULE, (stack) => {
      role(stack);
      applyResidencyBoundary(stack, ['eu-west-3', 'eu-west-1']);
    }, pack());
  });

  it('P4: the boundary policy in another stack of the app (a cross-stack reference)', () => {
    expectCompliant(RULE, (stack, app) => {
      const shared = new Stack(app, 'Shared', { env: { account: '111111111111', region: 'eu-west-3' } });
      role(stack, 'Role', { permissionsBoundary: boundaryPolicy(shared, permissionsBoundaryDocument(['eu-west-3'])) });
    }, pack());
  });

  it('P5: an L1 CfnRole whose PermissionsBoundary is the policy ARN', () => {
    expectCompliant(RULE, (stack) => {
      const policy = boundaryPolicy(stack, permissionsBoundaryDocument(['eu-west-3']));
      new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [] }, permissionsBoundary: policy.managedPolicyArn });
    }, pack());
  });

  it("P6: a boundary given by name (CDK's PermissionsBoundary.fromName form), matching a managed policy of the app", () => {
    expectCompliant(RULE, (stack) => {
      boundaryPolicy(stack, permissionsBoundaryDocument(['eu-west-3']), 'Boundary', { managedPolicyName: 'hds-residency-boundary' });
      role(stack, 'Role', { permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'ByName', 'hds-residency-boundary') });
    }, pack());
  });

  it('P7: resources that are not roles are not applicable (a topic, a managed policy, no role at all)', () => {
    const build: FixtureBuilder = (stack) => {
      new sns.Topic(stack, 'Topic');
      boundaryPolicy(stack, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    };
    expectCompliant(RULE, build, pack());
    expect(verdicts(build)).toStrictEqual({});
  });

  it('P8: the region-deny statement written with a single region string instead of a list', () => {
    expectCompliant(RULE, (stack) => {
      const document = withRegionDeny((s) => ({ ...s, Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-3' } } }));
      role(stack, 'Role', { permissionsBoundary: boundaryPolicy(stack, document) });
    }, pack());
  });

  it('P9: a boundary ARN built with Fn::Sub and pseudo parameters, naming a managed policy of the app', () => {
    expectCompliant(RULE, (stack) => {
      boundaryPolicy(stack, permissionsBoundaryDocument(['eu-west-3']), 'Boundary', { managedPolicyName: 'hds-residency-boundary' });
      (role(stack).node.defaultChild as iam.CfnRole).permissionsBoundary = Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/hds-residency-boundary');
    }, pack());
  });

  it('P10: a raw managed policy with a name and no Path (CloudFormation defaults to /), named by the boundary ARN', () => {
    expectCompliant(RULE, (stack) => {
      new iam.CfnManagedPolicy(stack, 'Raw', { managedPolicyName: 'raw-boundary', policyDocument: permissionsBoundaryDocument(['eu-west-3']) });
      (role(stack).node.defaultChild as iam.CfnRole).permissionsBoundary = 'arn:aws:iam::111111111111:policy/raw-boundary';
    }, pack());
  });
});
