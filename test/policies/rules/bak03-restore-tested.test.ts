import { Duration, Fn, Stack, Tags, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LockedBackupVault } from '../../../lib/constructs/platform-backup';
import { RestoreTesting } from '../../../lib/constructs/restore-testing';
import { atLeastWeekly } from '../../../policies/rules/bak/restore-tested';
import { Construct } from 'constructs';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-BAK03-RestoreTested';
const PLAN = 'TestStack/Plan/Resource';
const ROLE = 'arn:aws:iam::111111111111:role/restore';
const TAG = { key: 'hds:backup', value: 'true' };

interface Backed {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
}

/** A locked vault, a plan selecting resources tagged hds:backup=true, and the tagged data resources asked for. */
function backedUp(stack: Stack, data: { bucket?: boolean; cluster?: boolean; untaggedCluster?: boolean } = { bucket: true }): Backed {
  const vault = new LockedBackupVault(stack, 'Vault', {
    vaultName: 'vault',
    key: new kms.Key(stack, 'Key'),
    lock: { minRetentionDays: 35, maxRetentionDays: 400 },
  }).vault;
  const plan = new backup.BackupPlan(stack, 'Plan', {
    backupVault: vault,
    backupPlanRules: [new backup.BackupPlanRule({ ruleName: 'daily', deleteAfter: Duration.days(35) })],
  });
  plan.addSelection('Tagged', { resources: [backup.BackupResource.fromTag(TAG.key, TAG.value)] });
  if (data.bucket) Tags.of(new s3.Bucket(stack, 'Bucket')).add(TAG.key, TAG.value);
  if (data.cluster) Tags.of(new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql' })).add(TAG.key, TAG.value);
  if (data.untaggedCluster) new rds.CfnDBCluster(stack, 'Untagged', { engine: 'aurora-postgresql' });
  return { vault, plan };
}

/** A raw restore testing plan (L1) restoring from `vaults`. */
function restorePlan(
  stack: Stack,
  vaults: string[],
  schedule = 'cron(0 4 ? * SUN *)',
  more: Partial<backup.CfnRestoreTestingPlan.RestoreTestingRecoveryPointSelectionProperty> = {},
  name = 'restore_tests',
  id = 'RestorePlan',
): backup.CfnRestoreTestingPlan {
  return new backup.CfnRestoreTestingPlan(stack, id, {
    restoreTestingPlanName: name,
    scheduleExpression: schedule,
    recoveryPointSelection: { algorithm: 'LATEST_WITHIN_WINDOW', includeVaults: vaults, recoveryPointTypes: ['SNAPSHOT'], ...more },
  });
}

/** A raw restore testing selection of `type` on the plan named `planName`. */
function selection(stack: Stack, type: string, planName = 'restore_tests', id = `${type}Selection`): backup.CfnRestoreTestingSelection {
  return new backup.CfnRestoreTestingSelection(stack, id, {
    restoreTestingPlanName: planName,
    restoreTestingSelectionName: id.toLowerCase(),
    protectedResourceType: type,
    iamRoleArn: ROLE,
    protectedResourceArns: ['*'],
  });
}

/** A backup plan with no rule (as a foreign template may declare it): it names no vault. */
function planWithoutRules(stack: Stack): backup.CfnBackupPlan {
  return new backup.CfnBackupPlan(stack, 'RawPlan', { backupPlan: { backupPlanName: 'raw', backupPlanRule: [] } });
}

/** A backup selection BAK-02 cannot evaluate (its Resources chosen at deploy time), on the plan of `backed`. */
function unevaluableSelection(stack: Stack, { plan }: Backed): void {
  new backup.CfnBackupSelection(stack, 'Unevaluable', {
    backupPlanId: plan.backupPlanId,
    backupSelection: { iamRoleArn: ROLE, selectionName: 'unevaluable', resources: Token.asList(Fn.conditionIf('Chosen', ['*'], ['*'])) },
  });
}

/** Data resources of each other restore type than S3 and Aurora, tagged for backup. */
const OTHER_TYPES: [string, string, (scope: Construct) => void][] = [
  ['a standalone DB instance', 'RDS', (scope) => new rds.CfnDBInstance(scope, 'Instance', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20' })],
  ['a Multi-AZ DB cluster (not Aurora)', 'RDS', (scope) => new rds.CfnDBCluster(scope, 'Cluster', { engine: 'postgres', dbClusterInstanceClass: 'db.m6gd.large' })],
  [
    'a DynamoDB table',
    'DynamoDB',
    (scope) =>
      new dynamodb.CfnTable(scope, 'Table', {
        keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
        attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
        billingMode: 'PAY_PER_REQUEST',
      }),
  ],
  ['a DynamoDB global table', 'DynamoDB', (scope) => new dynamodb.TableV2(scope, 'GlobalTable', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } })],
  ['an EFS file system', 'EFS', (scope) => new efs.CfnFileSystem(scope, 'FileSystem', { encrypted: true })],
];

/** The platform's restore testing construct, on `vault`. */
function platformRestoreTesting(stack: Stack, vault: backup.IBackupVault): RestoreTesting {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const key = new kms.Key(stack, 'DataKey');
  return new RestoreTesting(stack, 'RestoreTesting', {
    namePrefix: 'test',
    vault,
    frequency: 'weekly',
    startHour: 4,
    validationWindowHours: 4,
    selectionTag: TAG,
    vpc,
    computeSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    vpcCidr: '10.0.0.0/16',
    dbSubnetGroupName: 'data',
    databasePort: 5432,
    dataKey: key,
    logsKey: key,
    logRetention: logs.RetentionDays.ONE_YEAR,
    allowedRegions: ['eu-west-3'],
    alertTopic: new sns.Topic(stack, 'Alerts'),
  });
}

const FOREIGN = (schedule: string) => ({
  Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'foreign', LockConfiguration: { MinRetentionDays: 7 } } },
  Plan: {
    Type: 'AWS::Backup::BackupPlan',
    Properties: {
      BackupPlan: {
        BackupPlanName: 'foreign',
        BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: { Ref: 'Vault' }, Lifecycle: { DeleteAfterDays: 7 } }],
      },
    },
  },
  Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'hds:backup', Value: 'true' }] } },
  Selection: {
    Type: 'AWS::Backup::BackupSelection',
    Properties: {
      BackupPlanId: { Ref: 'Plan' },
      BackupSelection: {
        SelectionName: 'tagged',
        IamRoleArn: ROLE,
        ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'hds:backup', ConditionValue: 'true' }],
      },
    },
  },
  RestorePlan: {
    Type: 'AWS::Backup::RestoreTestingPlan',
    Properties: {
      RestoreTestingPlanName: 'foreign_tests',
      ScheduleExpression: schedule,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': ['Vault', 'BackupVaultArn'] }],
        RecoveryPointTypes: ['SNAPSHOT'],
      },
    },
  },
  RestoreSelection: {
    Type: 'AWS::Backup::RestoreTestingSelection',
    Properties: {
      RestoreTestingPlanName: { Ref: 'RestorePlan' },
      RestoreTestingSelectionName: 's3',
      ProtectedResourceType: 'S3',
      IamRoleArn: ROLE,
      ProtectedResourceArns: ['*'],
    },
  },
});

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a plan backing up a bucket, and no restore testing plan', () => {
    expectNonCompliant(RULE, (stack) => backedUp(stack), [PLAN]);
  });

  it('F2: restore tests once a month (cron on day 1)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn], 'cron(0 4 1 * ? *)');
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it('F3: restore tests every 14 days (rate)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn], 'rate(14 days)');
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it('F4: restore tests on the first Monday of the month (MON#1)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn], 'cron(0 4 ? * MON#1 *)');
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it("F5: the restore testing plan restores from another vault, not the plan's", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        backedUp(stack);
        restorePlan(stack, ['arn:aws:backup:eu-west-3:111111111111:backup-vault:other']);
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it("F6: the restore testing plan includes every vault but excludes the plan's", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, ['*'], undefined, { excludeVaults: [vault.backupVaultArn] });
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it('F7: a weekly restore testing plan with no selection', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn]);
      },
      [PLAN],
    );
  });

  it('F8: buckets and an Aurora cluster are backed up, only S3 is restore-tested', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack, { bucket: true, cluster: true });
        restorePlan(stack, [vault.backupVaultArn]);
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it('F9: the selections belong to another restore testing plan (by name), one that restores from another vault', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn]);
        restorePlan(stack, ['arn:aws:backup:eu-west-3:111111111111:backup-vault:other'], undefined, {}, 'other_tests', 'OtherPlan');
        selection(stack, 'S3', 'other_tests');
      },
      [PLAN],
    );
  });

  it('F10: a foreign template whose restore testing plan runs monthly', () => {
    expectNonCompliant(RULE, (stack) => includeTemplate(stack, FOREIGN('cron(0 4 1 * ? *)')), ['TestStack/Foreign/Plan']);
  });

  it('F19: the restore testing plan includes, by reference, another vault of the app', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        backedUp(stack);
        const other = new LockedBackupVault(stack, 'Other', { vaultName: 'other', key: new kms.Key(stack, 'OtherKey'), lock: { minRetentionDays: 35, maxRetentionDays: 400 } }).vault;
        restorePlan(stack, [other.backupVaultArn]);
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it("F20: the restore testing plan names the plan's vault with a wrongly cased ARN (ARNs are case-sensitive)", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        backedUp(stack);
        restorePlan(stack, ['arn:aws:backup:eu-west-3:111111111111:backup-vault:VAULT']);
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it('F11: buckets are backed up, only Aurora is restore-tested', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn]);
        selection(stack, 'Aurora');
      },
      [PLAN],
    );
  });

  it.each(OTHER_TYPES)('F12: %s is backed up, only S3 is restore-tested (it needs %s)', (_what, _type, data) => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        const scope = new Construct(stack, 'Data');
        Tags.of(scope).add(TAG.key, TAG.value);
        data(scope);
        restorePlan(stack, [vault.backupVaultArn]);
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it('F13: the S3 selection names, by reference, a second restore testing plan that restores from another vault', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn]);
        const other = restorePlan(stack, ['arn:aws:backup:eu-west-3:111111111111:backup-vault:other'], undefined, {}, 'other_tests', 'OtherPlan');
        new backup.CfnRestoreTestingSelection(stack, 'ByRef', {
          restoreTestingPlanName: other.ref,
          restoreTestingSelectionName: 'by_ref',
          protectedResourceType: 'S3',
          iamRoleArn: ROLE,
          protectedResourceArns: ['*'],
        });
      },
      [PLAN],
    );
  });

  it.each([
    ['another region', { account: '111111111111', region: 'eu-west-1' }],
    ['another account', { account: '222222222222', region: 'eu-west-3' }],
  ])("F14: the only S3 selection names the plan's restore testing plan, but from %s", (_where, env) => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn]);
        selection(new Stack(app, 'Elsewhere', { env }), 'S3');
      },
      [PLAN],
    );
  });

  it('F15: a plan with no data to back up yet, and no restore testing plan', () => {
    expectNonCompliant(RULE, (stack) => backedUp(stack, {}), [PLAN]);
  });

  it('F16: a plan with no data to back up yet, and a weekly restore testing plan of its vault with no selection', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack, {});
        restorePlan(stack, [vault.backupVaultArn]);
      },
      [PLAN],
    );
  });

  it('F17: a plan with no rule (no vault), a tagged bucket, and only a monthly restore testing plan with an S3 selection', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const plan = planWithoutRules(stack);
        Tags.of(new s3.Bucket(stack, 'Bucket')).add(TAG.key, TAG.value);
        new backup.CfnBackupSelection(stack, 'Selection', {
          backupPlanId: plan.attrBackupPlanId,
          backupSelection: { iamRoleArn: ROLE, selectionName: 'tagged', listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: TAG.key, conditionValue: TAG.value }] },
        });
        restorePlan(stack, ['*'], 'cron(0 4 1 * ? *)');
        selection(stack, 'S3');
      },
      ['TestStack/RawPlan'],
    );
  });

  it('F18: a plan with no rule (no vault), nothing backed up, and a weekly restore testing plan with no selection', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        planWithoutRules(stack);
        restorePlan(stack, ['*']);
      },
      ['TestStack/RawPlan'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: the platform: PlatformBackup-style plan, tagged bucket and Aurora cluster, RestoreTesting (weekly, S3 and Aurora)', () => {
    expectCompliant(RULE, (stack) => {
      const { vault } = backedUp(stack, { bucket: true, cluster: true });
      platformRestoreTesting(stack, vault);
    });
  });

  it('P2: daily restore tests from every vault of the account and region (ARN pattern), S3 and Aurora selections', () => {
    expectCompliant(RULE, (stack) => {
      backedUp(stack, { bucket: true, cluster: true });
      restorePlan(stack, ['arn:aws:backup:eu-west-3:111111111111:backup-vault:*'], 'cron(0 4 * * ? *)');
      selection(stack, 'S3');
      selection(stack, 'Aurora');
    });
  });

  it('P3: rate(7 days), only buckets backed up, one S3 selection', () => {
    expectCompliant(RULE, (stack) => {
      const { vault } = backedUp(stack);
      restorePlan(stack, [vault.backupVaultArn], 'rate(7 days)');
      selection(stack, 'S3');
    });
  });

  it('P4: an Aurora cluster no selection covers needs no Aurora restore selection', () => {
    expectCompliant(RULE, (stack) => {
      const { vault } = backedUp(stack, { bucket: true, untaggedCluster: true });
      restorePlan(stack, [vault.backupVaultArn], 'cron(30 2 ? * MON-FRI *)');
      selection(stack, 'S3');
    });
  });

  it('P5: a selection naming its plan by reference (Ref)', () => {
    expectCompliant(RULE, (stack) => {
      const { vault } = backedUp(stack);
      const plan = restorePlan(stack, [vault.backupVaultArn]);
      new backup.CfnRestoreTestingSelection(stack, 'ByRef', {
        restoreTestingPlanName: plan.ref,
        restoreTestingSelectionName: 'by_ref',
        protectedResourceType: 'S3',
        iamRoleArn: ROLE,
        protectedResourceArns: ['*'],
      });
    });
  });

  it('P6: a copy to a vault outside the app does not prevent judging the restore tests of the plan vault', () => {
    expectCompliant(RULE, (stack) => {
      const { vault, plan } = backedUp(stack);
      plan.addRule(
        new backup.BackupPlanRule({
          ruleName: 'copied',
          deleteAfter: Duration.days(35),
          copyActions: [
            {
              destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, 'Elsewhere', 'arn:aws:backup:eu-west-1:111111111111:backup-vault:elsewhere'),
              deleteAfter: Duration.days(35),
            },
          ],
        }),
      );
      restorePlan(stack, [vault.backupVaultArn]);
      selection(stack, 'S3');
    });
  });

  it('P7: an app with no backup plan is not judged', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket'));
  });

  it('P8: a foreign template whose restore testing plan runs weekly from the vault of its plan', () => {
    expectCompliant(RULE, (stack) => includeTemplate(stack, FOREIGN('cron(0 4 ? * SAT *)')));
  });

  it.each(OTHER_TYPES)('P9: %s is backed up and restore-tested as %s', (_what, type, data) => {
    expectCompliant(RULE, (stack) => {
      const { vault } = backedUp(stack, {});
      const scope = new Construct(stack, 'Data');
      Tags.of(scope).add(TAG.key, TAG.value);
      data(scope);
      restorePlan(stack, [vault.backupVaultArn]);
      selection(stack, type);
    });
  });

  it('P10: next to the weekly plan, restore testing plans and selections the rule cannot read, or that name no plan of the app', () => {
    expectCompliant(RULE, (stack) => {
      const { vault } = backedUp(stack);
      restorePlan(stack, [vault.backupVaultArn]);
      selection(stack, 'S3');
      restorePlan(stack, [vault.backupVaultArn], parameter(stack, 'Schedule').valueAsString, {}, 'scheduled_tests', 'ScheduledPlan');
      restorePlan(stack, [parameter(stack, 'Vaults').valueAsString], undefined, {}, 'vault_tests', 'VaultPlan');
      selection(stack, 'S3', 'vault_tests', 'VaultPlanSelection');
      selection(stack, 'S3', 'missing_tests', 'Orphan');
    });
  });

  it('P11: a plan with no rule (no vault), a tagged bucket, and a weekly restore testing plan with an S3 selection', () => {
    expectCompliant(RULE, (stack) => {
      const plan = planWithoutRules(stack);
      Tags.of(new s3.Bucket(stack, 'Bucket')).add(TAG.key, TAG.value);
      new backup.CfnBackupSelection(stack, 'Selection', {
        backupPlanId: plan.attrBackupPlanId,
        backupSelection: { iamRoleArn: ROLE, selectionName: 'tagged', listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: TAG.key, conditionValue: TAG.value }] },
      });
      restorePlan(stack, ['*']);
      selection(stack, 'S3');
    });
  });

  it('P12: a bucket BAK-02 cannot judge (an unevaluable selection) is of a type that is restore-tested anyway', () => {
    expectCompliant(RULE, (stack) => {
      const backed = backedUp(stack);
      new s3.Bucket(stack, 'Unjudged');
      unevaluableSelection(stack, backed);
      restorePlan(stack, [backed.vault.backupVaultArn]);
      selection(stack, 'S3');
    });
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: the only restore testing plan has its schedule from a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn], parameter(stack).valueAsString);
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  it('E2: the only restore testing plan takes its vault from a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        backedUp(stack);
        restorePlan(stack, [parameter(stack).valueAsString]);
        selection(stack, 'S3');
      },
      [PLAN],
    );
  });

  const UNEVALUABLE: [string, FixtureBuilder, RegExp][] = [
    [
      'the schedule from a template parameter',
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn], parameter(stack).valueAsString);
        selection(stack, 'S3');
      },
      /TestStack\/RestorePlan ScheduleExpression \{"Ref":"Param"\}/,
    ],
    [
      'the included vaults from a template parameter',
      (stack) => {
        backedUp(stack);
        restorePlan(stack, [parameter(stack).valueAsString]);
        selection(stack, 'S3');
      },
      /TestStack\/RestorePlan RecoveryPointSelection\.IncludeVaults cannot be evaluated/,
    ],
    [
      'the excluded vaults from a template parameter',
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn], undefined, { excludeVaults: [parameter(stack).valueAsString] });
        selection(stack, 'S3');
      },
      /TestStack\/RestorePlan RecoveryPointSelection\.ExcludeVaults cannot be evaluated/,
    ],
    [
      'the protected resource type of the only selection from a template parameter',
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn]);
        selection(stack, parameter(stack).valueAsString, undefined, 'Selection');
      },
      /TestStack\/Selection ProtectedResourceType \{"Ref":"Param"\}/,
    ],
    [
      'the plan name of a selection from a template parameter',
      (stack) => {
        const { vault } = backedUp(stack);
        restorePlan(stack, [vault.backupVaultArn]);
        selection(stack, 'S3', parameter(stack).valueAsString, 'Selection');
      },
      /TestStack\/Selection RestoreTestingPlanName cannot be evaluated/,
    ],
    [
      'the engine of a backed-up DB cluster from a template parameter (its restore type is unknown)',
      (stack) => {
        const { vault } = backedUp(stack);
        Tags.of(new rds.CfnDBCluster(stack, 'Cluster', { engine: parameter(stack).valueAsString })).add(TAG.key, TAG.value);
        restorePlan(stack, [vault.backupVaultArn]);
        selection(stack, 'S3');
      },
      /TestStack\/Cluster: TestStack\/Cluster Engine cannot be evaluated/,
    ],
    [
      "the plan's vault name from a template parameter, and the restore testing plan includes vaults by ARN pattern",
      (stack) => {
        const vault = new backup.BackupVault(stack, 'Vault', { backupVaultName: parameter(stack).valueAsString });
        new backup.BackupPlan(stack, 'Plan', { backupVault: vault, backupPlanRules: [new backup.BackupPlanRule({ ruleName: 'daily', deleteAfter: Duration.days(35) })] });
        restorePlan(stack, ['arn:aws:backup:eu-west-3:111111111111:backup-vault:*']);
        selection(stack, 'S3');
      },
      /name of vault TestStack\/Vault\/Resource cannot be evaluated/,
    ],
    [
      'a bucket BAK-02 cannot judge while S3 is not restore-tested',
      (stack) => {
        const backed = backedUp(stack, { cluster: true });
        stack.node.tryRemoveChild('Bucket');
        new s3.Bucket(stack, 'Unjudged');
        unevaluableSelection(stack, backed);
        restorePlan(stack, [backed.vault.backupVaultArn]);
        selection(stack, 'Aurora');
      },
      /TestStack\/Unjudged\/Resource: \[BAK-02\] backup coverage could not be evaluated/,
    ],
  ];

  it.each(UNEVALUABLE)('E3: %s: could not be evaluated, and the verbose pack says why', (_what, build, reason) => {
    expectEvaluationErrors(RULE, build, [PLAN]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });

  it('E4: every reason, when there are several', () => {
    const description = verboseDescription(RULE, (stack) => {
      const { vault } = backedUp(stack);
      restorePlan(stack, [vault.backupVaultArn], parameter(stack, 'Schedule').valueAsString);
      restorePlan(stack, [parameter(stack, 'Vaults').valueAsString], undefined, {}, 'vault_tests', 'VaultPlan');
      selection(stack, 'S3', 'vault_tests');
    });
    expect(description).toMatch(/ScheduleExpression \{"Ref":"Schedule"\}; TestStack\/VaultPlan RecoveryPointSelection\.IncludeVaults/);
  });
});

