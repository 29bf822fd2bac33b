import { Validations, type CfnResource, type PolicyValidationPluginReport, type PolicyViolation } from 'aws-cdk-lib';
import { NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { DEFAULT_CHECK_OPTIONS, HDS_RULES, type HdsCheckOptions, type RuleFunction } from './rules';
import { checkStackRegions, RES01_STACK_REGION } from './rules/res';

/** Plugin name of the HDS pack: the namespace of its acknowledgements (`HdsChecks::HDS-...`). */
export const HDS_PLUGIN_NAME = 'HdsChecks';

export interface HdsChecksProps extends NagPackProps {
  /** What the rules know of the platform. @default - any HDS EEA region, traces kept 365 days */
  readonly options?: Partial<HdsCheckOptions>;
}

/**
 * The HDS rule pack: checks, at every synth, the controls of CONTROLS.md. Each finding names its
 * control id and the fix. Rules are listed in `policies/rules/<area>/index.ts`.
 */
export class HdsChecks extends NagPack {
  public readonly name = HDS_PLUGIN_NAME;
  private readonly options: HdsCheckOptions;
  /** Rule functions, created afresh for each validation (rules that read the whole app keep no stale state). */
  private functions: RuleFunction[] = [];

  constructor(scope?: IConstruct, props: HdsChecksProps = {}) {
    super(scope, props);
    this.packName = 'HDS';
    this.options = { ...DEFAULT_CHECK_OPTIONS, ...props.options };
  }

  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.functions = HDS_RULES.map((r) => r.create(this.options));
    const report = super.validateScope(scope);
    // RES-01 is about stacks, which cdk-nag never visits: checked here, acknowledgements honoured here.
    const ruleName = `${this.readPackName}-${RES01_STACK_REGION.id}`;
    const stackViolations: PolicyViolation[] = checkStackRegions(scope, this.options)
      .filter((p) => !isAcknowledged(scope, p.stackPath, ruleName))
      .map((p) => ({
        ruleName,
        description: p.problem,
        fix: RES01_STACK_REGION.info,
        severity: 'error',
        violatingResources: [{ constructPath: p.stackPath, locations: ['Environment'] }],
      }));
    const violations = [...report.violations, ...stackViolations];
    return { ...report, success: violations.length === 0, violations };
  }

  protected checkResource(node: CfnResource): void {
    HDS_RULES.forEach((rule, i) => {
      const fn = this.functions[i];
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.info,
        explanation: rule.explanation,
        level: rule.level,
        // cdk-nag reads the rule id from the function's name when no override is given; keep both.
        rule: fn,
        node,
      });
    });
  }
}

/** Whether `ruleName` is acknowledged (plain form, as cdk-nag honours it) on the construct at `path` or above. */
function isAcknowledged(scope: IConstruct, path: string, ruleName: string): boolean {
  let current: IConstruct | undefined = scope.node.root.node.findAll().find((c) => c.node.path === path);
  while (current) {
    for (const entry of current.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      // CDK records a plain id as `Annotation::<id>` (as cdk-nag does, ignore that prefix).
      const ids = Object.keys(entry.data as object).map((k) => k.replace(/^annotation::/i, ''));
      if (ids.includes(ruleName)) return true;
    }
    current = current.node.scope;
  }
  return false;
}
