import { Duration, Fn, Stack, Token, type App } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { LockedBackupVault, PlatformBackup, type VaultLockSettings } from '../../../lib/constructs/platform-backup';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-BAK01-PlanRetentionWithinLock';
const PLAN = 'TestStack/Plan/Resource';
const ENV = { account: '111111111111', region: 'eu-west-3' };
const LOCK: VaultLockSettings = { minRetentionDays: 35, maxRetentionDays: 400 };

function lockedVault(scope: Construct, name = 'vault', lock: VaultLockSettings = LOCK, id = 'Vault'): backup.BackupVault {
  return new LockedBackupVault(scope, id, { vaultName: name, key: new kms.Key(scope, `${id}Key`), lock }).vault;
}

/** A plan in `scope` with one rule per retention (undefined: kept forever), into `vault`. */
function plan(scope: Construct, vault: backup.IBackupVault, ...retentions: (number | undefined)[]): backup.BackupPlan {
  return new backup.BackupPlan(scope, 'Plan', {
    backupVault: vault,
    backupPlanRules: retentions.map(
      (days, i) => new backup.BackupPlanRule({ ruleName: `rule${i}`, deleteAfter: days === undefined ? undefined : Duration.days(days) }),
    ),
  });
}

function copyStack(app: App): Stack {
  return new Stack(app, 'CopyStack', { env: { ...ENV, region: 'eu-west-1' } });
}

const COPY_ARN = 'arn:aws:backup:eu-west-1:111111111111:backup-vault:copy-vault';

/** A raw plan (L1), as a foreign template declares it, targeting a vault by literal name. */
function rawPlan(stack: Stack, rule: Record<string, unknown>): backup.CfnBackupPlan {
  return new backup.CfnBackupPlan(stack, 'RawPlan', {
    backupPlan: { backupPlanName: 'raw', backupPlanRule: [{ ruleName: 'raw', targetBackupVault: 'vault', ...rule }] },
  });
}

function platformBackup(stack: Stack, copy?: { destinationVaultArn: string; retentionDays: number }): PlatformBackup {
  return new PlatformBackup(stack, 'Backup', {
    namePrefix: 'test',
    backupKey: new kms.Key(stack, 'BackupKey'),
    retention: { dailyDays: 35, monthlyDays: 365, monthlyColdStorageAfterDays: 90 },
    vaultLock: { minRetentionDays: 35, maxRetentionDays: 3653 },
    startHour: 1,
    selectionTag: { key: 'hds:backup', value: 'true' },
    copy,
  });
}

