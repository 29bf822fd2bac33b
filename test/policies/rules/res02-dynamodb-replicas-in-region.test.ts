import { Aws, Fn, type CfnResource, type Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { RES02_DYNAMODB_REPLICAS_IN_REGION } from '../../../policies/rules/res/dynamodb-replicas-in-region';
import {
  PARIS_ONLY,
  REFUSED_REGIONS,
  expectCompliantResources,
  expectEvaluationError,
  expectNotApplicable,
  expectNonCompliant,
  parameterRef,
  stackIn,
  verboseDescription,
} from './res-fixtures';

const RULE = RES02_DYNAMODB_REPLICAS_IN_REGION;
const KEY = { name: 'pk', type: dynamodb.AttributeType.STRING };

/** A TableV2 (AWS::DynamoDB::GlobalTable) with replicas in `regions`, besides the stack's own region. */
function tableV2(scope: Construct, regions: string[] = []): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, 'Table', { partitionKey: KEY, replicas: regions.map((region) => ({ region })) });
}

/** A raw L1 global table, as a foreign template declares it: one replica per region value. */
function rawGlobalTable(stack: Stack, regions: unknown[], witnesses: unknown[] = []): dynamodb.CfnGlobalTable {
  return new dynamodb.CfnGlobalTable(stack, 'Table', {
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    billingMode: 'PAY_PER_REQUEST',
    streamSpecification: { streamViewType: 'NEW_AND_OLD_IMAGES' },
    replicas: regions.map((region) => ({ region: region as string })),
    globalTableWitnesses: witnesses.length > 0 ? witnesses.map((region) => ({ region: region as string })) : undefined,
  });
}

describe(`HDS-${RULE.id}: failing fixtures`, () => {
  it.each(REFUSED_REGIONS)('F1: a TableV2 in eu-west-3 with a replica in %s', (region) => {
    expectNonCompliant(RULE, (stack) => void tableV2(stack, [region]), ['TestStack/Table/Resource']);
  });

  it.each(REFUSED_REGIONS)('F2: a Table with replicationRegions [%s] (a Custom::DynamoDBReplica per region)', (region) => {
    expectNonCompliant(
      RULE,
      (stack) => void new dynamodb.Table(stack, 'Table', { partitionKey: KEY, replicationRegions: [region, 'eu-west-1'] }),
      [`TestStack/Table/Replica${region}/Default`],
    );
  });

  it('F3: a raw L1 global table with a literal replica region eu-central-2', () => {
    expectNonCompliant(RULE, (stack) => void rawGlobalTable(stack, ['eu-west-3', 'eu-central-2']), ['TestStack/Table']);
  });

  it('F4: a raw L1 global table whose multi-Region consistency witness is in eu-west-2', () => {
    expectNonCompliant(RULE, (stack) => void rawGlobalTable(stack, ['eu-west-3', 'eu-west-1'], ['eu-west-2']), ['TestStack/Table']);
  });

  it('F5: a replica region written Fn::Sub ${AWS::Region}, in a stack in us-east-1', () => {
    expectNonCompliant(RULE, (_stack, app) => void rawGlobalTable(stackIn(app, 'Virginia', 'us-east-1'), [Fn.sub('${AWS::Region}')]), ['Virginia/Table']);
  });

  it('F6: a replica region written Fn::Join with AWS::Region, in a stack in eu-west-2', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => void rawGlobalTable(stackIn(app, 'London', 'eu-west-2'), [Fn.join('', [Aws.REGION])]),
      ['London/Table'],
    );
  });

  it('F7: a replica in eu-west-1, an HDS region, when the deployment allows only eu-west-3', () => {
    expectNonCompliant(RULE, (stack) => void tableV2(stack, ['eu-west-1']), ['TestStack/Table/Resource'], PARIS_ONLY);
  });

  it('F8: an unevaluable replica beside one in us-east-1 is reported as non-compliant, not as an evaluation error', () => {
    expect(verboseDescription(RULE, (stack) => void rawGlobalTable(stack, [parameterRef(stack), 'us-east-1']))).toMatch(/^\[RES-02\] This DynamoDB/);
  });
});

