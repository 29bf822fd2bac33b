import { Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HdsChecks } from '../../policies/hds-checks';
import { findings } from './support';

/** RES-01 is checked by the pack itself (cdk-nag visits resources, never stacks). */
describe('HDS-RES01-StackRegion in the pack', () => {
  const RULE = 'HDS-RES01-StackRegion';
  const stackIn = (region: string | undefined) => (_stack: Stack, app: Parameters<Parameters<typeof findings>[0]>[1]) => {
    const other = new Stack(app, 'Other', region ? { env: { account: '111111111111', region } } : {});
    new sns.Topic(other, 'Topic');
    return other;
  };

  it.each(['us-east-1', 'eu-west-2', 'eu-central-2'])('reports a stack in %s, on the stack, with the fix', (region) => {
    const found = findings(stackIn(region)).filter((f) => f.rule === RULE);
    expect(found.map((f) => f.path)).toEqual(['Other']);
    expect(found[0].description).toMatch(new RegExp(`^\\[RES-01\\] stack Other is in ${region}`));
  });

  it('reports an environment-agnostic stack', () => {
    expect(findings(stackIn(undefined)).filter((f) => f.rule === RULE).map((f) => f.path)).toEqual(['Other']);
  });

  it('judges against the platform allow-list: eu-west-1 is refused when only eu-west-3 is allowed', () => {
    const narrow = new HdsChecks(undefined, { options: { allowedRegions: ['eu-west-3'] } });
    expect(findings(stackIn('eu-west-1'), narrow).filter((f) => f.rule === RULE).map((f) => f.path)).toEqual(['Other']);
    expect(findings(stackIn('eu-west-1')).filter((f) => f.rule === RULE)).toEqual([]);
  });

  it('accepts stacks in eu-west-3 (the fixture stack itself)', () => {
    expect(findings(stackIn('eu-west-3')).filter((f) => f.rule === RULE)).toEqual([]);
  });

  it('honours an acknowledgement on the stack', () => {
    const found = findings((stack, app) => {
      const other = stackIn('us-east-1')(stack, app);
      Validations.of(other).acknowledge({ id: RULE, reason: '[RES-01] fixture: a stack that holds no data' });
    }).filter((f) => f.rule === RULE);
    expect(found).toEqual([]);
  });
});
