import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BACKUP_SERVICE_POLICIES,
  LockedBackupVault,
  PlatformBackup,
  backupSettingsProblems,
  type PlatformBackupProps,
} from '../../lib/constructs/platform-backup';
import { testStack } from '../support/app';

const COPY_VAULT_ARN = 'arn:aws:backup:eu-west-1:111111111111:backup-vault:hds-copy-vault';

/** Valid settings whose values differ from each other, so an assertion cannot match the wrong one. */
const SETTINGS = {
  retention: { dailyDays: 42, monthlyDays: 400, monthlyColdStorageAfterDays: 120 },
  vaultLock: { minRetentionDays: 30, maxRetentionDays: 3000, changeableForDays: 5 },
  startHour: 2,
} as const;

type Settings = Parameters<typeof backupSettingsProblems>[0];

function settings(overrides: {
  retention?: Partial<Settings['retention']>;
  vaultLock?: Partial<Settings['vaultLock']>;
  startHour?: number;
  copy?: Settings['copy'];
}): Settings {
  return {
    retention: { ...SETTINGS.retention, ...overrides.retention },
    vaultLock: { ...SETTINGS.vaultLock, ...overrides.vaultLock },
    startHour: overrides.startHour ?? SETTINGS.startHour,
    copy: overrides.copy,
  };
}

interface Built {
  stack: Stack;
  key: kms.Key;
  backup: PlatformBackup;
}

function build(props: Partial<PlatformBackupProps> = {}): Built {
  const stack = testStack();
  const key = new kms.Key(stack, 'BackupKey');
  const backup = new PlatformBackup(stack, 'Backup', {
    namePrefix: 'hds-test',
    backupKey: key,
    retention: SETTINGS.retention,
    vaultLock: SETTINGS.vaultLock,
    startHour: SETTINGS.startHour,
    selectionTag: { key: 'hds:backup', value: 'true' },
    ...props,
  });
  return { stack, key, backup };
}

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

interface PlanRule {
  RuleName: string;
  EnableContinuousBackup?: boolean;
  ScheduleExpression: string;
  ScheduleExpressionTimezone: string;
  Lifecycle: Record<string, number>;
  CopyActions?: { DestinationBackupVaultArn: unknown; Lifecycle: Record<string, number> }[];
  TargetBackupVault: unknown;
}

