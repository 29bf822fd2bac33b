import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildTestPlatform } from '../support/platform';

const COPY_VAULT_ARN = 'arn:aws:backup:eu-west-1:111111111111:backup-vault:hds-copy-vault';

interface PlanRule {
  RuleName: string;
  CopyActions?: unknown[];
}

function planRules(template: Template): PlanRule[] {
  const plans = Object.values(
    template.findResources('AWS::Backup::BackupPlan', { Properties: { BackupPlan: { BackupPlanName: 'hds-plan' } } }),
  );
  expect(plans).toHaveLength(1);
  return plans[0].Properties.BackupPlan.BackupPlanRule as PlanRule[];
}

describe('cross-region backup copy (BAK-05, RES-02)', () => {
  // Building the platform bundles the restore validator: once for this describe.
  const { app, platform } = buildTestPlatform({
    config: { allowedRegions: ['eu-west-3', 'eu-west-1'], backup: { copy: { region: 'eu-west-1' } } },
  });
  const copy = platform.backupCopy;

  test('a hds-backup-copy stack is pinned to the copy region, same account', () => {
    expect(copy).toBeDefined();
    expect(copy?.stackName).toBe('hds-backup-copy');
    expect(copy?.region).toBe('eu-west-1');
    expect(copy?.account).toBe('111111111111');
    expect(platform.backup.region).toBe('eu-west-3');
  });

  test('it holds one locked, retained vault named hds-copy-vault, encrypted with a backup key of that stack', () => {
    const stack = copy as Stack;
    const template = Template.fromStack(stack);
    const vaults = template.findResources('AWS::Backup::BackupVault');
    expect(Object.keys(vaults)).toHaveLength(1);
    const [vaultId, vault] = Object.entries(vaults)[0];
    expect(vaultId).toBe(stack.getLogicalId(copy?.vault.node.defaultChild as CfnElement));
    expect(vault.Properties.BackupVaultName).toBe('hds-copy-vault');
    expect(vault.DeletionPolicy).toBe('Retain');
    // Production (the default stage): compliance mode.
    expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 35, MaxRetentionDays: 3653, ChangeableForDays: 3 });

    const keyArn = vault.Properties.EncryptionKeyArn as { 'Fn::GetAtt': [string, string] };
    expect(keyArn['Fn::GetAtt'][1]).toBe('Arn');
    const keyId = keyArn['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[keyId]?.Type).toBe('AWS::KMS::Key');
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/hds-copy/backup', TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
  });

  test('the daily rule of hds-plan copies to that vault, by a literal ARN in eu-west-1; no other rule copies', () => {
    const rules = planRules(Template.fromStack(platform.backup));
    const daily = rules.filter((r) => r.RuleName === 'daily');
    expect(daily).toHaveLength(1);
    expect(daily[0].CopyActions).toEqual([{ DestinationBackupVaultArn: COPY_VAULT_ARN, Lifecycle: { DeleteAfterDays: 35 } }]);
    for (const r of rules.filter((rule) => rule.RuleName !== 'daily')) expect(r.CopyActions).toBeUndefined();
  });

  test('the backup stack deploys after the copy stack', () => {
    expect(platform.backup.dependencies).toContain(copy);
    const artifact = app.synth().getStackByName('hds-backup');
    expect(artifact.dependencies.map((d) => d.id)).toContain('hds-backup-copy');
  });
});

describe('without backup.copy', () => {
  const { app, platform } = buildTestPlatform();

  test('there is no copy stack', () => {
    expect(platform.backupCopy).toBeUndefined();
    expect(app.node.tryFindChild('hds-backup-copy')).toBeUndefined();
    expect(app.node.children.filter((c) => Stack.isStack(c) && c.region !== 'eu-west-3')).toEqual([]);
    expect(platform.backup.dependencies.map((d) => d.stackName)).not.toContain('hds-backup-copy');
  });

  test('no rule of hds-plan copies', () => {
    const rules = planRules(Template.fromStack(platform.backup));
    expect(rules.map((r) => r.RuleName).sort()).toEqual(['continuous', 'daily', 'monthly']);
    for (const r of rules) expect(r.CopyActions).toBeUndefined();
  });
});
