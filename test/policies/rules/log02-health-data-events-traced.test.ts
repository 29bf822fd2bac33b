import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Aws, CfnParameter, Fn, Stack, Tags, type App } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import type { Construct } from 'constructs';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG02-HealthDataEventsTraced';
const ACCOUNT = '111111111111';

function healthData<T extends Construct>(construct: T, value = 'health-data'): T {
  Tags.of(construct).add('hds:data-classification', value);
  return construct;
}

function healthBucket(scope: Construct, id = 'Documents'): s3.Bucket {
  return healthData(new s3.Bucket(scope, id));
}

/** A health-data table as a foreign template declares it (raw L1, tags in the properties). */
function healthTable(scope: Construct): dynamodb.CfnTable {
  return new dynamodb.CfnTable(scope, 'Table', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    tags: [{ key: 'hds:data-classification', value: 'health-data' }],
  });
}

function trail(scope: Construct, id = 'Trail', props: Partial<cloudtrail.TrailProps> = {}): cloudtrail.Trail {
  return new cloudtrail.Trail(scope, id, { bucket: new s3.Bucket(scope, `${id}Archive`), ...props });
}

function cfn(t: cloudtrail.Trail): cloudtrail.CfnTrail {
  return t.node.defaultChild as cloudtrail.CfnTrail;
}

/** A trail whose only data-event selectors are advanced selectors, one per list of field selectors. */
function advancedTrail(scope: Construct, ...selectors: Record<string, unknown>[][]): cloudtrail.Trail {
  const t = trail(scope);
  cfn(t).addPropertyOverride(
    'AdvancedEventSelectors',
    selectors.map((fieldSelectors) => ({ FieldSelectors: fieldSelectors })),
  );
  return t;
}

/** A trail as a foreign template declares it (raw L1): logging, and single-region unless `props` say otherwise. */
function rawTrail(scope: Construct, props: Partial<cloudtrail.CfnTrailProps> = {}, id = 'RawTrail'): cloudtrail.CfnTrail {
  return new cloudtrail.CfnTrail(scope, id, { isLogging: true, s3BucketName: 'archive', ...props });
}

/** A raw trail with one basic selector on `values` of `type` (every access: ReadWriteType absent means All). */
function basicTrail(scope: Construct, type: string, values: string[], props: Partial<cloudtrail.CfnTrailProps> = {}): cloudtrail.CfnTrail {
  return rawTrail(scope, { eventSelectors: [{ dataResources: [{ type, values }] }], ...props });
}

/** The prefix of every object ARN of `bucket`. */
function objectsOf(bucket: s3.IBucket): string {
  return `${bucket.bucketArn}/`;
}

const READS = { Field: 'readOnly', Equals: ['true'] };
const WRITES = { Field: 'readOnly', Equals: ['false'] };
const TABLES = { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] };

const DATA = { Field: 'eventCategory', Equals: ['Data'] };
const S3_OBJECTS = { Field: 'resources.type', Equals: ['AWS::S3::Object'] };

function stackIn(app: App, id: string, region = 'eu-west-3'): Stack {
  return new Stack(app, id, { env: { account: ACCOUNT, region } });
}

/** Writes a foreign template to a temporary file and includes it in `scope`. */
function include(scope: Construct, template: Record<string, unknown>): cfninc.CfnInclude {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'log02-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify(template));
  return new cfninc.CfnInclude(scope, 'Foreign', { templateFile: file });
}

const FOREIGN_BUCKET = {
  Type: 'AWS::S3::Bucket',
  Properties: { Tags: [{ Key: 'hds:data-classification', Value: 'health-data' }] },
};

