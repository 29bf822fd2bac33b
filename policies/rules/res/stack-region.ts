import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { HDS_EEA_REGIONS } from '../../regions';
import type { HdsCheckOptions } from '../rule';
import { stacksOf } from './support';

/**
 * RES-01 as a stack-wide check (cdk-nag has no hook that visits a stack): the pack's `validateScope` calls
 * `checkStackRegions` and reports each problem under `RES01_STACK_REGION.id`, honouring acknowledgements
 * itself.
 */
export const RES01_STACK_REGION = {
  id: 'RES01-StackRegion',
  control: 'RES-01',
  info: '[RES-01] This stack is not pinned to a concrete region inside the allow-list. Fix: give the stack env: { account, region } with a region of allowedRegions (config "region"); never deploy an environment-agnostic stack.',
  explanation:
    'HDS v2 EXI 28, RGPD art. 44, ISO 27001 A.5.23: health data is hosted only in the HDS-certified EEA regions the deployment allows; an environment-agnostic stack deploys wherever the credentials point.',
} as const;

/** Regions refused by name because they are often mistaken for EEA regions (CONTROLS.md, RES). */
const OUTSIDE_EEA: Readonly<Record<string, string>> = {
  'eu-west-2': 'London, outside the EEA',
  'eu-central-2': 'Zurich, outside the EEA',
};

/** One stack whose region breaks RES-01. */
export interface StackRegionProblem {
  /** Construct path of the stack (the `constructPath` of the violation). */
  readonly stackPath: string;
  /** What is wrong, with the value received, what is allowed and the fix. */
  readonly problem: string;
}

/**
 * RES-01: every stack of `scope` (nested stacks and stacks in stages included) is pinned to a concrete
 * region that is both an HDS EEA region and in `options.allowedRegions` (a deployment narrows the HDS
 * list, never widens it). Returns one problem per stack that is not, in tree order.
 */
export function checkStackRegions(scope: IConstruct, options: HdsCheckOptions): StackRegionProblem[] {
  const hds = HDS_EEA_REGIONS as readonly string[];
  const allowed = options.allowedRegions.filter((r) => hds.includes(r));
  const fix = `pin the stack with env: { account, region } and a region among ${allowed.length > 0 ? allowed.join(', ') : '(none: allowedRegions has no HDS EEA region)'}`;
  const problems: StackRegionProblem[] = [];
  for (const stack of stacksOf(scope)) {
    const region = stack.region;
    const report = (problem: string) => problems.push({ stackPath: stack.node.path, problem: `[RES-01] ${problem}; ${fix}.` });
    if (Token.isUnresolved(region)) {
      report(`stack ${stack.node.path} is environment-agnostic: its region is only known at deploy time`);
    } else if (!hds.includes(region)) {
      const why = OUTSIDE_EEA[region] ?? 'not an HDS-certified AWS region inside the EEA';
      report(`stack ${stack.node.path} is in ${region} (${why})`);
    } else if (!allowed.includes(region)) {
      report(`stack ${stack.node.path} is in ${region}, an HDS EEA region this deployment does not allow (allowedRegions)`);
    }
  }
  return problems;
}
