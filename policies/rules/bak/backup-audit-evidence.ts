import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule } from '../rule';
import { asList, get, UnresolvableValueError } from '../util';
import { accountOfResource, appResources, designation, perApp, propertiesWithReferences, regionOfResource } from './support';

/** Backup Audit Manager controls that prove BAK-01 and BAK-02 continuously. */
export const REQUIRED_FRAMEWORK_CONTROLS = [
  'BACKUP_RECOVERY_POINT_ENCRYPTED',
  'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
  'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
  'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
  'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
] as const;

/** Report templates that evaluate frameworks (the only ones that read FrameworkArns). */
const FRAMEWORK_REPORTS = ['CONTROL_COMPLIANCE_REPORT', 'RESOURCE_COMPLIANCE_REPORT'];

interface Evidence {
  /** Frameworks with every required control, and report plans that report on one of them: their regions. */
  readonly reportedRegions: Set<string>;
  readonly unknown: string[];
}

function readApp(root: IConstruct): Evidence {
  const unknown: string[] = [];
  const frameworks = appResources(root, 'AWS::Backup::Framework').filter((node) => {
    const path = node.node.path;
    try {
      const names = asList(propertiesWithReferences(node).FrameworkControls, `${path} FrameworkControls`).map((c) => get(c, 'ControlName'));
      return REQUIRED_FRAMEWORK_CONTROLS.every((name) => names.includes(name));
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unknown.push(error.message);
      return false;
    }
  });
  const reportedRegions = new Set<string>();
  for (const report of appResources(root, 'AWS::Backup::ReportPlan')) {
    const path = report.node.path;
    const setting = propertiesWithReferences(report).ReportSetting;
    try {
      const template = get(setting, 'ReportTemplate');
      if (typeof template !== 'string') throw new UnresolvableValueError(`${path} ReportSetting.ReportTemplate`, template);
      if (!FRAMEWORK_REPORTS.includes(template)) continue;
      for (const entry of asList(get(setting, 'FrameworkArns'), `${path} ReportSetting.FrameworkArns`)) {
        const target = designation(entry, report, `${path} ReportSetting.FrameworkArns`);
        const framework = frameworks.find((f) => {
          if ('ref' in target) return target.ref === f.node.path;
          // A framework's ARN ends with its name and a suffix AWS Backup chooses: framework:<name>-<id>.
          const name = propertiesWithReferences(f).FrameworkName;
          const prefix = `arn:aws:backup:${regionOfResource(f)}:${accountOfResource(f)}:framework:${String(name)}-`;
          return typeof name === 'string' && target.text.replace(/^arn:[^:]+:/, 'arn:aws:').startsWith(prefix);
        });
        if (framework && regionOfResource(framework) === regionOfResource(report)) reportedRegions.add(regionOfResource(report));
      }
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unknown.push(error.message);
    }
  }
  return { reportedRegions, unknown };
}

function createRule(): (node: CfnResource) => NagRuleResult {
  const evidenceOf = perApp(readApp);
  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::Backup::BackupPlan') return NagRuleCompliance.NOT_APPLICABLE;
    const { reportedRegions, unknown } = evidenceOf(node);
    // Backup Audit Manager is regional: the framework and its report must be in the plan's region.
    if (reportedRegions.has(regionOfResource(node))) return NagRuleCompliance.COMPLIANT;
    if (unknown.length > 0) throw new Error(`[BAK-04] backup audit evidence could not be evaluated: ${unknown.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'BackupAuditEvidence' });
}

export const BAK04_BACKUP_AUDIT_EVIDENCE = defineRule({
  name: 'BackupAuditEvidence',
  control: 'BAK-04',
  problem: `No Backup Audit Manager evidence for this backup plan: its region needs an AWS::Backup::Framework with the controls ${REQUIRED_FRAMEWORK_CONTROLS.join(', ')}, and an AWS::Backup::ReportPlan (CONTROL_COMPLIANCE_REPORT or RESOURCE_COMPLIANCE_REPORT) whose ReportSetting.FrameworkArns references it.`,
  fix: 'use BackupAudit (lib/constructs/backup-audit.ts) in the stack of the plan, or add the missing controls to the framework and reference its attrFrameworkArn from the report plan.',
  explanation:
    'HDS v2 EXI 05 and ISO 27001 A.8.13, A.5.35: an auditor needs continuous, dated evidence that backups are encrypted, retained, frequent, locked and cover every resource.',
  create: () => createRule(),
});
