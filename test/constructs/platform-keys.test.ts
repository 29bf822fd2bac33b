import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { PlatformKeys } from '../../lib/constructs/platform-keys';
import { testApp, testStack } from '../support/app';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-3';

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: '*' | { AWS?: unknown; Service?: unknown };
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

interface KeyResource {
  Properties: { KeyPolicy: { Statement: Statement[] } };
  Metadata?: Record<string, unknown>;
}

/** Cryptographic use of a symmetric key: none of these may reach an account principal unconditioned. */
const CRYPTO_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

function synth(): Template {
  const stack = testStack();
  new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' });
  return Template.fromStack(stack);
}

function keysByAlias(template: Template): Record<string, KeyResource> {
  const keys = template.findResources('AWS::KMS::Key') as Record<string, KeyResource>;
  const aliases = template.findResources('AWS::KMS::Alias') as Record<
    string,
    { Properties: { AliasName: string; TargetKeyId: { 'Fn::GetAtt': [string, string] } } }
  >;
  return Object.fromEntries(
    Object.values(aliases).map((a) => [a.Properties.AliasName, keys[a.Properties.TargetKeyId['Fn::GetAtt'][0]]]),
  );
}

function allStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::KMS::Key') as Record<string, KeyResource>).flatMap(
    (k) => k.Properties.KeyPolicy.Statement,
  );
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** IAM action matching: `kms:Create*` covers `kms:CreateGrant`; case-insensitive, as IAM is. */
function covers(pattern: string, action: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action);
}

function grantsAny(statement: Statement, actions: string[]): string[] {
  return actions.filter((action) => actionsOf(statement).some((pattern) => covers(pattern, action)));
}

function isAccountPrincipal(statement: Statement): boolean {
  return typeof statement.Principal === 'object' && statement.Principal.AWS !== undefined;
}

function statementBySid(key: KeyResource, sid: string): Statement {
  const found = key.Properties.KeyPolicy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
}