const FOREIGN_VAULT = {
  Type: 'AWS::Backup::BackupVault',
  Properties: { BackupVaultName: 'foreign', LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 30 } },
};

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a rule keeps recovery points 7 days in a vault locked for at least 35', () => {
    expectNonCompliant(RULE, (stack) => plan(stack, lockedVault(stack), 35, 7), [PLAN]);
  });

  it('F2: a rule keeps recovery points 4000 days in a vault locked for at most 400', () => {
    expectNonCompliant(RULE, (stack) => plan(stack, lockedVault(stack), 4000), [PLAN]);
  });

  it('F3: a rule keeps recovery points forever (no DeleteAfterDays) in a vault with a maximum', () => {
    expectNonCompliant(RULE, (stack) => plan(stack, lockedVault(stack), undefined), [PLAN]);
  });

  it('F4: a copy action keeps copies 7 days in a copy vault locked for at least 35', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        lockedVault(copyStack(app), 'copy-vault');
        const p = plan(stack, lockedVault(stack), 35);
        p.addRule(
          new backup.BackupPlanRule({
            ruleName: 'copied',
            deleteAfter: Duration.days(35),
            copyActions: [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'Dest', COPY_ARN), deleteAfter: Duration.days(7) }],
          }),
        );
      },
      [PLAN],
    );
  });

  it('F5: a copy action without a lifecycle inherits 400 days, over the copy vault maximum of 100', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        lockedVault(copyStack(app), 'copy-vault', { minRetentionDays: 7, maxRetentionDays: 100 });
        const p = plan(stack, lockedVault(stack));
        p.addRule(
          new backup.BackupPlanRule({
            ruleName: 'copied',
            deleteAfter: Duration.days(400),
            copyActions: [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'Dest', COPY_ARN) }],
          }),
        );
      },
      [PLAN],
    );
  });

  it('F6: a raw plan (CfnBackupPlan) naming its vault, keeping 10 days where the lock wants 35', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        lockedVault(stack);
        rawPlan(stack, { lifecycle: { deleteAfterDays: 10 } });
      },
      ['TestStack/RawPlan'],
    );
  });

  it('F7: a foreign template plan (Ref to its vault) keeping 1 day where the lock wants 7', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          Vault: FOREIGN_VAULT,
          Plan: {
            Type: 'AWS::Backup::BackupPlan',
            Properties: {
              BackupPlan: {
                BackupPlanName: 'foreign',
                BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: { Ref: 'Vault' }, Lifecycle: { DeleteAfterDays: 1 } }],
              },
            },
          },
        }),
      ['TestStack/Foreign/Plan'],
    );
  });

  it('F8: the vault in another stack (cross-stack reference), a rule keeping 7 days', () => {
    expectNonCompliant(RULE, (stack, app) => plan(stack, lockedVault(new Stack(app, 'VaultStack', { env: ENV })), 7), [PLAN]);
  });

  it('F10: a copy action, to a second vault of the app named by reference, keeps copies 7 days where its lock wants 35', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const p = plan(stack, lockedVault(stack), 35);
        p.addRule(
          new backup.BackupPlanRule({
            ruleName: 'copied',
            deleteAfter: Duration.days(35),
            copyActions: [{ destinationBackupVault: lockedVault(stack, 'second', LOCK, 'Second'), deleteAfter: Duration.days(7) }],
          }),
        );
      },
      [PLAN],
    );
  });

  it('F9: a raw plan keeping recovery points 0 days, in a vault locked for at least 35 and no maximum', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new backup.BackupVault(stack, 'Vault', { backupVaultName: 'vault', lockConfiguration: { minRetention: Duration.days(35) } });
        rawPlan(stack, { lifecycle: { deleteAfterDays: 0 } });
      },
      ['TestStack/RawPlan'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: PlatformBackup, the platform construct (35-day continuous and daily, 365-day monthly, lock 35..3653)', () => {
    expectCompliant(RULE, (stack) => platformBackup(stack));
  });

  it('P2: PlatformBackup with a copy to a locked vault of another allowed region (ARN of the copy stack vault)', () => {
    expectCompliant(RULE, (stack, app) => {
      lockedVault(copyStack(app), 'copy-vault');
      platformBackup(stack, { destinationVaultArn: COPY_ARN, retentionDays: 35 });
    });
  });

  it('P3: rules at both bounds (35 and 400 days)', () => {
    expectCompliant(RULE, (stack) => plan(stack, lockedVault(stack), 35, 400));
  });

  it('P4: a rule that keeps recovery points forever, in a vault with a minimum and no maximum', () => {
    expectCompliant(RULE, (stack) =>
      plan(stack, new backup.BackupVault(stack, 'Vault', { lockConfiguration: { minRetention: Duration.days(35) } }), undefined),
    );
  });

  it('P5: a raw plan naming its vault, within the bounds', () => {
    expectCompliant(RULE, (stack) => {
      lockedVault(stack);
      rawPlan(stack, { lifecycle: { deleteAfterDays: 100 } });
    });
  });

  it('P6: a foreign template plan (Fn::GetAtt to its vault name) within the bounds', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Vault: FOREIGN_VAULT,
        Plan: {
          Type: 'AWS::Backup::BackupPlan',
          Properties: {
            BackupPlan: {
              BackupPlanName: 'foreign',
              BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: { 'Fn::GetAtt': ['Vault', 'BackupVaultName'] }, Lifecycle: { DeleteAfterDays: 30 } }],
            },
          },
        },
      }),
    );
  });

  it('P7: a raw plan keeping recovery points forever (DeleteAfterDays -1), in a vault with a minimum and no maximum', () => {
    expectCompliant(RULE, (stack) => {
      new backup.BackupVault(stack, 'Vault', { backupVaultName: 'vault', lockConfiguration: { minRetention: Duration.days(35) } });
      rawPlan(stack, { lifecycle: { deleteAfterDays: -1 } });
    });
  });

  it('P9: a copy action to a second vault of the app named by reference, within its bounds', () => {
    expectCompliant(RULE, (stack) => {
      const p = plan(stack, lockedVault(stack), 35);
      p.addRule(
        new backup.BackupPlanRule({
          ruleName: 'copied',
          deleteAfter: Duration.days(35),
          copyActions: [{ destinationBackupVault: lockedVault(stack, 'second', LOCK, 'Second'), deleteAfter: Duration.days(35) }],
        }),
      );
    });
  });

  it('P10: a copy by ARN to a vault of the app, next to a vault without a literal name', () => {
    expectCompliant(RULE, (stack, app) => {
      lockedVault(copyStack(app), 'copy-vault');
      new backup.BackupVault(stack, 'Unnamed', { backupVaultName: parameter(stack, 'VaultName').valueAsString });
      platformBackup(stack, { destinationVaultArn: COPY_ARN, retentionDays: 35 });
    });
  });

  it('P8: a copy action without a lifecycle inherits 35 days, within the copy vault bounds of 7..100', () => {
    expectCompliant(RULE, (stack, app) => {
      lockedVault(copyStack(app), 'copy-vault', { minRetentionDays: 7, maxRetentionDays: 100 });
      const p = plan(stack, lockedVault(stack));
      p.addRule(
        new backup.BackupPlanRule({
          ruleName: 'copied',
          deleteAfter: Duration.days(35),
          copyActions: [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'Dest', COPY_ARN) }],
        }),
      );
    });
  });
});

