import type { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { DEFAULT_CHECK_OPTIONS, HDS_RULES, type HdsCheckOptions, type RuleFunction } from './rules';

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
    return super.validateScope(scope);
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
