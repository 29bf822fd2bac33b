import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { applyResidencyBoundary, RESIDENCY_BOUNDARY_ID } from '../../lib/aspects/residency-boundary';
import { createPacks } from '../../lib/checks';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { DutyRoles, type DutyRolesProps } from '../../lib/constructs/duty-roles';
import { DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN } from '../../policies/guardrails';
import { findings, type FixtureBuilder } from '../policies/support';
import { testStack } from '../support/app';

const ACCOUNT = '111111111111';
const OPERATORS = [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-3/AWSReservedSSO_Operators_0123456789abcdef`, `arn:aws:iam::${ACCOUNT}:user/alice`];
const AUDITORS = ['arn:aws:iam::222222222222:root'];
const BREAK_GLASS = [`arn:aws:iam::${ACCOUNT}:user/emergency`];

const TRUST_CONDITIONS = {
  Bool: { 'aws:MultiFactorAuthPresent': 'true' },
  StringLike: { 'aws:RequestTag/access-reason': '?*' },
  'ForAllValues:StringEquals': { 'aws:TagKeys': ['access-reason'] },
};

interface Built {
  stack: Stack;
  roles: DutyRoles;
  dataKey: kms.Key;
  logsKey: kms.Key;
  documents: s3.Bucket;
  archive: s3.Bucket;
  accessLogs: s3.Bucket;
}

function build(stack: Stack = testStack(), props: Partial<DutyRolesProps> = {}): Built {
  const dataKey = new kms.Key(stack, 'DataKey');
  const logsKey = new kms.Key(stack, 'LogsKey');
  const documents = new s3.Bucket(stack, 'Documents', { encryptionKey: dataKey });
  const archive = new s3.Bucket(stack, 'Archive', { encryptionKey: logsKey });
  const accessLogs = new s3.Bucket(stack, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED });
  const roles = new DutyRoles(stack, 'Duty', {
    environment: 'prod',
    operators: OPERATORS,
    auditors: AUDITORS,
    breakGlass: BREAK_GLASS,
    dataKey,
    logsKey,
    documents,
    traceBuckets: [archive, accessLogs],
    ...props,
  });
  return { stack, roles, dataKey, logsKey, documents, archive, accessLogs };
}

function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

const arnOf = (stack: Stack, construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(stack, construct), 'Arn'] });
const objectsOf = (stack: Stack, bucket: s3.Bucket) => ({ 'Fn::Join': ['', [arnOf(stack, bucket), '/*']] });
const awsManaged = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });

describe('DutyRoles', () => {
  const built = build();
  const { stack, roles } = built;
  const template = Template.fromStack(stack);
  const role = (r: iam.Role) => template.toJSON().Resources[logicalId(stack, r)] as { Properties: Record<string, unknown>; Metadata: Record<string, unknown> };

  test('three roles, named for the environment; the break-glass name is the one the guardrails exempt', () => {
    template.resourceCountIs('AWS::IAM::Role', 3);
    expect([roles.operator, roles.auditor, roles.breakGlass].map((r) => role(r).Properties.RoleName)).toStrictEqual([
      'prod-operator',
      'prod-auditor',
      'hds-break-glass-prod',
    ]);
    const pattern = new RegExp(`^${DEFAULT_BREAK_GLASS_ROLE_ARN_PATTERN.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    expect(`arn:aws:iam::${ACCOUNT}:role/hds-break-glass-prod`).toMatch(pattern);
    expect(`arn:aws:iam::${ACCOUNT}:role/prod-operator`).not.toMatch(pattern);
    // A path would put the role outside `role/hds-break-glass*`.
    for (const r of [roles.operator, roles.auditor, roles.breakGlass]) expect(role(r).Properties.Path).toBeUndefined();
  });

  test.each<[string, keyof Pick<DutyRoles, 'operator' | 'auditor' | 'breakGlass'>, string[]]>([
    ['operator', 'operator', OPERATORS],
    ['auditor', 'auditor', AUDITORS],
    ['break-glass', 'breakGlass', BREAK_GLASS],
  ])('LOG-06: the %s role trusts only its principals, with MFA, an access-reason tag and no other tag, for one hour', (_name, key, principals) => {
    expect(role(roles[key]).Properties).toMatchObject({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Principal: { AWS: principals.length === 1 ? principals[0] : principals },
            Condition: TRUST_CONDITIONS,
          },
        ],
      },
      MaxSessionDuration: 3600,
    });
  });

  test('operator: ReadOnlyAccess, its deploy grants and the health-data denies; nothing admin-equivalent', () => {
    expect(role(roles.operator).Properties.ManagedPolicyArns).toStrictEqual([
      awsManaged('ReadOnlyAccess'),
      { Ref: logicalId(stack, roles.operatorPermissions) },
      { Ref: logicalId(stack, roles.noHealthData) },
    ]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'DeployThroughCdkBootstrapRoles',
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Resource: ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'].map(
              (kind) => `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-${kind}-${ACCOUNT}-eu-west-3`,
            ),
          },
        ],
      },
    });
  });

  test('operator and auditor: explicit denies of the data key, the documents objects and database connections', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'DenyHealthDataKeyUse',
            Effect: 'Deny',
            Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
            Resource: arnOf(stack, built.dataKey),
          },
          {
            Sid: 'DenyHealthDocuments',
            Effect: 'Deny',
            Action: ['s3:DeleteObject*', 's3:GetObject*', 's3:PutObject*', 's3:ReplicateObject', 's3:RestoreObject'],
            Resource: objectsOf(stack, built.documents),
          },
          { Sid: 'DenyDatabaseConnections', Effect: 'Deny', Action: ['rds-data:*', 'rds-db:connect'], Resource: '*' },
        ],
      },
    });
    expect(role(roles.auditor).Properties.ManagedPolicyArns).toContainEqual({ Ref: logicalId(stack, roles.noHealthData) });
  });

  test('auditor: SecurityAudit, CloudTrail history, trace log groups, trace buckets and their keys through S3 only', () => {
    expect(role(roles.auditor).Properties.ManagedPolicyArns).toStrictEqual([
      awsManaged('SecurityAudit'),
      { Ref: logicalId(stack, roles.auditorPermissions) },
      { Ref: logicalId(stack, roles.noHealthData) },
    ]);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'CloudTrailEventHistory', Action: Match.arrayWith(['cloudtrail:LookupEvents']), Resource: '*' }),
          Match.objectLike({ Sid: 'ReadTraceLogGroups', Resource: `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:*` }),
          Match.objectLike({ Sid: 'ListTraceBuckets', Resource: [arnOf(stack, built.accessLogs), arnOf(stack, built.archive)] }),
          Match.objectLike({
            Sid: 'ReadTraceObjects',
            Action: Match.arrayWith(['s3:GetObject', 's3:GetObjectVersion']),
            Resource: [objectsOf(stack, built.accessLogs), objectsOf(stack, built.archive)],
          }),
          {
            Sid: 'DecryptTracesThroughS3',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: arnOf(stack, built.logsKey),
            Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' } },
          },
        ]),
      },
    });
  });

  test('auditor: reads only the log groups it is given, when given', () => {
    const other = testStack();
    const group = new logs.LogGroup(other, 'TrailLogs');
    build(other, { traceLogGroups: [group] });
    Template.fromStack(other).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadTraceLogGroups', Resource: arnOf(other, group) })]) },
    });
  });

  test('no policy of the construct allows anything on the data key or the documents', () => {
    const text = JSON.stringify(
      Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((p) =>
        (p.Properties.PolicyDocument.Statement as { Effect: string }[]).filter((s) => s.Effect === 'Allow'),
      ),
    );
    expect(text).not.toContain(logicalId(stack, built.dataKey));
    expect(text).not.toContain(logicalId(stack, built.documents));
  });

  test('break-glass: AdministratorAccess only', () => {
    expect(role(roles.breakGlass).Properties.ManagedPolicyArns).toStrictEqual([awsManaged('AdministratorAccess')]);
  });

  test('records IAM-01, IAM-02 and LOG-06 on the roles, IAM-01 and IAM-02 on their policies', () => {
    for (const r of [roles.operator, roles.auditor, roles.breakGlass]) {
      expect(role(r).Metadata[CONTROLS_METADATA_KEY]).toStrictEqual(['IAM-01', 'IAM-02', 'LOG-06']);
    }
    template.allResources('AWS::IAM::ManagedPolicy', { Metadata: { [CONTROLS_METADATA_KEY]: ['IAM-01', 'IAM-02'] } });
  });

  test('sets no permissions boundary itself, and every role takes the residency boundary (RES-03)', () => {
    for (const r of [roles.operator, roles.auditor, roles.breakGlass]) expect(role(r).Properties.PermissionsBoundary).toBeUndefined();
    const bounded = build();
    applyResidencyBoundary(bounded.stack, ['eu-west-3']);
    const boundedTemplate = Template.fromStack(bounded.stack);
    const boundary = { Ref: bounded.stack.getLogicalId(bounded.stack.node.findChild(RESIDENCY_BOUNDARY_ID).node.defaultChild as CfnElement) };
    const found = boundedTemplate.findResources('AWS::IAM::Role');
    expect(Object.values(found).map((r) => r.Properties.PermissionsBoundary)).toStrictEqual([boundary, boundary, boundary]);
  });
});

