import { Duration, Fn, Stack, type App } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { BackupAudit } from '../../../lib/constructs/backup-audit';
import { REQUIRED_FRAMEWORK_CONTROLS } from '../../../policies/rules/bak/backup-audit-evidence';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-BAK04-BackupAuditEvidence';
const PLAN = 'TestStack/Plan/Resource';
const ENV = { account: '111111111111', region: 'eu-west-3' };

function plan(scope: Construct): backup.BackupPlan {
  return backup.BackupPlan.daily35DayRetention(scope, 'Plan');
}

function framework(scope: Construct, controls: readonly string[] = REQUIRED_FRAMEWORK_CONTROLS, id = 'Framework'): backup.CfnFramework {
  return new backup.CfnFramework(scope, id, {
    frameworkName: `${id.toLowerCase()}_hds`,
    frameworkControls: controls.map((controlName) => ({ controlName })),
  });
}

function reportPlan(scope: Construct, frameworkArns: string[], template = 'CONTROL_COMPLIANCE_REPORT'): backup.CfnReportPlan {
  return new backup.CfnReportPlan(scope, 'ReportPlan', {
    reportDeliveryChannel: { S3BucketName: 'evidence', Formats: ['JSON'] },
    reportSetting: { ReportTemplate: template, FrameworkArns: frameworkArns },
  });
}

function backupAudit(scope: Construct): BackupAudit {
  return new BackupAudit(scope, 'Audit', {
    namePrefix: 'test',
    key: new kms.Key(scope, 'Key'),
    accessLogs: new s3.Bucket(scope, 'AccessLogs'),
    lockMode: 'GOVERNANCE',
    retentionDays: 365,
    minimumRetentionDays: 35,
    maxRestoreTimeHours: 8,
  });
}

function otherStack(app: App, region = 'eu-west-3'): Stack {
  return new Stack(app, 'AuditStack', { env: { ...ENV, region } });
}

