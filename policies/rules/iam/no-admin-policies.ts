import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule } from '../rule';
import { asList, get, UnresolvableValueError } from '../util';
import {
  accountOfResource,
  appResources,
  designation,
  perApp,
  policyStatements,
  propertiesWithReferences,
  type PolicyStatement,
} from '../bak/support';

/** Resources that hold one policy document. */
const POLICY_TYPES = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy'];
/** Identities with inline policies (Policies) and managed policies (ManagedPolicyArns). */
const IDENTITY_TYPES = ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'];

/** The AWS managed administrator policy, in any partition. */
const ADMINISTRATOR_ACCESS = /^arn:[^:]+:iam::aws:policy\/AdministratorAccess$/;

/** Whether a Resource entry is `*`; throws when it cannot be told (a parameter, `Fn::If`, a foreign import...). */
function isEveryResource(entry: unknown, scope: IConstruct, what: string): boolean {
  if (typeof entry === 'string') return entry === '*';
  const target = designation(entry, scope, what);
  return 'text' in target && target.text === '*';
}

/** An Allow of every action (`*`, `*:*`, or everything but a NotAction list) on every resource. */
function grantsAdministrator(statement: PolicyStatement, scope: IConstruct, what: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  const everyAction = statement.Action.some((a) => a === '*' || a === '*:*') || statement.NotAction.length > 0;
  if (!everyAction) return false;
  return statement.NotResource.length > 0 || statement.Resource.some((r) => isEveryResource(r, scope, `${what} Resource`));
}

function documentGrantsAdministrator(document: unknown, scope: IConstruct, what: string): boolean {
  return policyStatements(document, what).some((s) => grantsAdministrator(s, scope, what));
}

/** Managed policies used as a permissions boundary: they grant nothing by themselves. */
interface Boundaries {
  readonly paths: Set<string>;
  readonly arns: Set<string>;
  /** Managed policies attached to an identity through ManagedPolicyArns. */
  readonly attached: Set<string>;
  /** Attachments that could not be read: any of them might attach a boundary policy. */
  readonly unknown: string[];
}

function readBoundaries(root: IConstruct): Boundaries {
  const paths = new Set<string>();
  const arns = new Set<string>();
  const attached = new Set<string>();
  const unknown: string[] = [];
  for (const identity of appResources(root, 'AWS::IAM::Role', 'AWS::IAM::User')) {
    const props = propertiesWithReferences(identity);
    const boundary = props.PermissionsBoundary;
    if (boundary !== undefined) {
      try {
        const target = designation(boundary, identity, `${identity.node.path} PermissionsBoundary`);
        if ('ref' in target) paths.add(target.ref);
        else arns.add(target.text);
      } catch (error) {
        if (!(error instanceof UnresolvableValueError)) throw error;
      }
    }
  }
  for (const identity of appResources(root, ...IDENTITY_TYPES)) {
    try {
      for (const arn of asList(propertiesWithReferences(identity).ManagedPolicyArns, `${identity.node.path} ManagedPolicyArns`)) {
        const target = designation(arn, identity, `${identity.node.path} ManagedPolicyArns`);
        if ('ref' in target) attached.add(target.ref);
      }
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unknown.push(error.message);
    }
  }
  return { paths, arns, attached, unknown };
}

/** A customer managed policy that is only a permissions boundary (attached to no identity). */
function onlyABoundary(node: CfnResource, boundaries: Boundaries): boolean {
  const props = propertiesWithReferences(node);
  const attachedHere = ['Roles', 'Users', 'Groups'].some((key) => asList(props[key], `${node.node.path} ${key}`).length > 0);
  if (attachedHere || boundaries.attached.has(node.node.path)) return false;
  const name = props.ManagedPolicyName;
  const path = typeof props.Path === 'string' ? props.Path : '/';
  const arn = typeof name === 'string' ? `arn:aws:iam::${accountOfResource(node)}:policy${path}${name}` : undefined;
  const boundary = boundaries.paths.has(node.node.path) || [...boundaries.arns].some((a) => a.replace(/^arn:[^:]+:/, 'arn:aws:') === arn);
  if (boundary && boundaries.unknown.length > 0) {
    throw new Error(`[IAM-02] ${node.node.path} is a permissions boundary; whether it is also attached could not be evaluated: ${boundaries.unknown.join('; ')}`);
  }
  return boundary;
}

function createRule(): (node: CfnResource) => NagRuleResult {
  const boundariesOf = perApp(readBoundaries);
  const rule = (node: CfnResource): NagRuleResult => {
    const type = node.cfnResourceType;
    if (!POLICY_TYPES.includes(type) && !IDENTITY_TYPES.includes(type)) return NagRuleCompliance.NOT_APPLICABLE;
    const props = propertiesWithReferences(node);
    const path = node.node.path;
    if (POLICY_TYPES.includes(type)) {
      if (!documentGrantsAdministrator(props.PolicyDocument, node, `${path} PolicyDocument`)) return NagRuleCompliance.COMPLIANT;
      // A permissions boundary must allow what roles may do at most; it grants nothing itself.
      if (type === 'AWS::IAM::ManagedPolicy' && onlyABoundary(node, boundariesOf(node))) return NagRuleCompliance.COMPLIANT;
      return NagRuleCompliance.NON_COMPLIANT;
    }
    const inline = asList(props.Policies, `${path} Policies`);
    if (inline.some((p, i) => documentGrantsAdministrator(get(p, 'PolicyDocument'), node, `${path} Policies[${i}].PolicyDocument`))) {
      return NagRuleCompliance.NON_COMPLIANT;
    }
    for (const arn of asList(props.ManagedPolicyArns, `${path} ManagedPolicyArns`)) {
      const target = designation(arn, node, `${path} ManagedPolicyArns`);
      if ('text' in target && ADMINISTRATOR_ACCESS.test(target.text)) return NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'NoAdminPolicies' });
}

export const IAM02_NO_ADMIN_POLICIES = defineRule({
  name: 'NoAdminPolicies',
  control: 'IAM-02',
  problem:
    'This IAM policy or identity grants administrator access: an Allow of every action ("*", "*:*", or everything but a NotAction list) on every resource ("*"), or the AWS managed policy AdministratorAccess.',
  fix: 'grant the actions the principal needs on the resources it needs (grantRead, grantEncrypt..., or a PolicyStatement with named actions and ARNs); a break-glass role is acknowledged with its reason and compensating alarm.',
  explanation:
    'ISO 27001 A.5.15, A.5.18 and A.8.2 (privileged access), RGPD art. 32: administrator rights reach every health-data store and every trace; nobody holds them by default.',
  create: () => createRule(),
});