describe('DutyRoles props validation', () => {
  test('names the prop, the value and what is allowed for a principal that is not an IAM ARN', () => {
    expect(() => build(testStack(), { auditors: [`arn:aws:sts::${ACCOUNT}:assumed-role/ops/alice`] })).toThrow(
      /auditors\[0\] "arn:aws:sts::111111111111:assumed-role\/ops\/alice" is not an IAM principal ARN: allowed are an IAM role .*an IAM user .* or an account root/,
    );
  });

  test.each([
    ['a wildcard', `arn:aws:iam::${ACCOUNT}:role/*`],
    ['a service', 'ec2.amazonaws.com'],
    ['an account id alone', ACCOUNT],
    ['a short account id', 'arn:aws:iam::1111:root'],
  ])('refuses %s', (_name, arn) => {
    expect(() => build(testStack(), { operators: [arn] })).toThrow(/operators\[0\] .* is not an IAM principal ARN/);
  });

  test('collects every problem and throws once', () => {
    let message = '';
    try {
      build(testStack(), { environment: 'prod env', breakGlass: [], operators: ['*'] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/environment "prod env" cannot be part of an IAM role name/);
    expect(message).toMatch(/breakGlass is empty/);
    expect(message).toMatch(/operators\[0\] "\*" is not an IAM principal ARN/);
  });

  test('refuses a trace bucket that is the documents bucket, and a logs key that is the data key', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key');
    const documents = new s3.Bucket(stack, 'Docs', { encryptionKey: key });
    expect(() =>
      new DutyRoles(stack, 'Duty', {
        environment: 'prod',
        operators: OPERATORS,
        auditors: AUDITORS,
        breakGlass: BREAK_GLASS,
        dataKey: key,
        logsKey: key,
        documents,
        traceBuckets: [documents],
      }),
    ).toThrow(/traceBuckets includes the documents bucket[\s\S]*encrypted with the data key[\s\S]*logsKey is the data key/);
  });

  test('refuses an environment too long for the break-glass role name', () => {
    expect(() => build(testStack(), { environment: 'e'.repeat(49) })).toThrow(/at most 48 characters/);
  });
});

describe('DutyRoles under the rule packs', () => {
  /** The roles as a platform stack has them: with the residency boundary. `change` edits them before the checks. */
  const withRoles =
    (change: (roles: DutyRoles) => void = () => undefined): FixtureBuilder =>
    (stack) => {
      change(build(stack).roles);
      applyResidencyBoundary(stack, ['eu-west-3']);
    };
  const [hds, awsSolutions, hipaa] = createPacks();
  /** Findings on the construct's resources (the fixture's own keys and buckets are bare on purpose). */
  const rules = (found: { rule: string; path: string }[]) =>
    found
      .filter((f) => f.path.startsWith('TestStack/Duty/'))
      .map((f) => `${f.rule} ${f.path}`)
      .sort();
  const BREAK_GLASS_ADMIN = 'HDS-IAM02-NoAdminPolicies TestStack/Duty/BreakGlass/Resource';

  test('HDS pack: IAM-01 and LOG-06 pass; only the break-glass role fails IAM-02, as designed (acknowledged by the platform)', () => {
    expect(rules(findings(withRoles(), hds))).toStrictEqual([BREAK_GLASS_ADMIN]);
  });

  test('IAM-01 and LOG-06 fail when a trust loses its MFA condition', () => {
    const found = findings(
      withRoles((roles) => (roles.operator.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('AssumeRolePolicyDocument.Statement.0.Condition.Bool')),
      hds,
    );
    expect(rules(found)).toStrictEqual([
      'HDS-IAM01-MfaAndShortSessions TestStack/Duty/Operator/Resource',
      BREAK_GLASS_ADMIN,
      'HDS-LOG06-PrivilegedAccessWithReason TestStack/Duty/Operator/Resource',
    ]);
  });

  test('LOG-06 fails when a trust no longer requires the reason tag', () => {
    const found = findings(
      withRoles((roles) => (roles.auditor.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('AssumeRolePolicyDocument.Statement.0.Condition.StringLike')),
      hds,
    );
    expect(rules(found)).toStrictEqual([BREAK_GLASS_ADMIN, 'HDS-LOG06-PrivilegedAccessWithReason TestStack/Duty/Auditor/Resource']);
  });

  test('AwsSolutions and HIPAA findings the platform must acknowledge (pinned: a change here is a reviewed diff)', () => {
    expect(rules(findings(withRoles(), awsSolutions))).toStrictEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess] TestStack/Duty/BreakGlass/Resource',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess] TestStack/Duty/Operator/Resource',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/SecurityAudit] TestStack/Duty/Auditor/Resource',
      'AwsSolutions-IAM5[Resource::*] TestStack/Duty/AuditorPermissions/Resource',
      'AwsSolutions-IAM5[Resource::<AccessLogs8B620ECA.Arn>/*] TestStack/Duty/AuditorPermissions/Resource',
      'AwsSolutions-IAM5[Resource::<ArchiveDA4CB258.Arn>/*] TestStack/Duty/AuditorPermissions/Resource',
      `AwsSolutions-IAM5[Resource::arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:*] TestStack/Duty/AuditorPermissions/Resource`,
    ]);
    expect(rules(findings(withRoles(), hipaa))).toStrictEqual([]);
  });
});
