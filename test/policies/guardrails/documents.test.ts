import * as fs from 'node:fs';
import * as path from 'node:path';
import { guardrailFiles, renderGuardrailFile } from '../../../policies/guardrails/generate';
import {
  GLOBAL_SERVICE_ACTIONS,
  GLOBAL_SERVICE_EXEMPTIONS,
  permissionsBoundaryDocument,
  REGION_DENY_SID,
  regionDenyStatements,
  scpDocument,
  tamperProtectionStatements,
} from '../../../policies/guardrails';
import { HDS_EEA_REGIONS } from '../../../policies/regions';

const DIR = path.join(__dirname, '..', '..', '..', 'policies', 'guardrails');

describe('committed guardrail documents', () => {
  it.each(Object.entries(guardrailFiles()))('%s is exactly what the generator returns (regenerate: npx tsx policies/guardrails/generate.ts)', (file, document) => {
    expect(fs.readFileSync(path.join(DIR, file), 'utf8')).toBe(renderGuardrailFile(document));
  });

  it('the SCP fits the Organizations limit (5,120 characters) and the boundary the managed-policy limit (6,144)', () => {
    const files = guardrailFiles();
    expect(JSON.stringify(files['region-deny-scp.json']).length).toBeLessThanOrEqual(5120);
    expect(JSON.stringify(files['permissions-boundary.json']).length).toBeLessThanOrEqual(6144);
  });

  it('the SCP only denies (Organizations keeps FullAWSAccess for the allows); the boundary allows, then denies', () => {
    const files = guardrailFiles();
    expect(files['region-deny-scp.json'].Statement.map((s) => s.Effect)).toStrictEqual(['Deny', 'Deny', 'Deny', 'Deny', 'Deny']);
    expect(files['permissions-boundary.json'].Statement[0]).toStrictEqual({ Sid: 'AllowWhatIdentityPoliciesGrant', Effect: 'Allow', Action: '*', Resource: '*' });
    expect(files['permissions-boundary.json'].Statement.slice(1)).toStrictEqual(files['region-deny-scp.json'].Statement);
  });
});

describe('region deny', () => {
  it('denies everything but the reviewed global services when the requested region is not allowed', () => {
    expect(regionDenyStatements(['eu-west-3', 'eu-west-1'])).toStrictEqual([
      {
        Sid: REGION_DENY_SID,
        Effect: 'Deny',
        NotAction: [...GLOBAL_SERVICE_ACTIONS],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-3', 'eu-west-1'] } },
      },
    ]);
  });

  it('pins the reviewed NotAction list: a change here is a reviewed diff', () => {
    expect(GLOBAL_SERVICE_ACTIONS).toStrictEqual([
      'iam:*',
      'organizations:*',
      'account:*',
      'sts:*',
      'route53:*',
      'route53domains:*',
      'cloudfront:Get*',
      'cloudfront:List*',
      'support:*',
      'trustedadvisor:*',
      'health:*',
      'budgets:*',
      'ce:*',
      'aws-portal:*',
      'billing:*',
      'shield:*',
      's3:ListAllMyBuckets',
      's3:GetBucketLocation',
    ]);
  });

  it('gives a reason for every exemption, and exempts no regional service that guards or holds data', () => {
    for (const e of GLOBAL_SERVICE_EXEMPTIONS) expect(e.reason.length).toBeGreaterThan(40);
    const services = GLOBAL_SERVICE_ACTIONS.map((a) => a.split(':')[0]);
    for (const regional of ['kms', 'acm', 'rds', 'dynamodb', 'lambda', 'ec2', 'logs', 'cloudtrail', 'backup', 'secretsmanager', 'wafv2', 'globalaccelerator']) {
      expect(services).not.toContain(regional);
    }
    // S3 is exempt for two metadata calls only, never for objects or whole-service wildcards.
    expect(GLOBAL_SERVICE_ACTIONS.filter((a) => a.startsWith('s3:'))).toStrictEqual(['s3:ListAllMyBuckets', 's3:GetBucketLocation']);
    expect(GLOBAL_SERVICE_ACTIONS.filter((a) => a.startsWith('cloudfront:'))).toStrictEqual(['cloudfront:Get*', 'cloudfront:List*']);
  });

  it.each([
    [['us-east-1'], /us-east-1 is not an HDS EEA region/],
    [['eu-west-3', 'eu-west-2'], /eu-west-2 is not an HDS EEA region/],
    [['us-east-1', 'eu-central-2'], /us-east-1, eu-central-2 are not HDS EEA regions/],
    [['eu-central-2'], /eu-central-2 is not an HDS EEA region/],
    [[], /the list is empty/],
    [['eu-west-3', 'eu-west-3'], /duplicates/],
  ])('refuses the allow-list %j: a deployment narrows the HDS EEA list, never widens it', (regions, message) => {
    expect(() => regionDenyStatements(regions)).toThrow(message);
    expect(() => scpDocument(regions)).toThrow(message);
    expect(() => permissionsBoundaryDocument(regions)).toThrow(message);
  });

  it('accepts every HDS EEA region', () => {
    expect(regionDenyStatements(HDS_EEA_REGIONS)[0].Condition).toStrictEqual({ StringNotEquals: { 'aws:RequestedRegion': [...HDS_EEA_REGIONS] } });
  });
});