function synth(built: Built) {
  const template = Template.fromStack(built.stack);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown>; [k: string]: unknown }>;
  const vaultId = logicalId(built.stack, built.backup.vault);
  const planId = logicalId(built.stack, built.backup.plan);
  const roleId = logicalId(built.stack, built.backup.role);
  const plan = resources[planId].Properties.BackupPlan as { BackupPlanName: string; BackupPlanRule: PlanRule[] };
  const rule = (name: string): PlanRule => {
    const found = plan.BackupPlanRule.filter((r) => r.RuleName === name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  return {
    template,
    resources,
    vaultId,
    planId,
    roleId,
    keyId: logicalId(built.stack, built.key),
    vault: resources[vaultId],
    plan,
    rule,
  };
}

describe('PlatformBackup', () => {
  describe('vault (BAK-01)', () => {
    const built = build();
    const { template, vault, keyId } = synth(built);

    test('is the only vault, named after the prefix and encrypted with the given key', () => {
      template.resourceCountIs('AWS::Backup::BackupVault', 1);
      expect(vault.Type).toBe('AWS::Backup::BackupVault');
      expect(vault.Properties.BackupVaultName).toBe('hds-test-vault');
      expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    });

    test('is retained when the stack is deleted or the vault replaced', () => {
      expect(vault.DeletionPolicy).toBe('Retain');
      expect(vault.UpdateReplacePolicy).toBe('Retain');
    });

    test('access policy denies deleting recovery points and changing their lifecycle to every principal', () => {
      const policy = vault.Properties.AccessPolicy as { Statement: Record<string, unknown>[] };
      const denies = policy.Statement.filter((s) => s.Effect === 'Deny');
      expect(denies).toHaveLength(1);
      expect(denies[0]).toMatchObject({ Principal: { AWS: '*' }, Resource: '*' });
      expect([denies[0].Action].flat().sort()).toEqual(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']);
      expect(denies[0].Condition).toBeUndefined();
      expect(policy.Statement.filter((s) => s.Effect === 'Allow')).toEqual([]);
    });

    test('compliance mode: lock with min, max and the cooling-off period', () => {
      expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 30, MaxRetentionDays: 3000, ChangeableForDays: 5 });
    });
  });

  test('governance mode: without changeableForDays the lock has no ChangeableForDays', () => {
    const built = build({ vaultLock: { minRetentionDays: 30, maxRetentionDays: 3000 } });
    const lock = synth(built).vault.Properties.LockConfiguration as Record<string, unknown>;
    expect(lock).toEqual({ MinRetentionDays: 30, MaxRetentionDays: 3000 });
    expect(lock).not.toHaveProperty('ChangeableForDays');
  });

  describe('plan (BAK-02)', () => {
    const built = build();
    const { plan, rule, vaultId } = synth(built);

    test('has exactly the continuous, daily and monthly rules, all into the locked vault', () => {
      expect(plan.BackupPlanName).toBe('hds-test-plan');
      expect(plan.BackupPlanRule.map((r) => r.RuleName).sort()).toEqual(['continuous', 'daily', 'monthly']);
      for (const r of plan.BackupPlanRule) {
        expect(r.TargetBackupVault).toEqual({ 'Fn::GetAtt': [vaultId, 'BackupVaultName'] });
      }
    });

    test('continuous: point-in-time recovery kept 35 days', () => {
      const continuous = rule('continuous');
      expect(continuous.EnableContinuousBackup).toBe(true);
      expect(continuous.Lifecycle).toEqual({ DeleteAfterDays: 35 });
    });

    test('daily: kept retention.dailyDays, not continuous, no cold storage', () => {
      const daily = rule('daily');
      expect(daily.EnableContinuousBackup).toBeUndefined();
      expect(daily.Lifecycle).toEqual({ DeleteAfterDays: 42 });
    });

    test('monthly: moved to cold storage, then deleted after retention.monthlyDays', () => {
      const monthly = rule('monthly');
      expect(monthly.EnableContinuousBackup).toBeUndefined();
      expect(monthly.Lifecycle).toEqual({ MoveToColdStorageAfterDays: 120, DeleteAfterDays: 400 });
    });

    test('schedules run at the start hour, Europe/Paris time; monthly on the 1st', () => {
      expect(rule('continuous').ScheduleExpression).toBe('cron(0 2 * * ? *)');
      expect(rule('daily').ScheduleExpression).toBe('cron(0 2 * * ? *)');
      expect(rule('monthly').ScheduleExpression).toBe('cron(0 2 1 * ? *)');
      for (const r of plan.BackupPlanRule) expect(r.ScheduleExpressionTimezone).toBe('Europe/Paris');
    });

    test('no copy actions without `copy`', () => {
      for (const r of plan.BackupPlanRule) expect(r.CopyActions).toBeUndefined();
    });
  });

  test.each([0, 23])('start hour %i is accepted and lands in the cron', (hour) => {
    const { rule } = synth(build({ startHour: hour }));
    expect(rule('daily').ScheduleExpression).toBe(`cron(0 ${hour} * * ? *)`);
    expect(rule('monthly').ScheduleExpression).toBe(`cron(0 ${hour} 1 * ? *)`);
  });

  test('copy (BAK-05): the daily rule copies to the destination vault with its own lifecycle; no other rule copies', () => {
    const { rule } = synth(build({ copy: { destinationVaultArn: COPY_VAULT_ARN, retentionDays: 50 } }));
    expect(rule('daily').CopyActions).toEqual([{ DestinationBackupVaultArn: COPY_VAULT_ARN, Lifecycle: { DeleteAfterDays: 50 } }]);
    expect(rule('continuous').CopyActions).toBeUndefined();
    expect(rule('monthly').CopyActions).toBeUndefined();
  });

  describe('selection and service role', () => {
    const built = build({ selectionTag: { key: 'hds:backup', value: 'true' } });
    const { template, resources, planId, roleId } = synth(built);

    test('selects every resource tagged hds:backup=true, with the service role', () => {
      const selections = Object.values(template.findResources('AWS::Backup::BackupSelection'));
      expect(selections).toHaveLength(1);
      expect(selections[0].Properties).toEqual({
        BackupPlanId: { 'Fn::GetAtt': [planId, 'BackupPlanId'] },
        BackupSelection: {
          SelectionName: 'tagged-for-backup',
          IamRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          ListOfTags: [{ ConditionKey: 'hds:backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'true' }],
        },
      });
    });

    test('the role is assumable only by AWS Backup on behalf of this account', () => {
      const role = resources[roleId];
      expect(role.Type).toBe('AWS::IAM::Role');
      expect((role.Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'backup.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        },
      ]);
    });

    test('the role has exactly the four AWS Backup managed policies and nothing inline', () => {
      const role = resources[roleId];
      const arns = role.Properties.ManagedPolicyArns as { 'Fn::Join': [string, unknown[]] }[];
      const names = arns.map((arn) => {
        const parts = arn['Fn::Join'][1];
        return String(parts[parts.length - 1]).replace(/^:iam::aws:policy\//, '');
      });
      expect(names.sort()).toEqual([...BACKUP_SERVICE_POLICIES].sort());
      expect(names).toHaveLength(4);
      expect(role.Properties.Policies).toBeUndefined();
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });
  });
});

describe('LockedBackupVault', () => {
  test('takes its name, key and lock from its props', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key');
    const locked = new LockedBackupVault(stack, 'Copy', {
      vaultName: 'copy-vault',
      key,
      lock: { minRetentionDays: 7, maxRetentionDays: 70 },
    });
    const vault = Template.fromStack(stack).toJSON().Resources[logicalId(stack, locked.vault)];
    expect(vault).toMatchObject({
      Type: 'AWS::Backup::BackupVault',
      DeletionPolicy: 'Retain',
      Properties: {
        BackupVaultName: 'copy-vault',
        EncryptionKeyArn: { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] },
        LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 70 },
      },
    });
    expect(vault.Properties.LockConfiguration).not.toHaveProperty('ChangeableForDays');
  });
});