function foreignTrail(values: unknown[]): Record<string, unknown> {
  return {
    Type: 'AWS::CloudTrail::Trail',
    Properties: {
      IsLogging: true,
      IsMultiRegionTrail: true,
      S3BucketName: 'archive',
      EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: values }] }],
    },
  };
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a health-data bucket in an app with no trail', () => {
    expectNonCompliant(RULE, (stack) => healthBucket(stack), ['TestStack/Documents/Resource']);
  });

  it('F2: a trail with management events only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        trail(stack);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F3: the trail records data events of another bucket only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        trail(stack).addS3EventSelector([{ bucket: new s3.Bucket(stack, 'Other') }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F4: writes only (reads of health data go untraced)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = healthBucket(stack);
        trail(stack).addS3EventSelector([{ bucket }], { readWriteType: cloudtrail.ReadWriteType.WRITE_ONLY });
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F5: one object prefix of the bucket only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = healthBucket(stack);
        trail(stack).addS3EventSelector([{ bucket, objectPrefix: 'scans/' }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F6: a health-data DynamoDB table (raw L1) while the trail records S3 data events only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthTable(stack);
        trail(stack).logAllS3DataEvents();
      },
      ['TestStack/Table'],
    );
  });

  it('F7: the covering trail is not logging', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = healthBucket(stack);
        const t = trail(stack);
        t.addS3EventSelector([{ bucket }]);
        cfn(t).isLogging = false;
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F8: an advanced selector for reads only (readOnly = true)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'readOnly', Equals: ['true'] }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F9: an advanced selector filtered on eventName (GetObject only)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'eventName', Equals: ['GetObject'] }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F10: an advanced selector for every bucket but this one (NotStartsWith its ARN)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = healthBucket(stack);
        advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', NotStartsWith: [`${bucket.bucketArn}/`] }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F11: a single-region trail in eu-west-3, and the bucket in an eu-west-1 stack', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        healthBucket(stackIn(app, 'Ireland', 'eu-west-1'));
        trail(stack, 'Trail', { isMultiRegionTrail: false }).logAllS3DataEvents();
      },
      ['Ireland/Documents/Resource'],
    );
  });

  it('F12: a foreign template whose trail names a prefix of the bucket (CfnInclude)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        include(stack, { Resources: { Bucket: FOREIGN_BUCKET, Trail: foreignTrail([{ 'Fn::Sub': '${Bucket.Arn}/scans/' }]) } });
      },
      ['TestStack/Foreign/Bucket'],
    );
  });

  it('F13: an advanced selector naming one object ARN exactly (Equals), not the whole bucket', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = healthBucket(stack);
        advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', Equals: [`${bucket.bucketArn}/`] }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F14: an advanced selector of management events on S3 objects (eventCategory Management)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        advancedTrail(stack, [{ Field: 'eventCategory', Equals: ['Management'] }, S3_OBJECTS]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F15: a malformed advanced selector with eventCategory Data but no resources.type (it records nothing)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        advancedTrail(stack, [DATA]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F16: an advanced selector that leaves out the objects under one prefix of the bucket (NotStartsWith)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = healthBucket(stack);
        advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', NotStartsWith: [`${bucket.bucketArn}/tmp/`] }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F17: an advanced selector that leaves out objects by suffix (NotEndsWith)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', NotEndsWith: ['.tmp'] }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F18: selector values from a template parameter cannot be evaluated: an evaluation error, never compliant', () => {
    expectEvaluationError(RULE, (stack) => {
      healthBucket(stack);
      const values = new CfnParameter(stack, 'TracedObjects', { type: 'String' });
      trail(stack).addEventSelector(cloudtrail.DataResourceType.S3_OBJECT, [values.valueAsString]);
    }, 'TestStack/Documents/Resource');
  });
});