describe('tamper protection', () => {
  it('exempts only the break-glass role from destruction, and the deployment role too from setting changes', () => {
    const statements = tamperProtectionStatements({
      breakGlassRoleArnPattern: 'arn:aws:iam::*:role/editor-break-glass',
      deploymentRoleArnPattern: 'arn:aws:iam::*:role/editor-deployer',
      logArchiveBucketArnPatterns: ['arn:aws:s3:::editor-traces', 'arn:aws:s3:::editor-access-logs'],
    });
    expect(statements.map((s) => [s.Sid, s.Resource, s.Condition])).toStrictEqual([
      ['DenyTraceKeyAndVaultDestruction', '*', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/editor-break-glass' } }],
      [
        'DenyLogArchiveDestruction',
        ['arn:aws:s3:::editor-traces', 'arn:aws:s3:::editor-traces/*', 'arn:aws:s3:::editor-access-logs', 'arn:aws:s3:::editor-access-logs/*'],
        { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/editor-break-glass' } },
      ],
      ['DenyTraceSettingChanges', '*', { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/editor-break-glass', 'arn:aws:iam::*:role/editor-deployer'] } }],
      [
        'DenyLogArchiveSettingChanges',
        ['arn:aws:s3:::editor-traces', 'arn:aws:s3:::editor-access-logs'],
        { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/editor-break-glass', 'arn:aws:iam::*:role/editor-deployer'] } },
      ],
    ]);
  });

  it('never denies kms:PutKeyPolicy (every deploy sets key policies) nor logs:DeleteRetentionPolicy (it keeps logs longer)', () => {
    const actions = tamperProtectionStatements().flatMap((s) => s.Action ?? []);
    expect(actions).not.toContain('kms:PutKeyPolicy');
    expect(actions).not.toContain('logs:DeleteRetentionPolicy');
    expect(actions).toEqual(expect.arrayContaining(['cloudtrail:StopLogging', 'logs:DeleteLogGroup', 'kms:ScheduleKeyDeletion', 'backup:DeleteBackupVault']));
  });

  it.each([
    [{ breakGlassRoleArnPattern: 'hds-break-glass' }, /hds-break-glass: pass role ARN patterns/],
    [{ deploymentRoleArnPattern: 'arn:aws:s3:::deployer' }, /arn:aws:s3:::deployer: pass role ARN patterns/],
    [{ logArchiveBucketArnPatterns: [] }, /no log archive bucket pattern/],
    [{ logArchiveBucketArnPatterns: ['my-bucket'] }, /my-bucket: pass role ARN patterns/],
  ])('refuses options that are not ARN patterns: %j', (options, message) => {
    expect(() => tamperProtectionStatements(options)).toThrow(message);
  });
});
