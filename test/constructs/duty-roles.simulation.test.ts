/**
 * IAM-01, LOG-06: the synthesized trust and permission policies of the duty roles, evaluated with an IAM policy
 * simulator (@cloud-copilot/iam-simulate, AGPL: a devDependency used by tests only, DESIGN.md "Licences"), as in
 * test/policies/guardrails/simulation.test.ts.
 *
 * The policies are read from the template. Resources are imported with literal ARNs so that the template holds
 * the ARNs IAM would see. The simulator does not know the content of AWS managed policies (ReadOnlyAccess,
 * SecurityAudit), so they are stood in for in the way that makes each test hardest to pass:
 * - a call that must be denied is simulated as if the managed policy allowed everything: the deny must come
 *   from the construct's own explicit denies, whatever AWS puts in the managed policy;
 * - a call that must be allowed is simulated without the managed policy: the construct's own policies grant it.
 * Every permission simulation has the residency boundary as permissions boundary, as the platform applies it,
 * and the request context IAM sets (`aws:RequestedRegion`, `aws:PrincipalArn`).
 */
import { getDenialReasons, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DutyRoles } from '../../lib/constructs/duty-roles';
import { permissionsBoundaryDocument } from '../../policies/guardrails';
import { testStack } from '../support/app';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-3';
const DATA_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-11aa-11aa-11aa-111111aaaaaa`;
const LOGS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/2222bbbb-22bb-22bb-22bb-222222bbbbbb`;
const DOCUMENTS = 'arn:aws:s3:::hds-data-healthdatadocuments5e6f7a8b-3klmnopqrst4';
const ARCHIVE = 'arn:aws:s3:::hds-foundation-logarchivearchive1a2b3c4d-1abcdefghij2';

