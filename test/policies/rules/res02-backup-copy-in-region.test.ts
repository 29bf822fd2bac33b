import { Aws, Duration, Fn, Stack, Token, type App } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type { Construct } from 'constructs';
import { BackupCopyStack } from '../../../lib/stacks/backup-copy-stack';
import { RES02_BACKUP_COPY_IN_REGION } from '../../../policies/rules/res/backup-copy-in-region';
import {
  ACCOUNT,
  PARIS_ONLY,
  REFUSED_REGIONS,
  expectCompliantResources,
  expectEvaluationError,
  expectNotApplicable,
  expectNonCompliant,
  parameterRef,
  stackIn,
  verboseDescription,
} from './res-fixtures';

const RULE = RES02_BACKUP_COPY_IN_REGION;

const vaultArn = (region: string, name = 'copy-vault') => `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${name}`;

/** A backup plan (L2) whose daily rule copies to each of `destinations` (vault ARNs or vaults). */
function planCopyingTo(scope: Construct, destinations: (string | backup.IBackupVault)[], id = 'Plan'): backup.BackupPlan {
  const plan = new backup.BackupPlan(scope, id, { backupVault: new backup.BackupVault(scope, `${id}Vault`) });
  plan.addRule(
    new backup.BackupPlanRule({
      ruleName: 'daily',
      deleteAfter: Duration.days(35),
      copyActions: destinations.map((d, i) => ({
        destinationBackupVault: typeof d === 'string' ? backup.BackupVault.fromBackupVaultArn(scope, `${id}Copy${i}`, d) : d,
        deleteAfter: Duration.days(35),
      })),
    }),
  );
  return plan;
}

/** A raw L1 plan, as a foreign template declares it: one rule per entry, each copying to its vault ARNs. */
function rawPlan(stack: Stack, rules: unknown[][]): backup.CfnBackupPlan {
  return new backup.CfnBackupPlan(stack, 'Plan', {
    backupPlan: {
      backupPlanName: 'raw',
      backupPlanRule: rules.map((arns, i) => ({
        ruleName: `rule${i}`,
        targetBackupVault: 'primary',
        copyActions: arns.map((arn) => ({ destinationBackupVaultArn: arn as string })),
      })),
    },
  });
}

/** Two stacks that may refer to each other across regions (CDK passes the value through SSM). */
function crossRegionPair(app: App, region: string): { source: Stack; far: Stack } {
  const far = new Stack(app, 'Far', { env: { account: ACCOUNT, region }, crossRegionReferences: true });
  const source = new Stack(app, 'Source', { env: { account: ACCOUNT, region: 'eu-west-3' }, crossRegionReferences: true });
  return { source, far };
}

describe(`HDS-${RULE.id}: failing fixtures`, () => {
  it.each(REFUSED_REGIONS)('F1: a raw L1 plan copying to the literal ARN of a vault in %s', (region) => {
    expectNonCompliant(RULE, (stack) => void rawPlan(stack, [[vaultArn(region)]]), ['TestStack/Plan']);
  });

  it('F2: an L2 plan copying to a vault imported from a literal ARN in us-east-1', () => {
    expectNonCompliant(RULE, (stack) => void planCopyingTo(stack, [vaultArn('us-east-1')]), ['TestStack/Plan/Resource']);
  });

  it('F3: a vault ARN built with Fn::Sub and ${AWS::Region}, in a plan of a stack in eu-west-2', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => {
        rawPlan(stackIn(app, 'London', 'eu-west-2'), [[Fn.sub('arn:${AWS::Partition}:backup:${AWS::Region}:${AWS::AccountId}:backup-vault:copy')]]);
      },
      ['London/Plan'],
    );
  });

  it('F4: a vault ARN built with Fn::Join and AWS::Region, in a plan of a stack in eu-central-2', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => {
        const zurich = stackIn(app, 'Zurich', 'eu-central-2');
        rawPlan(zurich, [[Fn.join(':', ['arn', Aws.PARTITION, 'backup', Aws.REGION, Aws.ACCOUNT_ID, 'backup-vault', 'copy'])]]);
      },
      ['Zurich/Plan'],
    );
  });

  it('F5: a copy to the vault of another stack of the app in eu-west-2 (a cross-region reference)', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => {
        const { source, far } = crossRegionPair(app, 'eu-west-2');
        planCopyingTo(source, [new backup.BackupVault(far, 'CopyVault')]);
      },
      ['Source/Plan/Resource'],
    );
  });

  it('F6: a vault in eu-west-1, an HDS region, when the deployment allows only eu-west-3', () => {
    expectNonCompliant(RULE, (stack) => void rawPlan(stack, [[vaultArn('eu-west-1')]]), ['TestStack/Plan'], PARIS_ONLY);
  });

  it('F7: only the second rule, and only its second copy action, leaves the allowed regions', () => {
    expectNonCompliant(RULE, (stack) => void rawPlan(stack, [[vaultArn('eu-west-1')], [vaultArn('eu-west-1'), vaultArn('eu-west-2')]]), [
      'TestStack/Plan',
    ]);
  });

  it('F8: an unevaluable copy action beside one to us-east-1 is reported as non-compliant, not as an evaluation error', () => {
    expect(verboseDescription(RULE, (stack) => void rawPlan(stack, [[parameterRef(stack), vaultArn('us-east-1')]]))).toMatch(
      /^\[RES-02\] A copy action of this backup plan/,
    );
  });

  it('F9: the copy stack of the platform, configured in a region the deployment does not allow', () => {
    expectNonCompliant(
      RULE,
      (stack) => void rawPlan(stack, [[BackupCopyStack.vaultArn(stack, 'hds', 'eu-south-1')]]),
      ['TestStack/Plan'],
      PARIS_ONLY,
    );
  });

  it('F10: a vault in eu-west-2 stays refused when the deployment wrongly lists eu-west-2 (a deployment narrows the HDS list, never widens it)', () => {
    expectNonCompliant(RULE, (stack) => void rawPlan(stack, [[vaultArn('eu-west-2')]]), ['TestStack/Plan'], ['eu-west-3', 'eu-west-2']);
  });
});