const FOREIGN = (controls: readonly string[]) => ({
  Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'foreign' } },
  Plan: {
    Type: 'AWS::Backup::BackupPlan',
    Properties: {
      BackupPlan: { BackupPlanName: 'foreign', BackupPlanRule: [{ RuleName: 'daily', TargetBackupVault: { Ref: 'Vault' } }] },
    },
  },
  Framework: {
    Type: 'AWS::Backup::Framework',
    Properties: { FrameworkControls: controls.map((ControlName) => ({ ControlName })) },
  },
  Report: {
    Type: 'AWS::Backup::ReportPlan',
    Properties: {
      ReportDeliveryChannel: { S3BucketName: 'evidence' },
      ReportSetting: { ReportTemplate: 'CONTROL_COMPLIANCE_REPORT', FrameworkArns: [{ 'Fn::GetAtt': ['Framework', 'FrameworkArn'] }] },
    },
  },
});

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a backup plan and no Backup Audit Manager framework', () => {
    expectNonCompliant(RULE, (stack) => plan(stack), [PLAN]);
  });

  it.each(REQUIRED_FRAMEWORK_CONTROLS.map((c) => [c]))('F2: the framework lacks %s', (missing) => {
    expectNonCompliant(
      RULE,
      (stack) => {
        plan(stack);
        reportPlan(stack, [framework(stack, REQUIRED_FRAMEWORK_CONTROLS.filter((c) => c !== missing)).attrFrameworkArn]);
      },
      [PLAN],
    );
  });

  it('F3: a complete framework that no report plan reports on', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        plan(stack);
        framework(stack);
      },
      [PLAN],
    );
  });

  it('F4: the report plan reports on another, incomplete framework', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        plan(stack);
        framework(stack);
        reportPlan(stack, [framework(stack, ['BACKUP_RECOVERY_POINT_ENCRYPTED'], 'Partial').attrFrameworkArn]);
      },
      [PLAN],
    );
  });

  it('F5: the report plan is a backup job report, which evaluates no framework', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        plan(stack);
        reportPlan(stack, [framework(stack).attrFrameworkArn], 'BACKUP_JOB_REPORT');
      },
      [PLAN],
    );
  });

  it("F6: the framework and its report are in another region than the plan's", () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        plan(stack);
        const other = otherStack(app, 'eu-west-1');
        reportPlan(other, [framework(other).attrFrameworkArn]);
      },
      [PLAN],
    );
  });

  it('F7: a foreign template whose framework lacks the vault-lock control', () => {
    expectNonCompliant(
      RULE,
      (stack) => includeTemplate(stack, FOREIGN(REQUIRED_FRAMEWORK_CONTROLS.filter((c) => c !== 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK'))),
      ['TestStack/Foreign/Plan'],
    );
  });

  it('F8: the report plan names, by literal ARN, a framework of another name', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        plan(stack);
        framework(stack);
        reportPlan(stack, ['arn:aws:backup:eu-west-3:111111111111:framework:other_hds-0a1b2c3d']);
      },
      [PLAN],
    );
  });

  it('F9: the report plan names, by literal ARN, a complete framework that has no literal name', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        plan(stack);
        new backup.CfnFramework(stack, 'Framework', { frameworkControls: REQUIRED_FRAMEWORK_CONTROLS.map((controlName) => ({ controlName })) });
        reportPlan(stack, ['arn:aws:backup:eu-west-3:111111111111:framework:undefined-0a1b2c3d']);
      },
      [PLAN],
    );
  });

  it("F10: the plan's report plan names, by literal ARN, a complete framework of another region", () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        plan(stack);
        framework(otherStack(app, 'eu-west-1'));
        reportPlan(stack, ['arn:aws:backup:eu-west-1:111111111111:framework:framework_hds-0a1b2c3d']);
      },
      [PLAN],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: BackupAudit, the platform construct', () => {
    expectCompliant(RULE, (stack) => {
      plan(stack);
      backupAudit(stack);
    });
  });

  it('P2: a report plan naming the framework by its literal ARN (name and suffix)', () => {
    expectCompliant(RULE, (stack) => {
      plan(stack);
      framework(stack);
      reportPlan(stack, ['arn:aws:backup:eu-west-3:111111111111:framework:framework_hds-0a1b2c3d']);
    });
  });

  it('P3: BackupAudit in another stack of the same region', () => {
    expectCompliant(RULE, (stack, app) => {
      plan(stack);
      backupAudit(otherStack(app));
    });
  });

  it('P4: a resource compliance report, with more controls than required', () => {
    expectCompliant(RULE, (stack) => {
      plan(stack);
      reportPlan(stack, [framework(stack, [...REQUIRED_FRAMEWORK_CONTROLS, 'BACKUP_LAST_RECOVERY_POINT_CREATED']).attrFrameworkArn], 'RESOURCE_COMPLIANCE_REPORT');
    });
  });

  it('P5: a foreign template with a complete framework and its report', () => {
    expectCompliant(RULE, (stack) => includeTemplate(stack, FOREIGN(REQUIRED_FRAMEWORK_CONTROLS)));
  });

  it('P6: an app without a backup plan is not judged', () => {
    expectCompliant(RULE, (stack) => new backup.BackupVault(stack, 'Vault', { lockConfiguration: { minRetention: Duration.days(7) } }));
  });

  it('P7: a complete framework and its report, next to a report plan whose template comes from a template parameter', () => {
    expectCompliant(RULE, (stack, app) => {
      plan(stack);
      backupAudit(stack);
      const other = otherStack(app);
      reportPlan(other, [framework(other).attrFrameworkArn], parameter(other).valueAsString);
    });
  });

  it('P8: a complete framework and its report, next to a framework whose controls are not known at synth', () => {
    expectCompliant(RULE, (stack) => {
      plan(stack);
      backupAudit(stack);
      new backup.CfnFramework(stack, 'Conditional', {
        frameworkControls: Fn.conditionIf('Always', [{ controlName: 'BACKUP_RECOVERY_POINT_ENCRYPTED' }], []),
      });
    });
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: the only report plan names its framework through a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        plan(stack);
        framework(stack);
        reportPlan(stack, [parameter(stack).valueAsString]);
      },
      [PLAN],
    );
  });

  it('E2: the only report plan takes its report template from a template parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        plan(stack);
        reportPlan(stack, [framework(stack).attrFrameworkArn], parameter(stack).valueAsString);
      },
      [PLAN],
    );
  });

  it('E3: the only complete-looking framework lists its controls through Fn::If', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        plan(stack);
        const conditional = new backup.CfnFramework(stack, 'Framework', {
          frameworkControls: Fn.conditionIf('Always', REQUIRED_FRAMEWORK_CONTROLS.map((controlName) => ({ controlName })), []),
        });
        reportPlan(stack, [conditional.attrFrameworkArn]);
      },
      [PLAN],
    );
  });

  it('E4: the reason is in the description when the pack is verbose', () => {
    const build: FixtureBuilder = (stack) => {
      plan(stack);
      framework(stack);
      reportPlan(stack, [parameter(stack).valueAsString]);
    };
    expect(verboseDescription(RULE, build)).toMatch(/TestStack\/ReportPlan ReportSetting\.FrameworkArns cannot be evaluated at synth/);
  });

  it('E6: the framework list of the report plan given by an Fn::If, and the reason in the verbose description', () => {
    const build: FixtureBuilder = (stack) => {
      plan(stack);
      const report = reportPlan(stack, []);
      report.reportSetting = { ReportTemplate: 'CONTROL_COMPLIANCE_REPORT', FrameworkArns: Fn.conditionIf('Audited', [framework(stack).attrFrameworkArn], []) };
    };
    expectEvaluationErrors(RULE, build, [PLAN]);
    expect(verboseDescription(RULE, build)).toMatch(/TestStack\/ReportPlan ReportSetting\.FrameworkArns cannot be evaluated at synth: \{"Fn::If"/);
  });

  it('E5: both reasons, when the report template and the framework controls cannot be evaluated', () => {
    const build: FixtureBuilder = (stack) => {
      plan(stack);
      new backup.CfnFramework(stack, 'Framework', { frameworkControls: Fn.conditionIf('Always', [], []) });
      reportPlan(stack, [], parameter(stack).valueAsString);
    };
    expect(verboseDescription(RULE, build)).toMatch(
      /TestStack\/Framework FrameworkControls cannot be evaluated at synth: .*; TestStack\/ReportPlan ReportSetting\.ReportTemplate cannot be evaluated at synth/,
    );
  });
});