const ALICE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-3/AWSReservedSSO_Operators_0123456789abcdef`;
const BOB = `arn:aws:iam::${ACCOUNT}:user/bob`;
const MALLORY = `arn:aws:iam::${ACCOUNT}:user/mallory`;
const AUDIT_FIRM = '222222222222';
const CAROL = `arn:aws:iam::${AUDIT_FIRM}:user/carol`;

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
/** What the caller's own account lets it do: assume roles and tag sessions (the trust decides). */
const CALLER_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }] };
/** The default key policy, the least strict a key can have: the account's IAM policies decide. */
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};
const BOUNDARY = permissionsBoundaryDocument([REGION]);

type PolicyDocument = { Version: string; Statement: unknown[] };
type RoleKey = 'operator' | 'auditor' | 'breakGlass';

interface SynthesizedRole {
  readonly arn: string;
  readonly trust: PolicyDocument;
  /** Customer managed policies of the construct, by construct id. */
  readonly own: { name: string; policy: PolicyDocument }[];
  /** AWS managed policy names. */
  readonly awsManaged: string[];
}

function synthesize(): Record<RoleKey, SynthesizedRole> {
  const stack = testStack();
  const roles = new DutyRoles(stack, 'Duty', {
    environment: 'prod',
    operators: [ALICE, BOB],
    auditors: [`arn:aws:iam::${AUDIT_FIRM}:root`],
    breakGlass: [BOB],
    dataKey: kms.Key.fromKeyArn(stack, 'DataKey', DATA_KEY),
    logsKey: kms.Key.fromKeyArn(stack, 'LogsKey', LOGS_KEY),
    documents: s3.Bucket.fromBucketArn(stack, 'Documents', DOCUMENTS),
    traceBuckets: [s3.Bucket.fromBucketArn(stack, 'Archive', ARCHIVE)],
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const read = (key: RoleKey): SynthesizedRole => {
    const role = resources[stack.getLogicalId(roles[key].node.defaultChild as never)].Properties;
    const own: SynthesizedRole['own'] = [];
    const awsManaged: string[] = [];
    for (const arn of role.ManagedPolicyArns as unknown[]) {
      const ref = (arn as { Ref?: string }).Ref;
      if (ref) {
        own.push({ name: ref, policy: resources[ref].Properties.PolicyDocument as PolicyDocument });
        continue;
      }
      const text = JSON.stringify(arn);
      const name = /:iam::aws:policy\/([\w-]+)/.exec(text)?.[1];
      if (!name) throw new Error(`unexpected managed policy ARN ${text}`);
      awsManaged.push(name);
    }
    // Every ARN the simulation needs is a literal: no token may be left in the documents.
    expect(JSON.stringify(own)).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
    return { arn: `arn:aws:iam::${ACCOUNT}:role/${role.RoleName as string}`, trust: role.AssumeRolePolicyDocument as PolicyDocument, own, awsManaged };
  };
  return { operator: read('operator'), auditor: read('auditor'), breakGlass: read('breakGlass') };
}

interface Decision {
  readonly result: string;
  /** Sids of the statements that explicitly denied the call. */
  readonly deniedBy: string[];
}

async function simulate(simulation: Simulation): Promise<Decision> {
  const response = await runSimulation(simulation, {});
  if (response.resultType !== 'single') throw new Error(`simulation of ${simulation.request.action} failed: ${JSON.stringify(response)}`);
  const analysis = response.result.analysis;
  const deniedBy = analysis ? getDenialReasons(analysis).flatMap((d) => (d.denialType === 'Explicit' && d.statementId ? [d.statementId] : [])) : [];
  return { result: response.overallResult, deniedBy };
}

interface AssumeRequest {
  readonly caller: string;
  readonly mfa?: boolean;
  /** Session tags passed with AssumeRole. */
  readonly tags?: Record<string, string>;
  readonly action?: 'sts:AssumeRole' | 'sts:TagSession';
}

/** Whether `caller` may assume `role`: its trust policy is the resource policy, the caller's account lets it try. */
function assume(role: SynthesizedRole, request: AssumeRequest): Promise<Decision> {
  const tags = request.tags ?? {};
  const contextVariables: Record<string, string | string[]> = { 'aws:PrincipalArn': request.caller, 'aws:RequestedRegion': REGION };
  // IAM sets aws:MultiFactorAuthPresent for temporary credentials; it is absent for long-term access keys.
  if (request.mfa !== undefined) contextVariables['aws:MultiFactorAuthPresent'] = String(request.mfa);
  if (Object.keys(tags).length > 0) contextVariables['aws:TagKeys'] = Object.keys(tags);
  for (const [key, value] of Object.entries(tags)) contextVariables[`aws:RequestTag/${key}`] = value;
  return simulate({
    request: {
      principal: request.caller,
      action: request.action ?? 'sts:AssumeRole',
      resource: { resource: role.arn, accountId: ACCOUNT },
      contextVariables,
    },
    identityPolicies: [{ name: 'CallerMayAssumeRoles', policy: CALLER_POLICY }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: role.trust,
  });
}

interface Call {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

/** How IAM decides `call` made by a session of `role`; AWS managed policies stood in for as the header says. */
function call(role: SynthesizedRole, c: Call, awsManaged: 'allow-everything' | 'left-out'): Promise<Decision> {
  const identityPolicies = [
    ...role.own,
    ...(awsManaged === 'allow-everything' ? role.awsManaged.map((name) => ({ name, policy: ALLOW_ALL })) : []),
  ];
  return simulate({
    request: {
      principal: role.arn,
      action: c.action,
      resource: { resource: c.resource, accountId: ACCOUNT },
      contextVariables: { 'aws:RequestedRegion': REGION, 'aws:PrincipalArn': role.arn, ...c.context },
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    permissionBoundaryPolicies: [{ name: 'ResidencyBoundary', policy: BOUNDARY }],
    resourcePolicy: c.action.startsWith('kms:') ? KEY_POLICY : undefined,
  });
}

const ALLOWED = { result: 'Allowed', deniedBy: [] };
const REASON = { 'access-reason': 'INC-2026-042 restore after failed deploy' };

describe('duty roles, simulated', () => {
  const roles = synthesize();

  describe.each<[RoleKey, string]>([
    ['operator', ALICE],
    ['auditor', CAROL],
    ['breakGlass', BOB],
  ])('trust of the %s role', (key, named) => {
    const role = roles[key];

    it('allows a named principal with MFA and an access-reason tag (AssumeRole and TagSession)', async () => {
      expect(await assume(role, { caller: named, mfa: true, tags: REASON })).toStrictEqual(ALLOWED);
      expect(await assume(role, { caller: named, mfa: true, tags: REASON, action: 'sts:TagSession' })).toStrictEqual(ALLOWED);
    });

    it('denies without MFA', async () => {
      expect((await assume(role, { caller: named, mfa: false, tags: REASON })).result).toBe('ImplicitlyDenied');
    });

    it('denies long-term credentials, which carry no MFA key (the trust uses Bool, not BoolIfExists)', async () => {
      expect((await assume(role, { caller: named, tags: REASON })).result).toBe('ImplicitlyDenied');
    });

    it('denies without the access-reason tag', async () => {
      expect((await assume(role, { caller: named, mfa: true })).result).toBe('ImplicitlyDenied');
    });

    it('denies an empty access-reason', async () => {
      expect((await assume(role, { caller: named, mfa: true, tags: { 'access-reason': '' } })).result).toBe('ImplicitlyDenied');
    });

    it('denies a session tag other than access-reason', async () => {
      const tags = { ...REASON, team: 'admins' };
      expect((await assume(role, { caller: named, mfa: true, tags })).result).toBe('ImplicitlyDenied');
      expect((await assume(role, { caller: named, mfa: true, tags, action: 'sts:TagSession' })).result).toBe('ImplicitlyDenied');
    });

    it('denies a principal it does not name, even with MFA and a reason', async () => {
      expect((await assume(role, { caller: MALLORY, mfa: true, tags: REASON })).result).toBe('ImplicitlyDenied');
      expect((await assume(role, { caller: `arn:aws:iam::333333333333:user/eve`, mfa: true, tags: REASON })).result).toBe('ImplicitlyDenied');
    });
  });

  it('an account root in the trust lets that account’s principals in (with MFA and a reason), not others', async () => {
    expect(await assume(roles.auditor, { caller: `arn:aws:iam::${AUDIT_FIRM}:role/auditors`, mfa: true, tags: REASON })).toStrictEqual(ALLOWED);
    expect((await assume(roles.auditor, { caller: BOB, mfa: true, tags: REASON })).result).toBe('ImplicitlyDenied');
  });

  const documentsObject = `${DOCUMENTS}/patients/0001/compte-rendu.pdf`;

  describe.each<RoleKey>(['operator', 'auditor'])('the %s role reads no health data', (key) => {
    it.each<[string, Call, string]>([
      ['kms:Decrypt on the data key', { action: 'kms:Decrypt', resource: DATA_KEY }, 'DenyHealthDataKeyUse'],
      ['kms:Decrypt on the data key through S3', { action: 'kms:Decrypt', resource: DATA_KEY, context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } }, 'DenyHealthDataKeyUse'],
      ['kms:GenerateDataKey on the data key', { action: 'kms:GenerateDataKey', resource: DATA_KEY }, 'DenyHealthDataKeyUse'],
      ['kms:ReEncryptFrom on the data key', { action: 'kms:ReEncryptFrom', resource: DATA_KEY }, 'DenyHealthDataKeyUse'],
      ['kms:CreateGrant on the data key', { action: 'kms:CreateGrant', resource: DATA_KEY }, 'DenyHealthDataKeyUse'],
      ['s3:GetObject on a document', { action: 's3:GetObject', resource: documentsObject }, 'DenyHealthDocuments'],
      ['s3:GetObjectVersion on a document', { action: 's3:GetObjectVersion', resource: documentsObject }, 'DenyHealthDocuments'],
      ['s3:PutObject on a document', { action: 's3:PutObject', resource: documentsObject }, 'DenyHealthDocuments'],
      ['rds-db:connect to the database', { action: 'rds-db:connect', resource: `arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:cluster-ABCDEFGHIJKL/hds_admin` }, 'DenyDatabaseConnections'],
    ])('denies %s, even if its AWS managed policy allowed everything', async (_name, c, sid) => {
      expect(await call(roles[key], c, 'allow-everything')).toStrictEqual({ result: 'ExplicitlyDenied', deniedBy: [sid] });
    });
  });

  describe('the operator', () => {
    it('may assume the CDK deploy role of its region', async () => {
      const deployRole = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-deploy-role-${ACCOUNT}-${REGION}`;
      expect(await call(roles.operator, { action: 'sts:AssumeRole', resource: deployRole }, 'left-out')).toStrictEqual(ALLOWED);
    });

    it('may not assume the CloudFormation execution role, nor any other role', async () => {
      for (const resource of [`arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`, roles.breakGlass.arn]) {
        expect((await call(roles.operator, { action: 'sts:AssumeRole', resource }, 'left-out')).result).toBe('ImplicitlyDenied');
      }
    });
  });

  describe('the auditor', () => {
    it.each<[string, Call]>([
      ['s3:GetObject on the log archive', { action: 's3:GetObject', resource: `${ARCHIVE}/AWSLogs/${ACCOUNT}/CloudTrail/eu-west-3/2026/11/22/x.json.gz` }],
      ['s3:ListBucket on the log archive', { action: 's3:ListBucket', resource: ARCHIVE }],
      ['kms:Decrypt of the traces through S3', { action: 'kms:Decrypt', resource: LOGS_KEY, context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } }],
      ['cloudtrail:LookupEvents', { action: 'cloudtrail:LookupEvents', resource: '*' }],
      ['logs:GetLogEvents on the trail log group', { action: 'logs:GetLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:hds-audit-TrailLogGroup:log-stream:x` }],
      ['logs:StartQuery on the trail log group', { action: 'logs:StartQuery', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:hds-audit-TrailLogGroup` }],
    ])('is allowed %s by its own policies', async (_name, c) => {
      expect(await call(roles.auditor, c, 'left-out')).toStrictEqual(ALLOWED);
    });

    it('may not decrypt with the logs key outside S3', async () => {
      expect((await call(roles.auditor, { action: 'kms:Decrypt', resource: LOGS_KEY }, 'left-out')).result).toBe('ImplicitlyDenied');
    });

    it('may not delete traces (the residency boundary’s tamper protection), even if SecurityAudit allowed it', async () => {
      expect(await call(roles.auditor, { action: 's3:DeleteObject', resource: `${ARCHIVE}/AWSLogs/x.json.gz` }, 'allow-everything')).toStrictEqual({
        result: 'ExplicitlyDenied',
        deniedBy: ['DenyLogArchiveDestruction'],
      });
    });
  });

  describe('the break-glass role', () => {
    // AdministratorAccess is `Allow * *`: the stand-in is exact.
    it('reads health data in an emergency', async () => {
      expect(await call(roles.breakGlass, { action: 's3:GetObject', resource: documentsObject }, 'allow-everything')).toStrictEqual(ALLOWED);
      expect(await call(roles.breakGlass, { action: 'kms:Decrypt', resource: DATA_KEY }, 'allow-everything')).toStrictEqual(ALLOWED);
    });

    it('is the role the tamper protection exempts: it may stop the trail', async () => {
      const trail = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/hds-audit-trail`;
      expect(await call(roles.breakGlass, { action: 'cloudtrail:StopLogging', resource: trail }, 'allow-everything')).toStrictEqual(ALLOWED);
    });

    it('stays inside the allowed regions: residency has no break-glass', async () => {
      const decision = await simulate({
        request: {
          principal: roles.breakGlass.arn,
          action: 's3:GetObject',
          resource: { resource: documentsObject, accountId: ACCOUNT },
          contextVariables: { 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalArn': roles.breakGlass.arn },
        },
        identityPolicies: [{ name: 'AdministratorAccess', policy: ALLOW_ALL }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        permissionBoundaryPolicies: [{ name: 'ResidencyBoundary', policy: BOUNDARY }],
      });
      expect(decision).toStrictEqual({ result: 'ExplicitlyDenied', deniedBy: ['DenyOutsideAllowedRegions'] });
    });
  });

  it('the operator may not stop the trail (not the break-glass role)', async () => {
    const trail = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/hds-audit-trail`;
    expect(await call(roles.operator, { action: 'cloudtrail:StopLogging', resource: trail }, 'allow-everything')).toStrictEqual({
      result: 'ExplicitlyDenied',
      deniedBy: ['DenyTraceKeyAndVaultDestruction'],
    });
  });
});