describe(`${RULE}: failing fixtures (selectors that miss some accesses)`, () => {
  it('F19: a basic selector of another data-resource type naming the objects of the bucket', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        basicTrail(stack, 'AWS::DynamoDB::Table', [objectsOf(healthBucket(stack))], { isMultiRegionTrail: true });
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it.each<[string, Record<string, unknown>[][]]>([
    ['F20: an advanced selector of DynamoDB data events only', [[DATA, TABLES]]],
    ['F21: eventCategory both Equals and NotEquals Data (contradictory: it records nothing)', [[{ ...DATA, NotEquals: ['Data'] }, S3_OBJECTS]]],
    ['F22: no eventCategory (CloudTrail requires it: the selector records nothing)', [[S3_OBJECTS]]],
    ['F23: every object but those under arn:aws:s3::: (NotStartsWith: every bucket left out)', [[DATA, S3_OBJECTS, { Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::'] }]]],
    ['F24: writes only (readOnly Equals false)', [[DATA, S3_OBJECTS, WRITES]]],
    ['F25: writes only (readOnly NotEquals true)', [[DATA, S3_OBJECTS, { Field: 'readOnly', NotEquals: ['true'] }]]],
    ['F26: reads only (readOnly NotEquals false)', [[DATA, S3_OBJECTS, { Field: 'readOnly', NotEquals: ['false'] }]]],
    ['F27: readOnly with an operator other than Equals and NotEquals (StartsWith t)', [[DATA, S3_OBJECTS, { Field: 'readOnly', StartsWith: ['t'] }]]],
    [
      'F28: readOnly true and false in the same selector (its field selectors are ANDed: nothing), and a writes-only selector',
      [[DATA, S3_OBJECTS, READS, WRITES], [DATA, S3_OBJECTS, WRITES]],
    ],
  ])('%s', (_what, selectors) => {
    expectNonCompliant(
      RULE,
      (stack) => {
        healthBucket(stack);
        advancedTrail(stack, ...selectors);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F29: an advanced selector that leaves out one object of the bucket (NotEquals)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = healthBucket(stack);
        advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', NotEquals: [`${objectsOf(bucket)}consent.pdf`] }]);
      },
      ['TestStack/Documents/Resource'],
    );
  });

  it('F30: an advanced selector of every table but this one (NotEquals its ARN)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const table = healthTable(stack);
        advancedTrail(stack, [DATA, TABLES, { Field: 'resources.ARN', NotEquals: [table.attrArn] }]);
      },
      ['TestStack/Table'],
    );
  });

  it('F31: a raw trail with IsMultiRegionTrail absent (single-region) in eu-west-3, and the bucket in an eu-west-1 stack', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        basicTrail(stack, 'AWS::S3::Object', ['arn:aws:s3']);
        healthBucket(stackIn(app, 'Ireland', 'eu-west-1'));
      },
      ['Ireland/Documents/Resource'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a trail recording reads and writes on the bucket, in the same stack', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = healthBucket(stack);
      trail(stack).addS3EventSelector([{ bucket }]);
    });
  });

  it('P2: the trail in another stack than the bucket (a cross-stack reference, as the platform does)', () => {
    expectCompliant(RULE, (stack, app) => {
      const bucket = healthBucket(stack);
      trail(stackIn(app, 'Audit')).addS3EventSelector([{ bucket }], { includeManagementEvents: false });
    });
  });

  it('P3: a trail recording every bucket of the account (logAllS3DataEvents)', () => {
    expectCompliant(RULE, (stack) => {
      healthBucket(stack, 'One');
      healthBucket(stack, 'Two');
      trail(stack).logAllS3DataEvents();
    });
  });

  it('P4: reads and writes recorded by two selectors', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = healthBucket(stack);
      const t = trail(stack);
      t.addS3EventSelector([{ bucket }], { readWriteType: cloudtrail.ReadWriteType.READ_ONLY });
      t.addS3EventSelector([{ bucket }], { readWriteType: cloudtrail.ReadWriteType.WRITE_ONLY });
    });
  });

  it('P5: a foreign template (CfnInclude): Fn::Sub with the bucket name, Fn::Join with Fn::GetAtt Arn', () => {
    for (const value of [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/' }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/']] }]) {
      expectCompliant(RULE, (stack) => {
        include(stack, { Resources: { Bucket: FOREIGN_BUCKET, Trail: foreignTrail([value]) } });
      });
    }
  });

  it('P6: an advanced selector: data events on objects whose ARN starts with the bucket ARN', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = healthBucket(stack);
      advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', StartsWith: [`${bucket.bucketArn}/`] }]);
    });
  });

  it('P7: an advanced selector for every bucket but another one', () => {
    expectCompliant(RULE, (stack) => {
      healthBucket(stack);
      const other = new s3.Bucket(stack, 'Other');
      advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', NotStartsWith: [`${other.bucketArn}/`] }]);
    });
  });

  it('P8: a health-data table (raw L1) recorded by a DynamoDB data-event selector with its ARN', () => {
    expectCompliant(RULE, (stack) => {
      const table = healthTable(stack);
      trail(stack).addEventSelector('AWS::DynamoDB::Table' as cloudtrail.DataResourceType, [table.attrArn]);
    });
  });

  it('P9: a health-data table recorded by an advanced selector whose resources.ARN equals the table ARN', () => {
    expectCompliant(RULE, (stack) => {
      const table = healthTable(stack);
      advancedTrail(stack, [DATA, { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] }, { Field: 'resources.ARN', Equals: [table.attrArn] }]);
    });
  });

  it('P10: a raw L1 trail with no ReadWriteType (CloudFormation default All) naming the table ARN with Fn::Sub', () => {
    expectCompliant(RULE, (stack) => {
      const table = healthTable(stack);
      new cloudtrail.CfnTrail(stack, 'RawTrail', {
        isLogging: true,
        s3BucketName: 'archive',
        eventSelectors: [
          {
            dataResources: [
              {
                type: 'AWS::DynamoDB::Table',
                values: [Fn.sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Table}', { Table: table.ref })],
              },
            ],
          },
        ],
      });
    });
  });

  it('P11: buckets and tables not tagged health-data are not applicable', () => {
    expectCompliant(RULE, (stack) => {
      new s3.Bucket(stack, 'Untagged');
      healthData(new s3.Bucket(stack, 'Logs'), 'logs');
      new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    });
  });

  it('P12: a selector that cannot be evaluated does not hide the coverage another trail gives', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = healthBucket(stack);
      const values = new CfnParameter(stack, 'TracedObjects', { type: 'String' });
      trail(stack, 'Parameterised').addEventSelector(cloudtrail.DataResourceType.S3_OBJECT, [values.valueAsString]);
      trail(stack).addS3EventSelector([{ bucket }]);
    });
  });

  it('P13: a basic selector with two data resources, the table first, then the objects of the bucket', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = healthBucket(stack);
      rawTrail(stack, {
        isMultiRegionTrail: true,
        eventSelectors: [{ dataResources: [{ type: 'AWS::DynamoDB::Table', values: ['arn:aws:dynamodb'] }, { type: 'AWS::S3::Object', values: [objectsOf(bucket)] }] }],
      });
    });
  });

  it('P14: an advanced selector whose resources.ARN Equals lists another table, then this one', () => {
    expectCompliant(RULE, (stack) => {
      const table = healthTable(stack);
      advancedTrail(stack, [DATA, TABLES, { Field: 'resources.ARN', Equals: ['arn:aws:dynamodb:eu-west-3:111111111111:table/other', table.attrArn] }]);
    });
  });

  it('P15: an advanced selector of every object whose ARN starts with arn:aws:s3::: (every bucket)', () => {
    expectCompliant(RULE, (stack) => {
      healthBucket(stack);
      advancedTrail(stack, [DATA, S3_OBJECTS, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::'] }]);
    });
  });

  it('P16: an advanced selector of every table but another one (NotEquals)', () => {
    expectCompliant(RULE, (stack) => {
      healthTable(stack);
      advancedTrail(stack, [DATA, TABLES, { Field: 'resources.ARN', NotEquals: ['arn:aws:dynamodb:eu-west-3:111111111111:table/other'] }]);
    });
  });

  it.each<[string, Record<string, unknown>[][]]>([
    ['P17: reads and writes by two advanced selectors (readOnly Equals true, readOnly Equals false)', [[DATA, S3_OBJECTS, READS], [DATA, S3_OBJECTS, WRITES]]],
    [
      'P18: reads and writes by two advanced selectors (readOnly NotEquals false, readOnly NotEquals true)',
      [
        [DATA, S3_OBJECTS, { Field: 'readOnly', NotEquals: ['false'] }],
        [DATA, S3_OBJECTS, { Field: 'readOnly', NotEquals: ['true'] }],
      ],
    ],
  ])('%s', (_what, selectors) => {
    expectCompliant(RULE, (stack) => {
      healthBucket(stack);
      advancedTrail(stack, ...selectors);
    });
  });

  it('P19: a raw trail with IsMultiRegionTrail absent (single-region) in another stack of the same region', () => {
    expectCompliant(RULE, (stack, app) => {
      basicTrail(stackIn(app, 'Audit'), 'AWS::S3::Object', ['arn:aws:s3']);
      healthBucket(stack);
    });
  });

  it('P20: a multi-region trail in eu-west-3 records a bucket of an eu-west-1 stack', () => {
    expectCompliant(RULE, (stack, app) => {
      basicTrail(stack, 'AWS::S3::Object', ['arn:aws:s3'], { isMultiRegionTrail: true });
      healthBucket(stackIn(app, 'Ireland', 'eu-west-1'));
    });
  });

  it('P21: a single-region trail and the bucket in the same environment-agnostic stack', () => {
    expectCompliant(RULE, (_stack, app) => {
      const agnostic = new Stack(app, 'Agnostic');
      basicTrail(agnostic, 'AWS::S3::Object', [objectsOf(healthBucket(agnostic))]);
    });
  });

  it.each<[string, (stack: Stack, bucket: s3.IBucket) => Partial<cloudtrail.CfnTrailProps>]>([
    [
      'basic',
      (stack, bucket) => ({
        eventSelectors: [
          { dataResources: [{ type: 'AWS::S3::Object', values: [new CfnParameter(stack, 'Unknown', { type: 'String' }).valueAsString] }], readWriteType: 'Everything' },
          { dataResources: [{ type: 'AWS::S3::Object', values: [objectsOf(bucket)] }] },
        ],
      }),
    ],
    [
      'advanced',
      (stack, bucket) => ({
        advancedEventSelectors: [
          { fieldSelectors: [{ field: 'eventCategory', equalTo: [new CfnParameter(stack, 'Unknown', { type: 'String' }).valueAsString] }] },
          { fieldSelectors: [{ field: 'eventCategory', equalTo: ['Data'] }, { field: 'resources.type', equalTo: ['AWS::S3::Object'] }, { field: 'resources.ARN', startsWith: [objectsOf(bucket)] }] },
        ],
      }),
    ],
  ])('P22: an unreadable %s selector does not hide another selector of the same trail that records the bucket', (_kind, selectors) => {
    expectCompliant(RULE, (stack) => rawTrail(stack, selectors(stack, healthBucket(stack))));
  });

  it('P23: a bucket and a table with literal names, recorded by selectors that spell their ARNs from those names', () => {
    expectCompliant(RULE, (stack) => {
      healthData(new s3.Bucket(stack, 'Documents', { bucketName: 'hds-documents' }));
      healthTable(stack).tableName = 'hds-records';
      rawTrail(stack, {
        eventSelectors: [
          {
            dataResources: [
              { type: 'AWS::S3::Object', values: ['arn:aws:s3:::hds-documents/'] },
              { type: 'AWS::DynamoDB::Table', values: ['arn:aws:dynamodb:eu-west-3:111111111111:table/hds-records'] },
            ],
          },
        ],
      });
    });
  });

  it('P24: resources of other types tagged health-data (a queue) are not applicable to this rule', () => {
    expectCompliant(RULE, (stack) => healthData(new sqs.Queue(stack, 'Queue')));
  });
});

