import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, type NagRuleResult } from 'cdk-nag';
import { HDS_EEA_REGIONS } from '../regions';
import type { ControlId } from '../catalogue';

/** What the rules know about the platform they judge. Defaults fit any template (the report tool). */
export interface HdsCheckOptions {
  /** Regions where data may live (RES-01/02). @default - the HDS EEA list */
  readonly allowedRegions: readonly string[];
  /** Minimum retention of traces, in days (LOG-04). @default 365 */
  readonly minTraceRetentionDays: number;
}

export const DEFAULT_CHECK_OPTIONS: HdsCheckOptions = {
  allowedRegions: HDS_EEA_REGIONS,
  minTraceRetentionDays: 365,
};

/** A rule function, as cdk-nag calls it: compliant, non-compliant, not applicable (or throws: not evaluated). */
export type RuleFunction = (node: CfnResource) => NagRuleResult;

/**
 * One rule of the HDS pack. Its id is `HDS-<CONTROL without dash>-<Name>` (e.g. `HDS-ENC01-KeyRotation`),
 * so that a finding names its control; `info` starts with `[<control>]` and says how to fix it.
 */
export interface HdsRule {
  /** Rule id suffix, e.g. `ENC01-KeyRotation` (the pack prefixes `HDS-`). */
  readonly id: string;
  readonly control: ControlId;
  /** What is wrong and the fix, starting with `[<control>]`. */
  readonly info: string;
  /** Why the rule exists (legal reference). */
  readonly explanation: string;
  readonly level: NagMessageLevel;
  /** Builds the rule function for a platform's options (fresh state for each validation). */
  readonly create: (options: HdsCheckOptions) => RuleFunction;
}

/** Declares a rule; checks that its id and message cite its control, so findings are traceable. */
export function defineRule(rule: {
  name: string;
  control: ControlId;
  problem: string;
  fix: string;
  explanation: string;
  level?: NagMessageLevel;
  create: (options: HdsCheckOptions) => RuleFunction;
}): HdsRule {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(rule.name)) throw new Error(`rule name "${rule.name}" must be PascalCase`);
  return {
    id: `${rule.control.replace('-', '')}-${rule.name}`,
    control: rule.control,
    info: `[${rule.control}] ${rule.problem} Fix: ${rule.fix}`,
    explanation: rule.explanation,
    level: rule.level ?? NagMessageLevel.ERROR,
    create: rule.create,
  };
}