describe('backupSettingsProblems', () => {
  test('valid settings (with a copy) give no problem', () => {
    expect(backupSettingsProblems(settings({ copy: { retentionDays: 60 } }))).toEqual([]);
  });

  test('boundaries are valid: daily = lock minimum, monthly = lock maximum = cold + 90, changeableForDays 3, hours 0 and 23', () => {
    const edge = settings({
      retention: { dailyDays: 30, monthlyDays: 210, monthlyColdStorageAfterDays: 120 },
      vaultLock: { minRetentionDays: 30, maxRetentionDays: 210, changeableForDays: 3 },
    });
    expect(backupSettingsProblems(edge)).toEqual([]);
    expect(backupSettingsProblems({ ...edge, startHour: 0 })).toEqual([]);
    expect(backupSettingsProblems({ ...edge, startHour: 23 })).toEqual([]);
  });

  test('daily retention below the lock minimum', () => {
    const problems = backupSettingsProblems(settings({ retention: { dailyDays: 20 } }));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toEqual(['retention', 'dailyDays']);
    expect(problems[0].message).toMatch(/retention\.dailyDays is 20 days.*vaultLock\.minRetentionDays = 30/);
  });

  test('monthly retention above the lock maximum', () => {
    const problems = backupSettingsProblems(settings({ vaultLock: { maxRetentionDays: 300 } }));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toEqual(['vaultLock', 'maxRetentionDays']);
    expect(problems[0].message).toMatch(/retention\.monthlyDays is 400 days.*vaultLock\.maxRetentionDays = 300/);
  });

  test('a lock minimum above continuous backup retention (35 days)', () => {
    const problems = backupSettingsProblems(
      settings({ retention: { dailyDays: 60 }, vaultLock: { minRetentionDays: 40 } }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toEqual(['vaultLock', 'minRetentionDays']);
    expect(problems[0].message).toMatch(/continuous backup \(35 days, fixed\) is 35 days.*minRetentionDays = 40/);
  });

  test('copy retention below the lock minimum', () => {
    const problems = backupSettingsProblems(settings({ copy: { retentionDays: 10 } }));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toEqual(['copy', 'retentionDays']);
    expect(problems[0].message).toMatch(/copy\.retentionDays is 10 days.*= 30/);
  });

  test('lock minimum above the lock maximum', () => {
    const problems = backupSettingsProblems(settings({ vaultLock: { minRetentionDays: 50, maxRetentionDays: 40 } }));
    expect(problems).toContainEqual({
      path: ['vaultLock', 'minRetentionDays'],
      message: 'vaultLock.minRetentionDays (50) exceeds vaultLock.maxRetentionDays (40)',
    });
  });

  test('monthly retention shorter than cold storage + 90 days', () => {
    const problems = backupSettingsProblems(settings({ retention: { monthlyDays: 200, monthlyColdStorageAfterDays: 120 } }));
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toEqual(['retention', 'monthlyDays']);
    expect(problems[0].message).toMatch(/retention\.monthlyDays is 200;.*90 days.*= 210$/);
  });

  test('changeableForDays below 3', () => {
    const problems = backupSettingsProblems(settings({ vaultLock: { changeableForDays: 2 } }));
    expect(problems).toEqual([
      { path: ['vaultLock', 'changeableForDays'], message: expect.stringMatching(/changeableForDays is 2; .*at least 3 days/) },
    ]);
  });

  test.each([24, 1.5, -1])('startHour %p', (hour) => {
    const problems = backupSettingsProblems(settings({ startHour: hour }));
    expect(problems).toEqual([{ path: ['startHour'], message: `startHour is ${hour}; allowed: a whole hour from 0 to 23` }]);
  });

  test('the construct throws once, listing every problem with its path', () => {
    const bad = {
      retention: { dailyDays: 20, monthlyDays: 400, monthlyColdStorageAfterDays: 120 },
      vaultLock: { minRetentionDays: 30, maxRetentionDays: 3000, changeableForDays: 1 },
      startHour: 24,
    };
    const expected = backupSettingsProblems(bad);
    expect(expected).toHaveLength(3);
    let message = '';
    try {
      build(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^TestStack\/Backup: invalid backup settings:\n/);
    for (const problem of expected) expect(message).toContain(`  - ${problem.path.join('.')}: ${problem.message}`);
    expect(message.split('\n  - ')).toHaveLength(expected.length + 1);
  });

  test('the construct throws before creating anything', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key');
    expect(
      () =>
        new PlatformBackup(stack, 'Backup', {
          namePrefix: 'x',
          backupKey: key,
          retention: SETTINGS.retention,
          vaultLock: SETTINGS.vaultLock,
          startHour: 1.5,
          selectionTag: { key: 'hds:backup', value: 'true' },
        }),
    ).toThrow(/startHour: startHour is 1\.5; allowed: a whole hour from 0 to 23/);
    expect(stack.node.findChild('Backup').node.children).toHaveLength(0);
  });
});
