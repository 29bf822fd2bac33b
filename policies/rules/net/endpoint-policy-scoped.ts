import { Stack, Token, type CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { get, statements, UnresolvableValueError, type Statement } from '../util';
import { AppIndex, literal, named, optionalLiteral, readable } from './support';

/** Endpoint types that take an endpoint policy (Gateway Load Balancer, resource and service-network endpoints do not). */
const WITH_POLICY = new Set(['Gateway', 'Interface']);

/**
 * Condition keys that limit an endpoint to the platform's own principals or resources, with the check of
 * their values. `aws:SourceVpc` and `aws:SourceVpce` are not among them: every request through an endpoint
 * comes from its VPC and through itself, so in an endpoint policy they hold for any principal of any
 * account and limit nothing (they belong in the policies of the resources reached).
 */
function accountKeyCheck(node: CfnResource): Record<string, (value: string) => boolean> {
  const account = Stack.of(node).account;
  const ownAccount = (value: string) =>
    Token.isUnresolved(account) ? /^\d{12}$/.test(value) || value === '${AWS::AccountId}' : value === account;
  const organization = (value: string) => /^o-[a-z0-9]{10,32}$/.test(value);
  return {
    'aws:principalaccount': ownAccount,
    'aws:resourceaccount': ownAccount,
    'aws:principalorgid': organization,
    'aws:resourceorgid': organization,
  };
}

/** An Allow statement is scoped when a StringEquals condition ties it to the account or organization. */
function isScoped(statement: Statement, node: CfnResource): boolean {
  const checks = accountKeyCheck(node);
  const stringEquals = statement.Condition?.StringEquals;
  if (!stringEquals || typeof stringEquals !== 'object') return false;
  return Object.entries(stringEquals).some(([key, raw]) => {
    const check = checks[key.toLowerCase()];
    if (!check || raw === undefined) return false;
    // A YAML template may spell an account id as a number.
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) =>
      typeof v === 'number' ? String(v) : literal(v, node, `PolicyDocument condition ${key}`),
    );
    return values.length > 0 && values.every(check);
  });
}

/** The policy as an object (CloudFormation also takes it as a JSON string), with a single statement as a list. */
function policyDocument(value: unknown, node: CfnResource): unknown {
  let document = value;
  if (typeof value === 'string') {
    try {
      document = JSON.parse(value) as unknown;
    } catch {
      throw new UnresolvableValueError(`${node.node.path}: PolicyDocument (not a JSON policy)`, readable(value));
    }
  }
  const statement = (document as Record<string, unknown> | null)?.Statement;
  const single = statement && typeof statement === 'object' && !Array.isArray(statement) && get(statement, 'Effect') !== undefined;
  return single ? { ...(document as object), Statement: [statement] } : document;
}

/**
 * NET-02: every gateway or interface endpoint has a policy (none means full access for anyone through
 * it), and every Allow statement of that policy is conditioned, with StringEquals, on the platform's
 * account (`aws:PrincipalAccount`, `aws:ResourceAccount` equal to the stack's account) or organization
 * (`aws:PrincipalOrgID`, `aws:ResourceOrgID`). A condition value that cannot be evaluated throws.
 */
function createEndpointPolicyScopedRule() {
  const indexOf = AppIndex.cache();
  return named('EndpointPolicyScoped', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::EC2::VPCEndpoint') return NagRuleCompliance.NOT_APPLICABLE;
    const props = indexOf(node).props(node);
    // CloudFormation's default endpoint type is Gateway.
    const type = optionalLiteral(props.VpcEndpointType, node, 'VpcEndpointType') ?? 'Gateway';
    if (!WITH_POLICY.has(type)) return NagRuleCompliance.NOT_APPLICABLE;
    if (props.PolicyDocument === undefined) return NagRuleCompliance.NON_COMPLIANT;
    const allows = statements(policyDocument(props.PolicyDocument, node)).filter((s) => s.Effect === 'Allow');
    return allows.every((s) => isScoped(s, node)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}

export const NET02_ENDPOINT_POLICY_SCOPED = defineRule({
  name: 'EndpointPolicyScoped',
  control: 'NET-02',
  problem:
    'This VPC endpoint has no endpoint policy (full access), or an Allow statement of its policy is not limited to the account or organization.',
  fix: "add to every Allow statement Condition StringEquals aws:PrincipalAccount (or aws:ResourceAccount) = this stack's account, or aws:PrincipalOrgID = your organization; PrivateNetwork.addInterfaceEndpoint does (aws:SourceVpc/aws:SourceVpce do not limit an endpoint policy).",
  explanation:
    'ISO 27001 A.8.20 and A.8.21, RGPD art. 32: an endpoint without a scoped policy lets any credentials, including another account’s, move health data out of the isolated network through it.',
  create: () => createEndpointPolicyScopedRule(),
});
