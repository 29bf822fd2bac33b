import type { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { createBackupCoverageRule } from './rules/bak/backup-coverage';

/** Plugin name of the HDS pack: the namespace of its acknowledgements (`HdsChecks::HDS-...`). */
export const HDS_PLUGIN_NAME = 'HdsChecks';

/**
 * The HDS rule pack: checks, at every synth, the controls of CONTROLS.md that cdk-nag's packs do not
 * cover. Each finding names its control id and the fix.
 */
export class HdsChecks extends NagPack {
  public readonly name = HDS_PLUGIN_NAME;

  /** Rules that read the whole app are created afresh for each validation (no stale state). */
  private backupCoverage = createBackupCoverageRule();

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'HDS';
  }

  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.backupCoverage = createBackupCoverageRule();
    return super.validateScope(scope);
  }

  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: 'BAK02-BackupCoverage',
      info:
        '[BAK-02] This resource holds data but no AWS Backup selection covers it. Fix: tag it hds:backup=true (HealthDataStore does), add it to a selection, or acknowledge with the control that protects its data instead.',
      explanation:
        'HDS v2 EXI 05 and ISO 27001 A.8.13: every stateful resource of the platform is backed up by the locked plan and restore-tested.',
      level: NagMessageLevel.ERROR,
      rule: this.backupCoverage,
      node,
    });
  }
}