describe(`${RULE}: not evaluated`, () => {
  const unknown = (stack: Stack, id = 'Unknown') => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
  /** A health-data bucket and a raw trail in the fixture stack whose properties `trailProps` returns. */
  const withTrail =
    (trailProps: (stack: Stack, bucket: s3.IBucket) => Partial<cloudtrail.CfnTrailProps>): FixtureBuilder =>
    (stack) => {
      rawTrail(stack, { isMultiRegionTrail: true, ...trailProps(stack, healthBucket(stack)) });
    };
  const basic = (selector: (stack: Stack, bucket: s3.IBucket) => cloudtrail.CfnTrail.EventSelectorProperty) =>
    withTrail((stack, bucket) => ({ eventSelectors: [selector(stack, bucket)] }));
  const advanced = (fields: (stack: Stack) => cloudtrail.CfnTrail.AdvancedFieldSelectorProperty[]) =>
    withTrail((stack) => ({ advancedEventSelectors: [{ fieldSelectors: fields(stack) }] }));
  const onObjects = (bucket: s3.IBucket) => [{ type: 'AWS::S3::Object', values: [objectsOf(bucket)] }];
  const overridden = (property: string, value: unknown): FixtureBuilder => (stack) => {
    healthBucket(stack);
    rawTrail(stack, { isMultiRegionTrail: true }).addPropertyOverride(property, value);
  };

  it.each<[string, FixtureBuilder, RegExp]>([
    [
      'a ReadWriteType CloudTrail does not know',
      basic((_stack, bucket) => ({ readWriteType: 'Everything', dataResources: onObjects(bucket) })),
      /TestStack\/RawTrail EventSelectors ReadWriteType cannot be evaluated at synth: "Everything"/,
    ],
    [
      'ReadWriteType from a template parameter',
      basic((stack, bucket) => ({ readWriteType: unknown(stack), dataResources: onObjects(bucket) })),
      /TestStack\/RawTrail EventSelectors ReadWriteType cannot be evaluated at synth: \{"Ref"/,
    ],
    ['DataResources chosen by a condition', overridden('EventSelectors', [{ DataResources: Fn.conditionIf('Traced', [], Aws.NO_VALUE) }]), /TestStack\/RawTrail EventSelectors DataResources cannot be evaluated/],
    [
      'a data-resource Type from a template parameter',
      basic((stack, bucket) => ({ dataResources: [{ type: unknown(stack), values: [objectsOf(bucket)] }] })),
      /TestStack\/RawTrail EventSelectors DataResources Type cannot be evaluated/,
    ],
    [
      'data-resource Values chosen by a condition',
      overridden('EventSelectors', [{ DataResources: [{ Type: 'AWS::S3::Object', Values: Fn.conditionIf('Traced', ['arn:aws:s3'], Aws.NO_VALUE) }] }]),
      /TestStack\/RawTrail EventSelectors DataResources Values cannot be evaluated/,
    ],
    [
      'a data-resource value from a template parameter',
      basic((stack) => ({ dataResources: [{ type: 'AWS::S3::Object', values: [unknown(stack)] }] })),
      /TestStack\/RawTrail EventSelectors DataResources value cannot be evaluated/,
    ],
    ['EventSelectors chosen by a condition', overridden('EventSelectors', Fn.conditionIf('Traced', [], Aws.NO_VALUE)), /TestStack\/RawTrail EventSelectors cannot be evaluated/],
    [
      'AdvancedEventSelectors chosen by a condition',
      overridden('AdvancedEventSelectors', Fn.conditionIf('Traced', [], Aws.NO_VALUE)),
      /TestStack\/RawTrail AdvancedEventSelectors cannot be evaluated/,
    ],
    [
      'FieldSelectors chosen by a condition',
      overridden('AdvancedEventSelectors', [{ FieldSelectors: Fn.conditionIf('Traced', [], Aws.NO_VALUE) }]),
      /TestStack\/RawTrail AdvancedEventSelectors FieldSelectors cannot be evaluated/,
    ],
    ['a Field name from a template parameter', advanced((stack) => [{ field: unknown(stack), equalTo: ['Data'] }]), /TestStack\/RawTrail AdvancedEventSelectors Field cannot be evaluated/],
    [
      'resources.ARN StartsWith chosen by a condition',
      overridden('AdvancedEventSelectors', [{ FieldSelectors: [DATA, S3_OBJECTS, { Field: 'resources.ARN', StartsWith: Fn.conditionIf('Traced', ['arn:aws:s3:::'], Aws.NO_VALUE) }] }]),
      /TestStack\/RawTrail AdvancedEventSelectors resources\.ARN StartsWith cannot be evaluated/,
    ],
    [
      'a resources.ARN StartsWith value from a template parameter',
      advanced((stack) => [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
        { field: 'resources.ARN', startsWith: [unknown(stack)] },
      ]),
      /TestStack\/RawTrail AdvancedEventSelectors resources\.ARN StartsWith cannot be evaluated/,
    ],
    [
      'IsLogging from a template parameter',
      (stack) => {
        healthBucket(stack);
        rawTrail(stack, { isMultiRegionTrail: true }).addPropertyOverride('IsLogging', unknown(stack));
      },
      /TestStack\/RawTrail IsLogging cannot be evaluated/,
    ],
  ])('E1: %s: could not be evaluated, and the verbose pack says where', (_what, build, reason) => {
    expectEvaluationErrorNaming(RULE, build, 'TestStack/Documents/Resource', reason);
  });

  it('E2: IsMultiRegionTrail from a template parameter, the trail in another stack: the region it records is unknown', () => {
    expectEvaluationErrorNaming(
      RULE,
      (stack, app) => {
        basicTrail(stackIn(app, 'Audit'), 'AWS::S3::Object', ['arn:aws:s3']).addPropertyOverride('IsMultiRegionTrail', unknown(stack));
        healthBucket(stack);
      },
      'TestStack/Documents/Resource',
      /Audit\/RawTrail IsMultiRegionTrail cannot be evaluated at synth: .*; Audit\/RawTrail: single-region trail, region of TestStack\/Documents\/Resource unknown at synth/,
    );
  });

  it('E3: a single-region trail in an environment-agnostic stack, the bucket in eu-west-3: its region is unknown at synth', () => {
    expectEvaluationErrorNaming(
      RULE,
      (stack, app) => {
        basicTrail(new Stack(app, 'Agnostic'), 'AWS::S3::Object', ['arn:aws:s3']);
        healthBucket(stack);
      },
      'TestStack/Documents/Resource',
      /\[LOG-02\] data-event coverage could not be evaluated: Agnostic\/RawTrail: single-region trail, region of TestStack\/Documents\/Resource unknown at synth/,
    );
  });
});
