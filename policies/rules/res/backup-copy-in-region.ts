import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule, type HdsCheckOptions } from '../rule';
import { UnresolvableValueError, asList, properties } from '../util';
import { destinationRegion, field, referencesOf, regionVerdict } from './support';

/** Vaults a copy action can target, when its ARN is a reference to a vault of the app. */
const VAULTS = ['AWS::Backup::BackupVault', 'AWS::Backup::LogicallyAirGappedBackupVault'];

/**
 * RES-02 (BAK-05): every copy action of a backup plan sends its recovery points to a vault in an allowed
 * region: the region field of DestinationBackupVaultArn (pseudo parameters replaced), or the region of the
 * stack of the vault it refers to. A value that says neither (a parameter, a condition) is not evaluated.
 */
function createBackupCopyRule(options: HdsCheckOptions): (node: CfnResource) => NagRuleResult {
  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::Backup::BackupPlan') return NagRuleCompliance.NOT_APPLICABLE;
    const props = properties(node);
    const rulesWhat = `[RES-02] rules of backup plan ${node.node.path}`;
    const rules = asList(field(props, ['BackupPlan', 'BackupPlanRule'], rulesWhat), rulesWhat);
    const references = referencesOf(node);
    const checks = rules.flatMap((planRule, i) => {
      const copiesWhat = `[RES-02] copy actions of rule ${i} of backup plan ${node.node.path}`;
      const copies = asList(field(planRule, ['CopyActions'], copiesWhat), copiesWhat);
      return copies.map((copy, j) => (): string => {
        const what = `[RES-02] destination vault of copy action ${j} of rule ${i} of backup plan ${node.node.path}`;
        const value = field(copy, ['DestinationBackupVaultArn'], what);
        const targets = references(['BackupPlan', 'BackupPlanRule', i, 'CopyActions', j, 'DestinationBackupVaultArn']);
        const region = destinationRegion(node, value, targets, VAULTS, what);
        // A backup vault ARN always has a region; one without is not a vault this rule can place.
        if (region === undefined) throw new UnresolvableValueError(what, value);
        return region;
      });
    });
    return regionVerdict(checks, options);
  };
  return Object.defineProperty(rule, 'name', { value: 'BackupCopyInRegion' });
}

export const RES02_BACKUP_COPY_IN_REGION = defineRule({
  name: 'BackupCopyInRegion',
  control: 'RES-02',
  problem: 'A copy action of this backup plan sends recovery points to a vault outside the allowed regions, or to a vault whose region cannot be known at synth.',
  fix: 'copy only to a vault in another allowed region (config backup.copy.region, which must be in allowedRegions), with a literal region in DestinationBackupVaultArn, or remove the copy action.',
  explanation:
    'HDS v2 EXI 28 and 31, RGPD art. 44-46, ISO 27001 A.5.23 (CONTROLS.md BAK-05): backup copies are copies of health data and stay in the HDS-certified EEA regions the deployment allows.',
  create: (options) => createBackupCopyRule(options),
});
