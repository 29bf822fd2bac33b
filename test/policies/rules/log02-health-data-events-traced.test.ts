import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnParameter, Fn, Stack, Tags, type App } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationError, expectNonCompliant } from './log-support';

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

/** A trail whose only data-event selector is the advanced selector `fieldSelectors`. */
function advancedTrail(scope: Construct, fieldSelectors: Record<string, unknown>[]): cloudtrail.Trail {
  const t = trail(scope);
  cfn(t).addPropertyOverride('AdvancedEventSelectors', [{ FieldSelectors: fieldSelectors }]);
  return t;
}

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
});
