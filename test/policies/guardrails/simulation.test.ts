/**
 * RES-03 and tamper protection, proved by evaluating the committed guardrail documents with an IAM policy
 * simulator (@cloud-copilot/iam-simulate, AGPL: a devDependency used by tests only, DESIGN.md "Licences").
 *
 * The simulator does not derive request context from the request: each call passes `aws:RequestedRegion`
 * (the region of the endpoint called; us-east-1 for global services) and `aws:PrincipalArn` (the role ARN, as
 * IAM sets it for every session of the role), as AWS would.
 */
import { getDenialReasons, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { permissionsBoundaryDocument, REGION_DENY_SID, scpDocument, type PolicyDocumentJson } from '../../../policies/guardrails';

const ACCOUNT = '111111111111';
const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/hds-data-ValidatorRole1A2B3C-XYZ`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/hds-break-glass`;
const DEPLOYMENT = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-3`;
const ARCHIVE = 'arn:aws:s3:::hds-foundation-logarchivearchive1a2b3c4d-1abcdefghij2';
const OTHER_BUCKET = 'arn:aws:s3:::hds-data-healthdatadocuments5e6f7a8b-3klmnopqrst4';

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
/** The default key policy: the account's IAM policies decide (as the blueprint's keys do). */
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

function committed(file: string): PolicyDocumentJson {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'policies', 'guardrails', file), 'utf8')) as PolicyDocumentJson;
}

type Guardrail = 'boundary' | 'scp';

interface Call {
  readonly action: string;
  readonly resource: string;
  readonly region: string;
  readonly principal?: string;
}

interface Decision {
  readonly result: string;
  /** Sids of the statements that explicitly denied the call. */
  readonly deniedBy: string[];
}

/**
 * How IAM decides `call` for a role whose identity policy allows everything, under the guardrail: as its
 * permissions boundary, or as an SCP of its account (next to the default FullAWSAccess).
 */
async function decide(guardrail: Guardrail, call: Call, document: PolicyDocumentJson): Promise<Decision> {
  const principal = call.principal ?? APP_ROLE;
  const simulation: Simulation = {
    request: {
      principal,
      action: call.action,
      resource: { resource: call.resource, accountId: ACCOUNT },
      contextVariables: { 'aws:RequestedRegion': call.region, 'aws:PrincipalArn': principal },
    },
    identityPolicies: [{ name: 'AllowEverything', policy: ALLOW_ALL }],
    serviceControlPolicies:
      guardrail === 'scp'
        ? [{ orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }, { name: 'hds-guardrails', policy: document }] }]
        : [],
    resourceControlPolicies: [],
    permissionBoundaryPolicies: guardrail === 'boundary' ? [{ name: 'ResidencyBoundary', policy: document }] : undefined,
    resourcePolicy: call.action.startsWith('kms:') ? KEY_POLICY : undefined,
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType !== 'single') throw new Error(`simulation of ${call.action} failed: ${JSON.stringify(response)}`);
  const analysis = response.result.analysis;
  const deniedBy = analysis
    ? getDenialReasons(analysis).flatMap((d) => (d.denialType === 'Explicit' && d.statementId ? [d.statementId] : []))
    : [];
  return { result: response.overallResult, deniedBy };
}

const ALLOWED = { result: 'Allowed', deniedBy: [] };
const deniedBy = (sid: string) => ({ result: 'ExplicitlyDenied', deniedBy: [sid] });

const key = (region: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const cluster = (region: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:hds-data-db`;

/** Data-plane and control-plane calls on health data, in a given region. */
const dataCalls = (region: string): Call[] => [
  { action: 's3:GetObject', resource: `${OTHER_BUCKET}/patients/0001/report.pdf`, region },
  { action: 'kms:Decrypt', resource: key(region), region },
  { action: 'rds:DescribeDBClusters', resource: cluster(region), region },
];

describe.each<[Guardrail, PolicyDocumentJson]>([
  ['boundary', committed('permissions-boundary.json')],
  ['scp', committed('region-deny-scp.json')],
])('guardrails as %s (committed document, allow-list [eu-west-3])', (guardrail, document) => {
  const expectDecision = async (call: Call, expected: Decision) => {
    expect({ call: `${call.action} ${call.region} as ${call.principal ?? APP_ROLE}`, ...(await decide(guardrail, call, document)) }).toStrictEqual({
      call: `${call.action} ${call.region} as ${call.principal ?? APP_ROLE}`,
      ...expected,
    });
  };

  it.each(dataCalls('eu-west-3'))('allows $action in eu-west-3', async (call) => {
    await expectDecision(call, ALLOWED);
  });

  describe.each(['us-east-1', 'eu-west-2', 'eu-central-2'])('in %s', (region) => {
    it.each(dataCalls(region))('denies $action', async (call) => {
      await expectDecision(call, deniedBy(REGION_DENY_SID));
    });
  });

  it.each<[string, Call]>([
    ['iam:CreateRole (IAM is served from us-east-1)', { action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/hds-new`, region: 'us-east-1' }],
    ['sts:GetCallerIdentity on the global STS endpoint', { action: 'sts:GetCallerIdentity', resource: '*', region: 'us-east-1' }],
    ['route53:ChangeResourceRecordSets', { action: 'route53:ChangeResourceRecordSets', resource: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ', region: 'us-east-1' }],
    ['support:DescribeCases', { action: 'support:DescribeCases', resource: '*', region: 'us-east-1' }],
    ['cloudfront:ListDistributions (read-only)', { action: 'cloudfront:ListDistributions', resource: '*', region: 'us-east-1' }],
    ['s3:ListAllMyBuckets on the global S3 endpoint', { action: 's3:ListAllMyBuckets', resource: '*', region: 'us-east-1' }],
    ['s3:GetBucketLocation on the global S3 endpoint', { action: 's3:GetBucketLocation', resource: OTHER_BUCKET, region: 'us-east-1' }],
  ])('allows the global call %s', async (_name, call) => {
    await expectDecision(call, ALLOWED);
  });

  it.each<[string, Call]>([
    ['cloudfront:CreateDistribution (edge caches outside the EEA)', { action: 'cloudfront:CreateDistribution', resource: '*', region: 'us-east-1' }],
    ['kms:CreateKey (KMS is regional, never exempt)', { action: 'kms:CreateKey', resource: '*', region: 'us-east-1' }],
    ['s3:PutObject on the global S3 endpoint', { action: 's3:PutObject', resource: `${OTHER_BUCKET}/x`, region: 'us-east-1' }],
    ['sts calls keep working, but what the credentials do is checked again: s3:GetObject', { action: 's3:GetObject', resource: `${OTHER_BUCKET}/x`, region: 'us-east-1' }],
  ])('denies what only looks global: %s', async (_name, call) => {
    await expectDecision(call, deniedBy(REGION_DENY_SID));
  });

  const TAMPER: [string, Call][] = [
    ['cloudtrail:StopLogging', { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/hds-audit-trail`, region: 'eu-west-3' }],
    ['logs:DeleteLogGroup', { action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:/hds/flow-logs`, region: 'eu-west-3' }],
    ['kms:ScheduleKeyDeletion', { action: 'kms:ScheduleKeyDeletion', resource: key('eu-west-3'), region: 'eu-west-3' }],
    ['backup:DeleteBackupVault', { action: 'backup:DeleteBackupVault', resource: `arn:aws:backup:eu-west-3:${ACCOUNT}:backup-vault:hds-vault`, region: 'eu-west-3' }],
    ['s3:DeleteBucket on the log archive', { action: 's3:DeleteBucket', resource: ARCHIVE, region: 'eu-west-3' }],
    ['s3:BypassGovernanceRetention on archived traces', { action: 's3:BypassGovernanceRetention', resource: `${ARCHIVE}/AWSLogs/x.json.gz`, region: 'eu-west-3' }],
  ];

  it.each(TAMPER)('denies %s to an ordinary role', async (_name, call) => {
    await expectDecision(call, deniedBy(call.action.startsWith('s3:') ? 'DenyLogArchiveDestruction' : 'DenyTraceKeyAndVaultDestruction'));
  });

  it.each(TAMPER)('allows %s to the break-glass role', async (_name, call) => {
    await expectDecision({ ...call, principal: BREAK_GLASS }, ALLOWED);
  });

  it.each(TAMPER)('denies %s to the deployment role', async (_name, call) => {
    await expectDecision(
      { ...call, principal: DEPLOYMENT },
      deniedBy(call.action.startsWith('s3:') ? 'DenyLogArchiveDestruction' : 'DenyTraceKeyAndVaultDestruction'),
    );
  });

  it('denies the break-glass role outside the allowed regions: residency has no exception', async () => {
    await expectDecision({ ...dataCalls('us-east-1')[0], principal: BREAK_GLASS }, deniedBy(REGION_DENY_SID));
  });

  const SETTINGS: [string, Call][] = [
    ['logs:PutRetentionPolicy', { action: 'logs:PutRetentionPolicy', resource: `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:/hds/flow-logs`, region: 'eu-west-3' }],
    ['cloudtrail:PutEventSelectors', { action: 'cloudtrail:PutEventSelectors', resource: `arn:aws:cloudtrail:eu-west-3:${ACCOUNT}:trail/hds-audit-trail`, region: 'eu-west-3' }],
    ['s3:PutLifecycleConfiguration on the log archive', { action: 's3:PutLifecycleConfiguration', resource: ARCHIVE, region: 'eu-west-3' }],
  ];

  it.each(SETTINGS)('denies the trace setting change %s to an ordinary role', async (_name, call) => {
    await expectDecision(call, deniedBy(call.action.startsWith('s3:') ? 'DenyLogArchiveSettingChanges' : 'DenyTraceSettingChanges'));
  });

  it.each(SETTINGS)('allows the trace setting change %s to the deployment role (CloudFormation sets it on create)', async (_name, call) => {
    await expectDecision({ ...call, principal: DEPLOYMENT }, ALLOWED);
  });

  it.each<[string, Call]>([
    ['kms:PutKeyPolicy (CloudFormation sets key policies)', { action: 'kms:PutKeyPolicy', resource: key('eu-west-3'), region: 'eu-west-3' }],
    ['s3:DeleteBucket on a bucket that is not the log archive', { action: 's3:DeleteBucket', resource: OTHER_BUCKET, region: 'eu-west-3' }],
    ['s3:PutLifecycleConfiguration on a bucket that is not the log archive', { action: 's3:PutLifecycleConfiguration', resource: OTHER_BUCKET, region: 'eu-west-3' }],
  ])('leaves ordinary work alone: %s', async (_name, call) => {
    await expectDecision(call, ALLOWED);
  });
});

describe.each<Guardrail>(['boundary', 'scp'])('guardrails as %s, allow-list [eu-west-3, eu-west-1]', (guardrail) => {
  const regions = ['eu-west-3', 'eu-west-1'];
  const document = guardrail === 'boundary' ? permissionsBoundaryDocument(regions) : scpDocument(regions);

  it.each([...dataCalls('eu-west-3'), ...dataCalls('eu-west-1')])('allows $action in $region', async (call) => {
    expect(await decide(guardrail, call, document)).toStrictEqual(ALLOWED);
  });

  it.each([...dataCalls('eu-central-1'), ...dataCalls('us-east-1')])('denies $action in $region', async (call) => {
    expect(await decide(guardrail, call, document)).toStrictEqual(deniedBy(REGION_DENY_SID));
  });
});
