import { NestedStack, Stage, type App } from 'aws-cdk-lib';
import { DEFAULT_CHECK_OPTIONS, type HdsCheckOptions } from '../../../policies/rules/rule';
import { RES01_STACK_REGION, checkStackRegions } from '../../../policies/rules/res/stack-region';
import { testApp } from '../../support/app';
import { stackIn } from './res-fixtures';

/** RES-01 is stack-wide (no cdk-nag hook visits a stack): `checkStackRegions` is tested directly. */

function problems(build: (app: App) => void, allowedRegions?: readonly string[]) {
  const app = testApp();
  build(app);
  const options: HdsCheckOptions = { ...DEFAULT_CHECK_OPTIONS, ...(allowedRegions ? { allowedRegions } : {}) };
  return checkStackRegions(app, options);
}

/** The one problem found on an app made of one stack `Stack` in `region`. */
function problemOfOneStack(region: string | undefined, allowedRegions?: readonly string[]): string {
  const found = problems((app) => void stackIn(app, 'Stack', region), allowedRegions);
  expect(found.map((p) => p.stackPath)).toStrictEqual(['Stack']);
  return found[0].problem;
}

describe(`HDS-${RES01_STACK_REGION.id}: failing fixtures`, () => {
  it('F1: an environment-agnostic stack', () => {
    expect(problemOfOneStack(undefined)).toMatch(/^\[RES-01\] stack Stack is environment-agnostic: its region is only known at deploy time; pin the stack with env: \{ account, region \} and a region among eu-west-3, eu-west-1, eu-central-1, eu-south-1, eu-south-2, eu-north-1\.$/);
  });

  it('F2: a stack in us-east-1 (not an HDS EEA region)', () => {
    expect(problemOfOneStack('us-east-1')).toMatch(/^\[RES-01\] stack Stack is in us-east-1 \(not an HDS-certified AWS region inside the EEA\); pin the stack/);
  });

  it('F3: a stack in eu-central-2 (Zurich, outside the EEA)', () => {
    expect(problemOfOneStack('eu-central-2')).toMatch(/^\[RES-01\] stack Stack is in eu-central-2 \(Zurich, outside the EEA\); /);
  });

  it('F4: a stack in eu-west-2 (London, outside the EEA)', () => {
    expect(problemOfOneStack('eu-west-2')).toMatch(/^\[RES-01\] stack Stack is in eu-west-2 \(London, outside the EEA\); /);
  });

  it('F5: a stack in eu-west-1, an HDS region, when the deployment allows only eu-west-3', () => {
    expect(problemOfOneStack('eu-west-1', ['eu-west-3'])).toBe(
      '[RES-01] stack Stack is in eu-west-1, an HDS EEA region this deployment does not allow (allowedRegions); pin the stack with env: { account, region } and a region among eu-west-3.',
    );
  });

  it('F6: eu-west-2 stays refused when allowedRegions wrongly lists it (a deployment narrows the HDS list, never widens it)', () => {
    expect(problemOfOneStack('eu-west-2', ['eu-west-3', 'eu-west-2'])).toMatch(
      /^\[RES-01\] stack Stack is in eu-west-2 \(London, outside the EEA\); pin the stack with env: \{ account, region \} and a region among eu-west-3\.$/,
    );
  });

  it('F7: every wrong stack of the app is reported, in tree order; the pinned ones are not', () => {
    const found = problems((app) => {
      stackIn(app, 'Paris', 'eu-west-3');
      stackIn(app, 'Unpinned', undefined);
      stackIn(app, 'Virginia', 'us-east-1');
      stackIn(app, 'Ireland', 'eu-west-1');
    });
    expect(found.map((p) => p.stackPath)).toStrictEqual(['Unpinned', 'Virginia']);
  });

  it('F8: stacks inside a stage (one environment-agnostic, one in Zurich), and a nested stack of a Zurich stack', () => {
    const found = problems((app) => {
      const stage = new Stage(app, 'Prod');
      stackIn(stage, 'Unpinned', undefined);
      const zurich = stackIn(stage, 'Zurich', 'eu-central-2');
      new NestedStack(zurich, 'Nested');
    });
    expect(found.map((p) => p.stackPath)).toStrictEqual(['Prod/Unpinned', 'Prod/Zurich', 'Prod/Zurich/Nested']);
  });

  it('F9: a stage pinned to eu-west-3 does not pin a stack that names another region', () => {
    const found = problems((app) => {
      const stage = new Stage(app, 'Prod', { env: { account: '111111111111', region: 'eu-west-3' } });
      stackIn(stage, 'Virginia', 'us-east-1');
    });
    expect(found.map((p) => p.stackPath)).toStrictEqual(['Prod/Virginia']);
  });
});

describe(`HDS-${RES01_STACK_REGION.id}: passing fixtures`, () => {
  it('P1: a stack in eu-west-3', () => {
    expect(problems((app) => void stackIn(app, 'Stack', 'eu-west-3'))).toStrictEqual([]);
  });

  it('P2: every HDS EEA region when the deployment allows them all (the default options)', () => {
    const regions = ['eu-west-3', 'eu-west-1', 'eu-central-1', 'eu-south-1', 'eu-south-2', 'eu-north-1'];
    expect(problems((app) => regions.forEach((region) => stackIn(app, region, region)))).toStrictEqual([]);
  });

  it('P3: a stack in eu-west-1 when the deployment allows eu-west-3 and eu-west-1, and its nested stack', () => {
    expect(
      problems((app) => void new NestedStack(stackIn(app, 'Ireland', 'eu-west-1'), 'Nested'), ['eu-west-3', 'eu-west-1']),
    ).toStrictEqual([]);
  });

  it('P4: stacks that inherit eu-west-3 from their stage', () => {
    expect(
      problems((app) => {
        const stage = new Stage(app, 'Prod', { env: { account: '111111111111', region: 'eu-west-3' } });
        new NestedStack(new NestedStack(stackIn(stage, 'Inherits', undefined), 'Level1'), 'Level2');
      }),
    ).toStrictEqual([]);
  });
});

describe(`HDS-${RES01_STACK_REGION.id}: its descriptor`, () => {
  it('cites RES-01, its fix and its legal reference, like the resource rules', () => {
    expect(RES01_STACK_REGION.id).toBe('RES01-StackRegion');
    expect(RES01_STACK_REGION.info).toMatch(/^\[RES-01\] .+ Fix: \S/);
    expect(RES01_STACK_REGION.explanation).toMatch(/EXI 28/);
  });
});
