import { Duration, Fn, RemovalPolicy, Token, type Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LockedBackupVault } from '../../../lib/constructs/platform-backup';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-BAK01-VaultLocked';
const VAULT = 'TestStack/Vault';

const DENY = {
  Sid: 'DenyRecoveryPointDeletionAndLifecycleChanges',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
  Resource: '*',
};

/** A raw vault (as a foreign template declares it), compliant unless `props` or `retain` say otherwise. */
function rawVault(stack: Stack, props: Partial<backup.CfnBackupVaultProps> = {}, retain = true): backup.CfnBackupVault {
  const vault = new backup.CfnBackupVault(stack, 'Vault', {
    backupVaultName: 'vault',
    encryptionKeyArn: new kms.Key(stack, 'Key').keyArn,
    lockConfiguration: { minRetentionDays: 35, maxRetentionDays: 3653, changeableForDays: 3 },
    accessPolicy: { Version: '2012-10-17', Statement: [DENY] },
    ...props,
  });
  if (retain) vault.applyRemovalPolicy(RemovalPolicy.RETAIN);
  return vault;
}

function policy(...statements: Record<string, unknown>[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statements };
}

function lockedVault(stack: Stack, changeableForDays?: number): LockedBackupVault {
  return new LockedBackupVault(stack, 'Locked', {
    vaultName: 'locked',
    key: new kms.Key(stack, 'Key'),
    lock: { minRetentionDays: 35, maxRetentionDays: 3653, changeableForDays },
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: no EncryptionKeyArn (the AWS-owned default key)', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { encryptionKeyArn: undefined }), [VAULT]);
  });

  it('F2: the AWS managed key of AWS Backup (alias/aws/backup)', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { encryptionKeyArn: 'arn:aws:kms:eu-west-3:111111111111:alias/aws/backup' }), [VAULT]);
  });

  it('F3: no LockConfiguration', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { lockConfiguration: undefined }), [VAULT]);
  });

  it('F4: MaxRetentionDays below MinRetentionDays', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { lockConfiguration: { minRetentionDays: 35, maxRetentionDays: 30 } }), [VAULT]);
  });

  it('F5: ChangeableForDays below the 3-day cooling-off period', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawVault(stack, { lockConfiguration: { minRetentionDays: 35, maxRetentionDays: 3653, changeableForDays: 2 } }),
      [VAULT],
    );
  });

  it('F6: no AccessPolicy', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { accessPolicy: undefined }), [VAULT]);
  });

  it('F7: the access policy denies DeleteRecoveryPoint only, not UpdateRecoveryPointLifecycle', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { accessPolicy: policy({ ...DENY, Action: 'backup:DeleteRecoveryPoint' }) }), [VAULT]);
  });

  it('F8: the Deny has a condition (it exempts some principals)', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        rawVault(stack, {
          accessPolicy: policy({ ...DENY, Condition: { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/admin' } } }),
        }),
      [VAULT],
    );
  });

  it('F9: the Deny applies to one principal, not to everyone', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { accessPolicy: policy({ ...DENY, Principal: { AWS: 'arn:aws:iam::111111111111:root' } }) }), [
      VAULT,
    ]);
  });

  it('F10: the statement is an Allow', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { accessPolicy: policy({ ...DENY, Effect: 'Allow' }) }), [VAULT]);
  });

  it('F11: the Deny covers one recovery point, not all of them', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawVault(stack, { accessPolicy: policy({ ...DENY, Resource: 'arn:aws:backup:eu-west-3:111111111111:recovery-point:rp-1' }) }),
      [VAULT],
    );
  });

  it('F12: no DeletionPolicy Retain (the vault is deleted with its stack)', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, {}, false), [VAULT]);
  });

  it('F13: a BackupVault construct with its defaults (no key of ours, no lock, no access policy)', () => {
    expectNonCompliant(RULE, (stack) => new backup.BackupVault(stack, 'Plain'), ['TestStack/Plain/Resource']);
  });

  it('F14: a locked BackupVault construct with removalPolicy DESTROY', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vault = new backup.BackupVault(stack, 'Plain', {
          encryptionKey: new kms.Key(stack, 'Key'),
          lockConfiguration: { minRetention: Duration.days(35) },
          removalPolicy: RemovalPolicy.DESTROY,
        });
        vault.addToAccessPolicy(
          new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: DENY.Action, resources: ['*'] }),
        );
      },
      ['TestStack/Plain/Resource'],
    );
  });

  it('F15: a foreign template vault with a Deny of DeleteRecoveryPoint to one role only', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          Vault: {
            Type: 'AWS::Backup::BackupVault',
            DeletionPolicy: 'Retain',
            Properties: {
              BackupVaultName: 'foreign',
              EncryptionKeyArn: 'arn:aws:kms:eu-west-3:111111111111:key/1234',
              LockConfiguration: { MinRetentionDays: 7 },
              AccessPolicy: policy({ Resource: '*', Action: DENY.Action, Principal: { AWS: 'arn:aws:iam::111111111111:role/ops' }, Effect: 'Deny' }),
            },
          },
        }),
      ['TestStack/Foreign/Vault'],
    );
  });

  it('F16: a lock with a minimum retention of 0 days', () => {
    expectNonCompliant(RULE, (stack) => rawVault(stack, { lockConfiguration: { minRetentionDays: 0 } }), [VAULT]);
  });

  it('F17: the Deny names the recovery points with a wrongly cased ARN (ARNs are case-sensitive)', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawVault(stack, { accessPolicy: policy({ ...DENY, Resource: 'arn:aws:backup:eu-west-3:111111111111:RECOVERY-POINT:*' }) }),
      [VAULT],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: LockedBackupVault, the platform construct, in compliance mode', () => {
    expectCompliant(RULE, (stack) => lockedVault(stack, 3));
  });

  it('P2: LockedBackupVault in governance mode (no ChangeableForDays)', () => {
    expectCompliant(RULE, (stack) => lockedVault(stack));
  });

  it('P3: a raw vault whose access policy has one Statement object, keys reordered, Principal "*" and backup:*', () => {
    expectCompliant(RULE, (stack) =>
      rawVault(stack, {
        accessPolicy: { Statement: { Resource: '*', Principal: '*', Action: 'backup:*', Effect: 'Deny' }, Version: '2012-10-17' },
      }),
    );
  });

  it('P4: two Deny statements, one per action, on every recovery point of the vault (ARN pattern), lock with no maximum', () => {
    expectCompliant(RULE, (stack) =>
      rawVault(stack, {
        lockConfiguration: { minRetentionDays: 7 },
        accessPolicy: policy(
          { ...DENY, Action: 'backup:DeleteRecoveryPoint', Resource: 'arn:aws:backup:eu-west-3:111111111111:recovery-point:*' },
          { ...DENY, Action: 'backup:UpdateRecoveryPointLifecycle' },
        ),
      }),
    );
  });

  it('P5: a foreign template vault, locked and retained', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Vault: {
          Type: 'AWS::Backup::BackupVault',
          DeletionPolicy: 'Retain',
          Properties: {
            BackupVaultName: 'foreign',
            EncryptionKeyArn: 'arn:aws:kms:eu-west-3:111111111111:key/1234',
            LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 7 },
            AccessPolicy: policy({ Resource: '*', Action: DENY.Action, Principal: { AWS: '*' }, Effect: 'Deny' }),
          },
        },
      }),
    );
  });

  it('P7: a lock with a minimum retention of 1 day', () => {
    expectCompliant(RULE, (stack) => rawVault(stack, { lockConfiguration: { minRetentionDays: 1 } }));
  });

  it('P8: the Deny lists one recovery point and every resource', () => {
    expectCompliant(RULE, (stack) =>
      rawVault(stack, { accessPolicy: policy({ ...DENY, Resource: ['arn:aws:backup:eu-west-3:111111111111:recovery-point:rp-1', '*'] }) }),
    );
  });

  it('P6: a resource that is not a vault is not judged', () => {
    expectCompliant(RULE, (stack) => new sns.Topic(stack, 'Topic'));
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: MinRetentionDays from a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) =>
        rawVault(stack, { lockConfiguration: { minRetentionDays: Token.asNumber(parameter(stack, 'MinDays', 'Number').value) } }),
      [VAULT],
    );
  });

  it('E2: an access policy Effect chosen by a parameter', () => {
    expectEvaluationErrors(RULE, (stack) => rawVault(stack, { accessPolicy: policy({ ...DENY, Effect: parameter(stack).valueAsString }) }), [VAULT]);
  });

  it.each<[string, FixtureBuilder, RegExp]>([
    [
      'MinRetentionDays',
      (stack) => rawVault(stack, { lockConfiguration: { minRetentionDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) } }),
      /TestStack\/Vault LockConfiguration\.MinRetentionDays cannot be evaluated/,
    ],
    [
      'MaxRetentionDays',
      (stack) => rawVault(stack, { lockConfiguration: { minRetentionDays: 7, maxRetentionDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) } }),
      /TestStack\/Vault LockConfiguration\.MaxRetentionDays cannot be evaluated/,
    ],
    [
      'ChangeableForDays',
      (stack) => rawVault(stack, { lockConfiguration: { minRetentionDays: 7, changeableForDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) } }),
      /TestStack\/Vault LockConfiguration\.ChangeableForDays cannot be evaluated/,
    ],
    ['the access policy', (stack) => rawVault(stack, { accessPolicy: Fn.conditionIf('Locked', policy(DENY), policy(DENY)) }), /TestStack\/Vault AccessPolicy cannot be evaluated/],
    [
      'the Resource of the Deny',
      (stack) => rawVault(stack, { accessPolicy: policy({ ...DENY, Resource: [parameter(stack).valueAsString] }) }),
      /TestStack\/Vault AccessPolicy Resource cannot be evaluated/,
    ],
  ])('E3: %s from a template parameter or a condition: could not be evaluated, and the verbose pack says where', (_what, build, reason) => {
    expectEvaluationErrors(RULE, build, [VAULT]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });
});