describe(`HDS-${RULE.id}: fixtures that cannot be evaluated`, () => {
  it('E1: a destination vault ARN given by a template parameter', () => {
    expectEvaluationError(RULE, (stack) => void rawPlan(stack, [[parameterRef(stack)]]), 'TestStack/Plan');
  });

  it('E2: a vault ARN whose region is a template parameter (Fn::Sub)', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        parameterRef(stack, 'CopyRegion');
        rawPlan(stack, [[Fn.sub('arn:aws:backup:${CopyRegion}:111111111111:backup-vault:copy')]]);
      },
      'TestStack/Plan',
    );
  });

  it('E3: Fn::Sub with ${AWS::Region} in an environment-agnostic stack', () => {
    expectEvaluationError(
      RULE,
      (_stack, app) => void rawPlan(stackIn(app, 'Unpinned', undefined), [[Fn.sub('arn:aws:backup:${AWS::Region}:111111111111:backup-vault:copy')]]),
      'Unpinned/Plan',
    );
  });

  it('E4: copy actions behind an Fn::If', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        const plan = rawPlan(stack, [[]]);
        plan.addPropertyOverride('BackupPlan.BackupPlanRule.0.CopyActions', Fn.conditionIf('Copy', [], Aws.NO_VALUE));
      },
      'TestStack/Plan',
    );
  });

  it('E5: the whole plan behind an Fn::If', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        new backup.CfnBackupPlan(stack, 'Plan', { backupPlan: Token.asAny(Fn.conditionIf('Copy', {}, Aws.NO_VALUE)) });
      },
      'TestStack/Plan',
    );
  });

  it('E6: an ARN with no region field', () => {
    expectEvaluationError(RULE, (stack) => void rawPlan(stack, [['arn:aws:backup:::backup-vault:copy']]), 'TestStack/Plan');
  });

  it('E7: the reason is in the description when the pack is verbose', () => {
    expect(verboseDescription(RULE, (stack) => void rawPlan(stack, [[parameterRef(stack)]]))).toMatch(
      /^Rule threw an error during validation\. \[RES-02\] destination vault of copy action 0 of rule 0 of backup plan TestStack\/Plan cannot be evaluated/,
    );
  });
  it.each<[string, (stack: Stack) => void, RegExp]>([
    [
      'copy actions behind an Fn::If',
      (stack) => rawPlan(stack, [[]]).addPropertyOverride('BackupPlan.BackupPlanRule.0.CopyActions', Fn.conditionIf('Copy', [], Aws.NO_VALUE)),
      /\[RES-02\] copy actions of rule 0 of backup plan TestStack\/Plan cannot be evaluated/,
    ],
    [
      'the whole plan behind an Fn::If',
      (stack) => void new backup.CfnBackupPlan(stack, 'Plan', { backupPlan: Token.asAny(Fn.conditionIf('Copy', {}, Aws.NO_VALUE)) }),
      /\[RES-02\] rules of backup plan TestStack\/Plan cannot be evaluated/,
    ],
  ])('E8: %s: the verbose description says what', (_what, build, reason) => {
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });
});

describe(`HDS-${RULE.id}: passing fixtures`, () => {
  it('P1: a raw L1 plan copying to the literal ARN of a vault in eu-west-1', () => {
    expectCompliantResources(RULE, (stack) => void rawPlan(stack, [[vaultArn('eu-west-1')]]), ['TestStack/Plan']);
  });

  it('P2: Fn::Sub with ${AWS::Region} in a stack in eu-west-3', () => {
    expectCompliantResources(
      RULE,
      (stack) => void rawPlan(stack, [[Fn.sub('arn:${AWS::Partition}:backup:${AWS::Region}:${AWS::AccountId}:backup-vault:copy')]]),
      ['TestStack/Plan'],
    );
  });

  it('P3: a copy to the vault of another stack of the app in eu-west-1 (a cross-region reference)', () => {
    expectCompliantResources(
      RULE,
      (_stack, app) => {
        const { source, far } = crossRegionPair(app, 'eu-west-1');
        planCopyingTo(source, [new backup.BackupVault(far, 'CopyVault')]);
      },
      ['Source/Plan/Resource'],
    );
  });

  it('P4: the ARN the platform builds for its copy stack (BackupCopyStack.vaultArn) in eu-west-1', () => {
    expectCompliantResources(RULE, (stack) => void planCopyingTo(stack, [BackupCopyStack.vaultArn(stack, 'hds', 'eu-west-1')]), [
      'TestStack/Plan/Resource',
    ]);
  });

  it('P5: plans without copy actions (L2 preset and raw L1) are compliant; a vault is not applicable', () => {
    expectCompliantResources(
      RULE,
      (stack) => {
        backup.BackupPlan.daily35DayRetention(stack, 'Preset');
        rawPlan(stack, [[]]);
      },
      ['TestStack/Plan', 'TestStack/Preset/Resource'],
    );
    expectNotApplicable(RULE, (stack) => void new backup.BackupVault(stack, 'Vault'));
  });
});
