import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IAM_ACTIONS, MAC_ALGORITHM } from '../../lambdas/pseudonymise/permissions';
import { Pseudonymisation, type PseudonymisationProps } from '../../lib/constructs/pseudonymisation';
import { findings } from '../policies/support';
import { testApp, testStack, testVpc } from '../support/app';

type Statement = { Sid?: string; Effect: string; Principal?: unknown; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, unknown>> };

function addTo(stack: Stack, props: Partial<PseudonymisationProps> = {}): Pseudonymisation {
  const vpc = testVpc(stack, { isolatedGroups: ['compute'] });
  return new Pseudonymisation(stack, 'Pseudonymisation', {
    aliasPrefix: 'hds',
    vpc,
    subnets: { subnetGroupName: 'compute' },
    vpcCidr: '10.0.0.0/16',
    logsKey: new kms.Key(stack, 'LogsKey'),
    logRetention: logs.RetentionDays.ONE_YEAR,
    ...props,
  });
}

function build(props: Partial<PseudonymisationProps> = {}) {
  // These tests read the template, not the bundle: skip esbuild.
  const stack = testStack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const construct = addTo(stack, props);
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as kms.CfnKey);
  return { stack, construct, template, keyId: id(construct.key), roleId: id(construct.role) };
}

describe('Pseudonymisation (DATA-02)', () => {
  const { template, keyId, roleId } = build();
  const key = template.toJSON().Resources[keyId];
  const keyStatements = key.Properties.KeyPolicy.Statement as Statement[];

  test('the key is an HMAC_256 key for GenerateMac, retained, with a 30-day deletion window and a versioned alias', () => {
    expect(key.Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC', EnableKeyRotation: false, PendingWindowInDays: 30 });
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.UpdateReplacePolicy).toBe('Retain');
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/hds/pseudonyms-v1', TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  test('only the function role may use the key, only for GenerateMac with HMAC_SHA_256', () => {
    const users = keyStatements.filter((s) => [s.Action].flat().some((a) => !/^kms:(Create|Describe|Enable|List|Put|Update|Revoke|Disable|Get|Delete|Tag|Untag|Schedule|Cancel|Rotate)/.test(a)));
    expect(users).toEqual([
      {
        Sid: 'PseudonymsByTheFunctionOnly',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } },
        Action: 'kms:GenerateMac',
        Resource: '*',
        Condition: { StringEquals: { 'kms:MacAlgorithm': MAC_ALGORITHM, 'kms:CallerAccount': '111111111111' } },
      },
    ]);
    // The administrators (the account, through IAM) get no cryptographic action.
    const admin = keyStatements.find((s) => s.Sid === 'KeyAdministrationThroughIam')!;
    expect([admin.Action].flat()).not.toEqual(expect.arrayContaining(['kms:GenerateMac']));
    expect([admin.Action].flat().some((a) => a === 'kms:*' || a.endsWith('Mac'))).toBe(false);
  });

  test('the function runs in the isolated subnets with the key in its environment, and its policy allows its calls on that key only', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { PSEUDONYM_KEY_ID: { 'Fn::GetAtt': [keyId, 'Arn'] } } },
      VpcConfig: { SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpccomputeSubnet1') }, { Ref: Match.stringLikeRegexp('^VpccomputeSubnet2') }], SecurityGroupIds: Match.anyValue() },
      ReservedConcurrentExecutions: 5,
    });
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const kmsStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:') && a !== 'kms:Decrypt' && a !== 'kms:GenerateDataKey'));
    expect(kmsStatements).toEqual([
      expect.objectContaining({
        Action: IAM_ACTIONS.length === 1 ? IAM_ACTIONS[0] : IAM_ACTIONS,
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: { StringEquals: { 'kms:MacAlgorithm': MAC_ALGORITHM } },
      }),
    ]);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the role policy, key policy and a caller policy together let the function, and only it, compute pseudonyms', async () => {
    const keyArn = 'arn:aws:kms:eu-west-3:111111111111:key/1111aaaa-11aa-11aa-11aa-111111aaaaaa';
    const functionRole = 'arn:aws:iam::111111111111:role/hds-privacy-PseudonymisationFunctionRole';
    const operator = 'arn:aws:iam::111111111111:role/Operator';
    const resolve = (doc: unknown) =>
      JSON.parse(JSON.stringify(doc).replace(/\{"Fn::GetAtt":\["[^"]+","Arn"\]\}/g, (m) => (m.includes(keyId) ? `"${keyArn}"` : `"${functionRole}"`)));
    const keyPolicy = resolve(key.Properties.KeyPolicy);
    const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const simulate = async (principal: string, action: string, algorithm: string) => {
      const response = await runSimulation(
        {
          request: {
            principal,
            action,
            resource: { resource: keyArn, accountId: '111111111111' },
            contextVariables: { 'kms:MacAlgorithm': algorithm, 'kms:CallerAccount': '111111111111', 'aws:RequestedRegion': 'eu-west-3' },
          },
          identityPolicies: [{ name: 'everything', policy: allowAll }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: keyPolicy,
        },
        {},
      );
      if (response.resultType !== 'single') throw new Error(`simulation failed: ${JSON.stringify(response)}`);
      return response.overallResult;
    };
    expect(await simulate(functionRole, 'kms:GenerateMac', 'HMAC_SHA_256')).toBe('Allowed');
    // Even an administrator whose IAM policy allows everything cannot compute a pseudonym.
    expect(await simulate(operator, 'kms:GenerateMac', 'HMAC_SHA_256')).not.toBe('Allowed');
    expect(await simulate(functionRole, 'kms:VerifyMac', 'HMAC_SHA_256')).not.toBe('Allowed');
    expect(await simulate(functionRole, 'kms:GenerateMac', 'HMAC_SHA_512')).not.toBe('Allowed');
  });

  test('a new key generation is a new key (the old one is retained elsewhere), and a bad generation is refused', () => {
    const v2 = build({ keyVersion: 2 });
    v2.template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/hds/pseudonyms-v2' });
    expect(v2.keyId).not.toBe(keyId);
    for (const keyVersion of [0, 1.5, 100]) {
      expect(() => build({ keyVersion })).toThrow(new RegExp(`keyVersion is ${keyVersion}; allowed: a whole number from 1 to 99`));
    }
  });

  test('grantInvoke lets a caller invoke the function, and gives it nothing on the key', () => {
    const stack = testStack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }));
    const construct = addTo(stack);
    const analytics = new iam.Role(stack, 'Analytics', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    construct.grantInvoke(analytics);
    const functionId = stack.getLogicalId(construct.function.node.defaultChild as lambda.CfnFunction);
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown[]; PolicyDocument: { Statement: Statement[] } } }[];
    const granted = policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(stack.getLogicalId(analytics.node.defaultChild as iam.CfnRole)));
    const statements = granted.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.flatMap((st) => [st.Action].flat())).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(statements)).toContain(functionId);
    expect(JSON.stringify(statements)).not.toMatch(/kms:/);
  });

  test('the HDS pack accepts the key and the function (the platform adds the boundary and the endpoints)', () => {
    const found = findings((stack) => {
      addTo(stack);
    });
    const mine = found.filter((f) => f.path.startsWith('TestStack/Pseudonymisation/'));
    expect(mine.map((f) => `${f.rule} ${f.path}`).sort()).toEqual([
      'HDS-NET02-PrivateApiAccess TestStack/Pseudonymisation/Function/Resource',
      'HDS-RES03-RoleBounded TestStack/Pseudonymisation/FunctionRole/Resource',
    ]);
  });
});
