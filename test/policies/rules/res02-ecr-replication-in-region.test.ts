import { Aws, Fn, Token, type Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { RES02_ECR_REPLICATION_IN_REGION } from '../../../policies/rules/res/ecr-replication-in-region';
import {
  ACCOUNT,
  PARIS_ONLY,
  REFUSED_REGIONS,
  expectCompliantResources,
  expectEvaluationError,
  expectNonCompliant,
  expectNotApplicable,
  parameterRef,
  stackIn,
  verboseDescription,
} from './res-fixtures';

const RULE = RES02_ECR_REPLICATION_IN_REGION;

/** A registry replication configuration (L1: ECR has no L2 for it): one rule per entry, one destination per region. */
function replication(stack: Stack, rules: unknown[][]): ecr.CfnReplicationConfiguration {
  return new ecr.CfnReplicationConfiguration(stack, 'Replication', {
    replicationConfiguration: {
      rules: rules.map((regions) => ({ destinations: regions.map((region) => ({ region: region as string, registryId: ACCOUNT })) })),
    },
  });
}

describe(`HDS-${RULE.id}: failing fixtures`, () => {
  it.each(REFUSED_REGIONS)('F1: images replicated to %s', (region) => {
    expectNonCompliant(RULE, (stack) => void replication(stack, [[region]]), ['TestStack/Replication']);
  });

  it('F2: the second destination of the second rule in eu-west-2', () => {
    expectNonCompliant(RULE, (stack) => void replication(stack, [['eu-west-1'], ['eu-central-1', 'eu-west-2']]), ['TestStack/Replication']);
  });

  it('F3: a destination region written Fn::Sub ${AWS::Region}, in a stack in us-east-1', () => {
    expectNonCompliant(RULE, (_stack, app) => void replication(stackIn(app, 'Virginia', 'us-east-1'), [[Fn.sub('${AWS::Region}')]]), ['Virginia/Replication']);
  });

  it('F4: a destination region written Fn::Join with AWS::Region, in a stack in eu-central-2', () => {
    expectNonCompliant(RULE, (_stack, app) => void replication(stackIn(app, 'Zurich', 'eu-central-2'), [[Fn.join('', [Aws.REGION])]]), ['Zurich/Replication']);
  });

  it('F5: eu-west-1, an HDS region, when the deployment allows only eu-west-3', () => {
    expectNonCompliant(RULE, (stack) => void replication(stack, [['eu-west-1']]), ['TestStack/Replication'], PARIS_ONLY);
  });

  it('F6: an unevaluable destination beside one in us-east-1 is reported as non-compliant, not as an evaluation error', () => {
    expect(verboseDescription(RULE, (stack) => void replication(stack, [[parameterRef(stack), 'us-east-1']]))).toMatch(/^\[RES-02\] The ECR registry/);
  });
});

describe(`HDS-${RULE.id}: fixtures that cannot be evaluated`, () => {
  it('E1: a destination region given by a template parameter', () => {
    expectEvaluationError(RULE, (stack) => void replication(stack, [[parameterRef(stack)]]), 'TestStack/Replication');
  });

  it('E2: Fn::Sub with ${AWS::Region} in an environment-agnostic stack', () => {
    expectEvaluationError(RULE, (_stack, app) => void replication(stackIn(app, 'Unpinned', undefined), [[Fn.sub('${AWS::Region}')]]), 'Unpinned/Replication');
  });

  it('E3: rules behind an Fn::If', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        new ecr.CfnReplicationConfiguration(stack, 'Replication', {
          replicationConfiguration: { rules: Token.asAny(Fn.conditionIf('Replicate', [], Aws.NO_VALUE)) },
        });
      },
      'TestStack/Replication',
    );
  });

  it('E4: the reason is in the description when the pack is verbose', () => {
    expect(verboseDescription(RULE, (stack) => void replication(stack, [[parameterRef(stack)]]))).toMatch(
      /^Rule threw an error during validation\. \[RES-02\] region of destination 0 of rule 0 of ECR replication configuration TestStack\/Replication cannot be evaluated/,
    );
  });

  it('E5: the verbose description names rules, or destinations, behind an Fn::If', () => {
    expect(
      verboseDescription(RULE, (stack) => {
        new ecr.CfnReplicationConfiguration(stack, 'Replication', {
          replicationConfiguration: { rules: Token.asAny(Fn.conditionIf('Replicate', [], Aws.NO_VALUE)) },
        });
      }),
    ).toMatch(/\[RES-02\] rules of ECR replication configuration TestStack\/Replication cannot be evaluated/);
    expect(
      verboseDescription(RULE, (stack) => {
        new ecr.CfnReplicationConfiguration(stack, 'Replication', {
          replicationConfiguration: { rules: [{ destinations: Token.asAny(Fn.conditionIf('Replicate', [], Aws.NO_VALUE)) }] },
        });
      }),
    ).toMatch(/\[RES-02\] destinations of rule 0 of ECR replication configuration TestStack\/Replication cannot be evaluated/);
  });
});

describe(`HDS-${RULE.id}: passing fixtures`, () => {
  it('P1: images replicated to eu-west-1 and eu-central-1', () => {
    expectCompliantResources(RULE, (stack) => void replication(stack, [['eu-west-1'], ['eu-central-1']]), ['TestStack/Replication']);
  });

  it('P2: a destination region written Fn::Sub ${AWS::Region} (another account of the editor), in eu-west-3', () => {
    expectCompliantResources(RULE, (stack) => void replication(stack, [[Fn.sub('${AWS::Region}')]]), ['TestStack/Replication']);
  });

  it('P3: a configuration with no rule', () => {
    expectCompliantResources(RULE, (stack) => void replication(stack, []), ['TestStack/Replication']);
  });

  it('P4: a repository is not a replication configuration (not applicable)', () => {
    expectNotApplicable(RULE, (stack) => void new ecr.CfnRepository(stack, 'Repository'));
  });
});