describe('atLeastWeekly', () => {
  it.each([
    'cron(0 4 ? * SUN *)',
    'cron(0 4 * * ? *)',
    'cron(0/30 * * * ? *)',
    'cron(0 4 ? * 1 *)',
    'cron(0 4 ? * MON,THU *)',
    'cron(0 4 ? * mon-fri *)',
    'cron(0 4 */3 * ? *)',
    'cron(0 4 1/7 * ? *)',
    'rate(1 day)',
    'rate(7 days)',
    'rate(12 hours)',
    'rate(168 hours)',
    'rate(30 minutes)',
    ' rate(1 day) ',
    'rate(1  day)',
    'rate( 1 day )',
    ' cron(0 4 * * ? *)',
    'cron( 0 4 * * ? * )',
    'cron(0  4 * * ? *)',
  ])('%s fires at least weekly', (expression) => {
    expect(atLeastWeekly(expression)).toBe(true);
  });

  it.each([
    'cron(0 4 1 * ? *)',
    'cron(0 4 ? * MON#1 *)',
    'cron(0 4 ? * 6L *)',
    'cron(0 4 ? 1 SUN *)',
    'cron(0 4 ? * SUN 2027)',
    'cron(0 4 */8 * ? *)',
    'cron(0 4 1/14 * ? *)',
    'cron(0 4 15 * MON *)',
    'cron(0 4 ? * SUN)',
    'rate(8 days)',
    'rate(169 hours)',
    'rate(0 days)',
    'rate(1 week)',
    'at(2027-01-01T00:00:00)',
    'xrate(1 day)',
    'rate(1 day) x',
    'xcron(0 4 * * ? *)',
    'cron(0 4 * * ? *) x',
    'cron(0 4 ? * SUN * 7)',
    'cron(0 4 21/7 * ? *)',
  ])('%s does not', (expression) => {
    expect(atLeastWeekly(expression)).toBe(false);
  });
});