describe(`HDS-${RULE.id}: fixtures that cannot be evaluated`, () => {
  it('E1: a replica region given by a template parameter', () => {
    expectEvaluationError(RULE, (stack) => void rawGlobalTable(stack, ['eu-west-3', parameterRef(stack)]), 'TestStack/Table');
  });

  it('E2: a TableV2 in an environment-agnostic stack (its replica region is the pseudo parameter AWS::Region)', () => {
    expectEvaluationError(RULE, (_stack, app) => void tableV2(stackIn(app, 'Unpinned', undefined)), 'Unpinned/Table/Resource');
  });

  it('E3: replicas behind an Fn::If', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        const table = rawGlobalTable(stack, ['eu-west-3']);
        table.addPropertyOverride('Replicas', Fn.conditionIf('Global', [{ Region: 'eu-west-1' }], [{ Region: 'eu-west-3' }]));
      },
      'TestStack/Table',
    );
  });

  it('E4: a Custom::DynamoDBReplica whose region is a template parameter', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        const table = new dynamodb.Table(stack, 'Table', { partitionKey: KEY, replicationRegions: ['eu-west-1'] });
        const replica = table.node.findChild('Replicaeu-west-1').node.defaultChild as CfnResource;
        replica.addPropertyOverride('Region', parameterRef(stack));
      },
      'TestStack/Table/Replicaeu-west-1/Default',
    );
  });

  it('E5: the reason is in the description when the pack is verbose', () => {
    expect(verboseDescription(RULE, (stack) => void rawGlobalTable(stack, [parameterRef(stack)]))).toMatch(
      /^Rule threw an error during validation\. \[RES-02\] region of Replicas\[0\] of global table TestStack\/Table cannot be evaluated/,
    );
  });

  it('E6: the verbose description names replicas behind an Fn::If, and a replica resource whose region is a parameter', () => {
    expect(
      verboseDescription(RULE, (stack) => {
        const table = rawGlobalTable(stack, ['eu-west-3']);
        table.addPropertyOverride('Replicas', Fn.conditionIf('Global', [{ Region: 'eu-west-1' }], [{ Region: 'eu-west-3' }]));
      }),
    ).toMatch(/\[RES-02\] Replicas of global table TestStack\/Table cannot be evaluated/);
    expect(
      verboseDescription(RULE, (stack) => {
        const table = new dynamodb.Table(stack, 'Table', { partitionKey: KEY, replicationRegions: ['eu-west-1'] });
        (table.node.findChild('Replicaeu-west-1').node.defaultChild as CfnResource).addPropertyOverride('Region', parameterRef(stack));
      }),
    ).toMatch(/\[RES-02\] region of DynamoDB replica TestStack\/Table\/Replicaeu-west-1\/Default cannot be evaluated/);
  });
});

describe(`HDS-${RULE.id}: passing fixtures`, () => {
  it('P1: a TableV2 in eu-west-3 with a replica in eu-west-1', () => {
    expectCompliantResources(RULE, (stack) => void tableV2(stack, ['eu-west-1']), ['TestStack/Table/Resource']);
  });

  it('P2: a Table with replicationRegions in eu-west-1 and eu-central-1', () => {
    expectCompliantResources(
      RULE,
      (stack) => void new dynamodb.Table(stack, 'Table', { partitionKey: KEY, replicationRegions: ['eu-west-1', 'eu-central-1'] }),
      ['TestStack/Table/Replicaeu-central-1/Default', 'TestStack/Table/Replicaeu-west-1/Default'],
    );
  });

  it('P3: a raw L1 global table with Fn::Sub ${AWS::Region}, Fn::Join with AWS::Region and a literal eu-north-1 witness, in eu-west-3', () => {
    expectCompliantResources(
      RULE,
      (stack) => void rawGlobalTable(stack, [Fn.sub('${AWS::Region}'), Fn.join('', [Aws.REGION]), 'eu-west-1'], ['eu-north-1']),
      ['TestStack/Table'],
    );
  });

  it('P4: a single-region TableV2 is compliant; a plain table is not applicable', () => {
    expectCompliantResources(RULE, (stack) => void tableV2(stack), ['TestStack/Table/Resource']);
    expectNotApplicable(RULE, (stack) => void new dynamodb.Table(stack, 'Plain', { partitionKey: KEY }));
  });
});