/** Raw plans the rule cannot evaluate, each with the reason the verbose pack must give. */
const UNEVALUABLE: [string, FixtureBuilder, RegExp][] = [
  ['a vault not in the app', (stack) => rawPlan(stack, { lifecycle: { deleteAfterDays: 35 } }), /RawPlan BackupPlanRule\[0\]\.TargetBackupVault \(not a backup vault of the app\)/],
  [
    'DeleteAfterDays from a parameter',
    (stack) => {
      lockedVault(stack);
      rawPlan(stack, { lifecycle: { deleteAfterDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) } });
    },
    /RawPlan BackupPlanRule\[0\]\.Lifecycle\.DeleteAfterDays cannot be evaluated/,
  ],
  [
    'a copy to a vault not in the app',
    (stack) => {
      lockedVault(stack);
      rawPlan(stack, { lifecycle: { deleteAfterDays: 35 }, copyActions: [{ destinationBackupVaultArn: COPY_ARN }] });
    },
    /RawPlan BackupPlanRule\[0\]\.CopyActions\[0\]\.DestinationBackupVaultArn \(not a backup vault of the app\)/,
  ],
  [
    'a copy whose DeleteAfterDays comes from a parameter',
    (stack) => {
      lockedVault(stack);
      rawPlan(stack, {
        lifecycle: { deleteAfterDays: 35 },
        copyActions: [{ destinationBackupVaultArn: 'arn:aws:backup:eu-west-3:111111111111:backup-vault:vault', lifecycle: { deleteAfterDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) } }],
      });
    },
    /RawPlan BackupPlanRule\[0\]\.CopyActions\[0\]\.Lifecycle\.DeleteAfterDays cannot be evaluated/,
  ],
  [
    'copy actions chosen at deploy time (Fn::If)',
    (stack) => {
      lockedVault(stack);
      rawPlan(stack, { lifecycle: { deleteAfterDays: 35 }, copyActions: Fn.conditionIf('Copy', [], []) });
    },
    /RawPlan BackupPlanRule\[0\]\.CopyActions cannot be evaluated/,
  ],
  [
    "the vault's MinRetentionDays from a parameter",
    (stack) => {
      new backup.CfnBackupVault(stack, 'Vault', { backupVaultName: 'vault', lockConfiguration: { minRetentionDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) } });
      rawPlan(stack, { lifecycle: { deleteAfterDays: 35 } });
    },
    /TestStack\/Vault LockConfiguration\.MinRetentionDays cannot be evaluated/,
  ],
  [
    "the vault's MaxRetentionDays from a parameter",
    (stack) => {
      new backup.CfnBackupVault(stack, 'Vault', {
        backupVaultName: 'vault',
        lockConfiguration: { minRetentionDays: 7, maxRetentionDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) },
      });
      rawPlan(stack, { lifecycle: { deleteAfterDays: 35 } });
    },
    /TestStack\/Vault LockConfiguration\.MaxRetentionDays cannot be evaluated/,
  ],
  [
    'a vault name the app does not have, next to a vault it has',
    (stack) => {
      lockedVault(stack, 'other');
      rawPlan(stack, { lifecycle: { deleteAfterDays: 35 } });
    },
    /RawPlan BackupPlanRule\[0\]\.TargetBackupVault \(not a backup vault of the app\)/,
  ],
  [
    'the vault name of a vault of the app in another region',
    (stack, app) => {
      lockedVault(copyStack(app), 'vault');
      rawPlan(stack, { lifecycle: { deleteAfterDays: 35 } });
    },
    /RawPlan BackupPlanRule\[0\]\.TargetBackupVault \(not a backup vault of the app\)/,
  ],
  [
    'the vault name of a vault of the app in another account',
    (stack, app) => {
      lockedVault(new Stack(app, 'OtherAccount', { env: { ...ENV, account: '222222222222' } }), 'vault');
      rawPlan(stack, { lifecycle: { deleteAfterDays: 35 } });
    },
    /RawPlan BackupPlanRule\[0\]\.TargetBackupVault \(not a backup vault of the app\)/,
  ],
  [
    'plan rules chosen at deploy time (Fn::If)',
    (stack) => {
      lockedVault(stack);
      new backup.CfnBackupPlan(stack, 'RawPlan', { backupPlan: { backupPlanName: 'raw', backupPlanRule: Fn.conditionIf('Rules', [], []) } });
    },
    /RawPlan BackupPlanRule cannot be evaluated/,
  ],
];

describe(`${RULE}: values that cannot be evaluated`, () => {
  it.each(UNEVALUABLE)('E4: %s: could not be evaluated, and the verbose pack says where', (_what, build, reason) => {
    expectEvaluationErrors(RULE, build, ['TestStack/RawPlan']);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });

  it('E1: a plan targeting a vault that is not in the app (its lock cannot be read)', () => {
    expectEvaluationErrors(RULE, (stack) => rawPlan(stack, { lifecycle: { deleteAfterDays: 35 } }), ['TestStack/RawPlan']);
  });

  it('E2: DeleteAfterDays from a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        lockedVault(stack);
        rawPlan(stack, { lifecycle: { deleteAfterDays: Token.asNumber(parameter(stack, 'Days', 'Number').value) } });
      },
      ['TestStack/RawPlan'],
    );
  });

  it('E3: a copy to a vault ARN that is not in the app', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        lockedVault(stack);
        rawPlan(stack, { lifecycle: { deleteAfterDays: 35 }, copyActions: [{ destinationBackupVaultArn: COPY_ARN }] });
      },
      ['TestStack/RawPlan'],
    );
  });
});