describe('PlatformKeys (ENC-01)', () => {
  const template = synth();
  const keys = keysByAlias(template);

  test('creates one key per purpose, with its alias', () => {
    template.resourceCountIs('AWS::KMS::Key', 3);
    expect(Object.keys(keys).sort()).toEqual(['alias/hds/backup', 'alias/hds/health-data', 'alias/hds/logs']);
  });

  test('every key rotates yearly, has a 30-day deletion window and is retained', () => {
    const found = template.findResources('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(Object.keys(found)).toHaveLength(3);
  });

  test('every key records ENC-01 in its metadata', () => {
    for (const key of Object.values(keys)) {
      expect(key.Metadata?.[CONTROLS_METADATA_KEY]).toEqual(expect.arrayContaining(['ENC-01']));
    }
  });

  test('the administration statement grants no cryptographic action', () => {
    for (const [alias, key] of Object.entries(keys)) {
      const admin = statementBySid(key, 'KeyAdministrationThroughIam');
      expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
      expect(admin.Condition).toBeUndefined();
      expect({ alias, crypto: grantsAny(admin, CRYPTO_ACTIONS) }).toEqual({ alias, crypto: [] });
      // A sanity check of the matcher itself: administration does include key deletion.
      expect(grantsAny(admin, ['kms:ScheduleKeyDeletion'])).toEqual(['kms:ScheduleKeyDeletion']);
    }
  });

  // `kms:Create*` would cover `kms:CreateGrant`: an administrator could grant itself Decrypt without
  // `kms:GrantIsForAWSResource`, which would defeat the `GrantsOnlyForAwsResources` statement.
  test('the administration statement cannot create grants', () => {
    for (const key of Object.values(keys)) {
      expect(grantsAny(statementBySid(key, 'KeyAdministrationThroughIam'), ['kms:CreateGrant'])).toEqual([]);
    }
  });

  test('every account statement that allows cryptographic use is bound to kms:ViaService', () => {
    const accountUse = allStatements(template).filter(
      (s) => isAccountPrincipal(s) && grantsAny(s, CRYPTO_ACTIONS).length > 0,
    );
    expect(accountUse).toHaveLength(3);
    for (const statement of accountUse) {
      expect(statement.Condition).toMatchObject({
        StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': expect.any(Array) },
      });
    }
  });

  test.each([
    ['alias/hds/health-data', ['s3', 'rds', 'secretsmanager']],
    ['alias/hds/logs', ['s3', 'logs', 'cloudtrail']],
    ['alias/hds/backup', ['backup']],
  ])('%s is usable through at least %j, and only through services of this region', (alias, required) => {
    const useStatement = statementBySid(keys[alias], 'UseOnlyThroughPlatformServices');
    const use = useStatement.Condition?.StringEquals?.['kms:ViaService'];
    const grants = statementBySid(keys[alias], 'GrantsOnlyForAwsResources').Condition;
    expect(use).toEqual(expect.arrayContaining(required.map((s) => `${s}.${REGION}.amazonaws.com`)));
    for (const via of use as string[]) expect(via).toMatch(new RegExp(`^[a-z0-9-]+\\.${REGION}\\.amazonaws\\.com$`));
    expect(grants).toEqual({
      StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': use },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
  });

  test('every service principal is bound to this account', () => {
    const services = allStatements(template).filter(
      (s) => typeof s.Principal === 'object' && s.Principal.Service !== undefined,
    );
    expect(services.length).toBeGreaterThan(0);
    for (const statement of services) {
      expect({ sid: statement.Sid, condition: JSON.stringify(statement.Condition ?? {}) }).toEqual({
        sid: statement.Sid,
        condition: expect.stringContaining(ACCOUNT),
      });
    }
  });

  test('the logs key admits CloudWatch Logs only for log groups of this account', () => {
    const logs = keys['alias/hds/logs'];
    expect(logs.Properties.KeyPolicy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: `logs.${REGION}.amazonaws.com` },
          Condition: {
            ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*` },
          },
        }),
      ]),
    );
  });

  test('the logs key admits CloudTrail only for trails of this account', () => {
    const cloudTrail = keys['alias/hds/logs'].Properties.KeyPolicy.Statement.filter(
      (s) => typeof s.Principal === 'object' && s.Principal.Service === 'cloudtrail.amazonaws.com',
    );
    expect(cloudTrail.length).toBeGreaterThan(0);
    for (const statement of cloudTrail) {
      expect(statement.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': ACCOUNT });
    }
    const encrypt = cloudTrail.find((s) => grantsAny(s, ['kms:GenerateDataKey']).length > 0);
    expect(encrypt?.Condition?.StringLike).toEqual({
      'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`,
    });
  });

  // DET-03: alarms and EventBridge rules reach the encrypted alert topic (and EventBridge its dead-letter queues),
  // scoped by the encryption context of this account's topics and queues.
  test('the logs key lets alarms and EventBridge publish to this account\'s encrypted topics and queues only', () => {
    const statements = keys['alias/hds/logs'].Properties.KeyPolicy.Statement;
    expect(statementBySid(keys['alias/hds/logs'], 'AlarmsAndEventsPublishToEncryptedTopics')).toMatchObject({
      Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
      Condition: { StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': `arn:aws:sns:${REGION}:${ACCOUNT}:*` } },
    });
    expect(statementBySid(keys['alias/hds/logs'], 'EventsSendToEncryptedDeadLetterQueues')).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { StringLike: { 'kms:EncryptionContext:aws:sqs:arn': `arn:aws:sqs:${REGION}:${ACCOUNT}:*` } },
    });
    // No other statement admits them (an unscoped one would widen the key).
    const others = statements.filter(
      (s) => JSON.stringify(s.Principal).match(/cloudwatch\.amazonaws|events\.amazonaws/) && !['AlarmsAndEventsPublishToEncryptedTopics', 'EventsSendToEncryptedDeadLetterQueues'].includes(s.Sid ?? ''),
    );
    expect(others).toEqual([]);
  });

  // DET-01: the detector (ThreatDetection) is in another stack, so the statement names detectors by pattern.
  test('the logs key lets GuardDuty encrypt exported findings, for detectors of this account and region only', () => {
    const guardDuty = allStatements(template).filter(
      (s) => typeof s.Principal === 'object' && s.Principal.Service === 'guardduty.amazonaws.com',
    );
    expect(guardDuty).toEqual([
      {
        Sid: 'GuardDutyExportsFindingsOfThisAccountDetectors',
        Effect: 'Allow',
        Principal: { Service: 'guardduty.amazonaws.com' },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
          ArnLike: { 'aws:SourceArn': `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/*` },
        },
      },
    ]);
    expect(keys['alias/hds/logs'].Properties.KeyPolicy.Statement).toContainEqual(guardDuty[0]);
    expect(grantsAny(guardDuty[0], CRYPTO_ACTIONS)).toEqual(['kms:GenerateDataKey']);
  });

  test('in an opt-in region (eu-south-1), GuardDuty is named by its regional principal', () => {
    const stack = new Stack(testApp(), 'Milan', { env: { account: ACCOUNT, region: 'eu-south-1' } });
    new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' });
    const statement = allStatements(Template.fromStack(stack)).find((s) => s.Sid === 'GuardDutyExportsFindingsOfThisAccountDetectors');
    expect(statement?.Principal).toEqual({ Service: 'guardduty.eu-south-1.amazonaws.com' });
    expect(statement?.Condition?.ArnLike).toEqual({ 'aws:SourceArn': `arn:aws:guardduty:eu-south-1:${ACCOUNT}:detector/*` });
  });

  test('no statement has an unconditioned "*" principal', () => {
    const wildcard = allStatements(template).filter((s) => {
      const p = s.Principal;
      const aws = typeof p === 'object' ? [p.AWS].flat() : [];
      return p === '*' || aws.includes('*');
    });
    expect(wildcard.filter((s) => !s.Condition || Object.keys(s.Condition).length === 0)).toEqual([]);
  });
});
