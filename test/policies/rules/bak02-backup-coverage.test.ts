import { CfnParameter, Fn, Stack, Tags, Token, type App } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-BAK02-BackupCoverage';
const TABLE = {
  keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
  attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
  billingMode: 'PAY_PER_REQUEST',
};
const ENV = { account: '111111111111', region: 'eu-west-3' };
const ROLE = 'arn:aws:iam::111111111111:role/backup';

/** A backup plan in `scope` whose only selection is every resource tagged `key=value`. */
function planSelectingTag(scope: Construct, key = 'hds:backup', value = 'true'): backup.BackupPlan {
  const plan = backup.BackupPlan.daily35DayRetention(scope, 'Plan');
  plan.addSelection('Selection', { resources: [backup.BackupResource.fromTag(key, value)] });
  return plan;
}

/** A raw selection, as a foreign template or a hand-written L1 would declare it. */
function rawSelection(
  stack: Stack,
  selection: Omit<backup.CfnBackupSelection.BackupSelectionResourceTypeProperty, 'iamRoleArn' | 'selectionName'>,
  id = 'Selection',
): void {
  const plan = (stack.node.tryFindChild('Plan') as backup.BackupPlan | undefined) ?? backup.BackupPlan.daily35DayRetention(stack, 'Plan');
  new backup.CfnBackupSelection(stack, id, {
    backupPlanId: plan.backupPlanId,
    backupSelection: { iamRoleArn: ROLE, selectionName: id, ...selection },
  });
}

/** A tag condition of a raw selection (`Conditions.StringEquals` and the like). */
function tagIs(key: string, value: string): { ConditionKey: string; ConditionValue: string } {
  return { ConditionKey: `aws:ResourceTag/${key}`, ConditionValue: value };
}

/** A value chosen at deploy time (`Fn::If`): the rule cannot know it at synth. */
function conditional<T>(value: T): T {
  return Fn.conditionIf('Chosen', value, value) as unknown as T;
}

/**
 * Selections the rule cannot evaluate, one per way (the ids say which): each covers nothing, and makes
 * the rule throw for a resource that no evaluable selection covers.
 */
function unevaluableSelections(stack: Stack): void {
  rawSelection(stack, { resources: Token.asList(conditional(['*'])) }, 'ResourcesList');
  rawSelection(stack, { resources: [Token.asString(conditional('*'))] }, 'ResourcesEntry');
  rawSelection(stack, { resources: ['*'], notResources: Token.asList(conditional(['arn:aws:s3:::logs'])) }, 'NotResourcesList');
  rawSelection(stack, { listOfTags: conditional([{ conditionType: 'STRINGEQUALS', conditionKey: 'hds:backup', conditionValue: 'true' }]) }, 'TagsList');
  rawSelection(stack, { resources: ['*'], conditions: { StringEquals: conditional([tagIs('hds:backup', 'true')]) } }, 'ConditionsList');
  rawSelection(stack, { resources: ['*'], conditions: { StringEquals: [{ ConditionKey: 'aws:RequestTag/hds:backup', ConditionValue: 'true' }] } }, 'ConditionKey');
  rawSelection(stack, { resources: ['*'], conditions: { StringLike: [tagIs('hds:backup', Token.asString(conditional('*')))] } }, 'ConditionValue');
  rawSelection(stack, { listOfTags: [{ conditionType: 'STRINGLIKE', conditionKey: 'hds:backup', conditionValue: 'true' }] }, 'TagType');
  rawSelection(stack, { listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: Token.asString(conditional('hds:backup')), conditionValue: 'true' }] }, 'TagKey');
  rawSelection(stack, { listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: 'hds:backup', conditionValue: Token.asString(conditional('true')) }] }, 'TagValue');
  // Template parameters: their value is only known at deploy time, whether alone or inside a string.
  const param = (id: string) => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
  rawSelection(stack, { resources: [param('ResourceParam')] }, 'ResourcesParameter');
  rawSelection(stack, { resources: [`arn:aws:s3:::${param('BucketParam')}`] }, 'ResourcesParameterInArn');
  rawSelection(stack, { listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: 'hds:backup', conditionValue: param('TagParam') }] }, 'TagValueParameter');
  rawSelection(stack, { resources: ['*'], conditions: { StringEquals: [tagIs('hds:backup', param('ConditionParam'))] } }, 'ConditionValueParameter');
}

function tagged<T extends Construct>(construct: T, key = 'hds:backup', value = 'true'): T {
  Tags.of(construct).add(key, value);
  return construct;
}

function cfnTable(scope: Construct, id = 'Table'): dynamodb.CfnTable {
  return new dynamodb.CfnTable(scope, id, {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
  });
}

function cfnCluster(scope: Construct, id = 'Cluster'): rds.CfnDBCluster {
  return new rds.CfnDBCluster(scope, id, { engine: 'aurora-postgresql', storageEncrypted: true });
}

function cfnInstance(scope: Construct, id: string, cluster?: rds.CfnDBCluster): rds.CfnDBInstance {
  return cluster
    ? new rds.CfnDBInstance(scope, id, { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: cluster.ref })
    : new rds.CfnDBInstance(scope, id, { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', storageEncrypted: true });
}

function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

function auroraCluster(stack: Stack): rds.DatabaseCluster {
  return new rds.DatabaseCluster(stack, 'Db', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.provisioned('Writer'),
    vpc: isolatedVpc(stack),
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
}

function secondStack(app: App, id: string): Stack {
  return new Stack(app, id, { env: ENV });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a bucket with no tag, in an app with no backup selection', () => {
    expectNonCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket'), ['TestStack/Bucket/Resource']);
  });

  it('F2: a bucket tagged hds:backup=false while the selection wants hds:backup=true', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'), 'hds:backup', 'false');
        planSelectingTag(stack);
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('F3: a bucket tagged hds:backup=true while the only selection selects another tag key', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'));
        planSelectingTag(stack, 'hds:archive');
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('F4: an untagged Aurora DB cluster (CfnDBCluster)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        cfnCluster(stack);
        planSelectingTag(stack);
      },
      ['TestStack/Cluster'],
    );
  });

  it('F5: an untagged standalone DB instance (CfnDBInstance with no DBClusterIdentifier)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        cfnInstance(stack, 'Instance');
        planSelectingTag(stack);
      },
      ['TestStack/Instance'],
    );
  });

  it('F6: an untagged DynamoDB table (CfnTable)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        cfnTable(stack);
        planSelectingTag(stack);
      },
      ['TestStack/Table'],
    );
  });

  it('F7: an untagged EFS file system (CfnFileSystem)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true });
        planSelectingTag(stack);
      },
      ['TestStack/FileSystem'],
    );
  });

  it('F8: a tagged bucket, while the only selection, in another stack, selects a different tag', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        tagged(new s3.Bucket(stack, 'Bucket'));
        planSelectingTag(secondStack(app, 'BackupStack'), 'hds:archive');
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('F9: an untagged DynamoDB global table (TableV2)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
        planSelectingTag(stack);
      },
      ['TestStack/Table/Resource'],
    );
  });

  it('F10: each uncovered resource is reported on its own, the covered one is not', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Covered'));
        new s3.Bucket(stack, 'Uncovered');
        cfnTable(stack);
        planSelectingTag(stack);
      },
      ['TestStack/Table', 'TestStack/Uncovered/Resource'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a bucket tagged hds:backup=true, and a plan selecting that tag', () => {
    expectCompliant(RULE, (stack) => {
      tagged(new s3.Bucket(stack, 'Bucket'));
      planSelectingTag(stack);
    });
  });

  it('F11: an untagged Aurora cluster with a literal identifier (CfnDBCluster)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true, dbClusterIdentifier: 'patients' });
        planSelectingTag(stack);
      },
      ['TestStack/Cluster'],
    );
  });

  it('F12: an ARN pattern of another region does not cover a DynamoDB table', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new dynamodb.CfnTable(stack, 'Table', { ...TABLE, tableName: 'Patients' });
        rawSelection(stack, { resources: ['arn:aws:dynamodb:eu-west-1:111111111111:table/Patients'] });
      },
      ['TestStack/Table'],
    );
  });

  it('F13: a dot in an ARN pattern is a dot, not any character', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new s3.Bucket(stack, 'Bucket', { bucketName: 'health-records' });
        rawSelection(stack, { resources: ['arn:aws:s3:::health.records'] });
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it("F14: Resources ['*'] with StringEquals hds:backup=true, and a bucket tagged hds:backup=false", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'), 'hds:backup', 'false');
        rawSelection(stack, { resources: ['*'], conditions: { StringEquals: [tagIs('hds:backup', 'true')] } });
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it("F14b: StringEquals compares exactly: hds:backup=* does not cover a bucket tagged hds:backup=true (StringLike would)", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'), 'hds:backup', 'true');
        rawSelection(stack, { resources: ['*'], conditions: { StringEquals: [tagIs('hds:backup', '*')] } });
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it("F15: Resources ['*'] with StringLike hds:backup=*, and a bucket without that tag", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new s3.Bucket(stack, 'Bucket');
        rawSelection(stack, { resources: ['*'], conditions: { StringLike: [tagIs('hds:backup', '*')] } });
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it("F16: Resources ['*'] with StringNotLike hds:backup=fal*, and a bucket tagged hds:backup=false", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'), 'hds:backup', 'false');
        rawSelection(stack, { resources: ['*'], conditions: { StringNotLike: [tagIs('hds:backup', 'fal*')] } });
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('P2a: an untagged bucket selected by its ARN', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromArn(bucket.bucketArn)],
      });
    });
  });

  it('P2b: an untagged DynamoDB table selected by construct (fromDynamoDbTable)', () => {
    expectCompliant(RULE, (stack) => {
      const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromDynamoDbTable(table)],
      });
    });
  });

  it('P2c: an untagged Aurora cluster selected by its DBClusterArn attribute', () => {
    expectCompliant(RULE, (stack) => {
      const cluster = cfnCluster(stack);
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromArn(cluster.attrDbClusterArn)],
      });
    });
  });

  it("P3: a selection of Resources ['*'] with no condition covers every untagged data resource", () => {
    expectCompliant(RULE, (stack) => {
      new s3.Bucket(stack, 'Bucket');
      cfnTable(stack);
      cfnCluster(stack);
      new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true });
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromArn('*')],
      });
    });
  });

  it('P4a: a DB instance inside a cluster is not applicable; the untagged cluster itself is flagged', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        cfnInstance(stack, 'ClusterInstance', cfnCluster(stack));
        planSelectingTag(stack);
      },
      ['TestStack/Cluster'],
    );
  });

  it('P4b: the same with the DatabaseCluster construct: its writer instance is not flagged, the cluster is', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        auroraCluster(stack);
        planSelectingTag(stack);
      },
      ['TestStack/Db/Resource'],
    );
  });

  it('P5: tags applied with Tags.of on a parent construct reach the data resources inside it', () => {
    expectCompliant(RULE, (stack) => {
      const data = tagged(new Construct(stack, 'Data'));
      new s3.Bucket(data, 'Bucket');
      cfnTable(data);
      cfnCluster(data);
      planSelectingTag(stack);
    });
  });

  it('P6: a resource that holds no data (an SNS topic) is never flagged, even untagged with no plan', () => {
    expectCompliant(RULE, (stack) => {
      new sns.Topic(stack, 'Topic');
    });
  });

  it('P7: the tagged resource and the plan in two different stacks of the same app', () => {
    expectCompliant(RULE, (stack, app) => {
      tagged(new s3.Bucket(stack, 'Bucket'));
      planSelectingTag(secondStack(app, 'BackupStack'));
    });
  });

  const BY_ARN_PATTERN: [string, string, FixtureBuilder][] = [
    ['a bucket with a dot in its name', 'arn:aws:s3:::health.records', (stack) => new s3.Bucket(stack, 'Bucket', { bucketName: 'health.records' })],
    [
      'an Aurora cluster (RDS lower-cases identifiers)',
      'arn:aws:rds:eu-west-3:111111111111:cluster:patients',
      (stack) => new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true, dbClusterIdentifier: 'Patients' }),
    ],
    [
      'a standalone DB instance (RDS lower-cases identifiers)',
      'arn:aws:rds:eu-west-3:111111111111:db:records',
      (stack) =>
        new rds.CfnDBInstance(stack, 'Instance', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', dbInstanceIdentifier: 'Records' }),
    ],
    ['a DynamoDB table (names keep their case)', 'arn:aws:dynamodb:eu-west-3:111111111111:table/Patients', (stack) => new dynamodb.CfnTable(stack, 'Table', { ...TABLE, tableName: 'Patients' })],
    [
      'a DynamoDB global table',
      'arn:aws:dynamodb:eu-west-3:111111111111:table/Visits',
      (stack) => new dynamodb.TableV2(stack, 'Table', { tableName: 'Visits', partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }),
    ],
    ['an EFS file system (its id is only known at deploy time)', 'arn:aws:elasticfilesystem:eu-west-3:111111111111:file-system/*', (stack) => new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true })],
  ];

  it.each(BY_ARN_PATTERN)('P8: %s, selected by the literal ARN pattern %s', (_what, pattern, build) => {
    expectCompliant(RULE, (stack, app) => {
      build(stack, app);
      rawSelection(stack, { resources: [pattern] });
    });
  });

  it('P9: tags on a raw selection (ListOfTags STRINGEQUALS), on an EFS file system', () => {
    expectCompliant(RULE, (stack) => {
      tagged(new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true }));
      rawSelection(stack, { listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: 'hds:backup', conditionValue: 'true' }] });
    });
  });

  it("P10: Resources ['*'] with each kind of condition, all met", () => {
    expectCompliant(RULE, (stack) => {
      tagged(tagged(new s3.Bucket(stack, 'Bucket')), 'hds:tier', 'gold');
      rawSelection(stack, {
        resources: ['*'],
        conditions: {
          StringEquals: [tagIs('hds:backup', 'true')],
          StringLike: [tagIs('hds:tier', 'go*')],
          StringNotEquals: [tagIs('hds:backup', 'false')],
          StringNotLike: [tagIs('hds:tier', 'bro*')],
        },
      });
    });
  });

  it("P11: Resources ['*'] with StringNotEquals and StringNotLike on a tag the bucket does not have", () => {
    expectCompliant(RULE, (stack) => {
      new s3.Bucket(stack, 'Bucket');
      rawSelection(stack, {
        resources: ['*'],
        conditions: { StringNotEquals: [tagIs('hds:backup', 'false')], StringNotLike: [tagIs('hds:backup', 'fal*')] },
      });
    });
  });

  it('P12: a bucket in a selection that can be evaluated, next to selections that cannot', () => {
    expectCompliant(RULE, (stack) => {
      tagged(new s3.Bucket(stack, 'Bucket'));
      unevaluableSelections(stack);
      rawSelection(stack, { listOfTags: [{ conditionType: 'STRINGEQUALS', conditionKey: 'hds:backup', conditionValue: 'true' }] });
    });
  });
});

/**
 * Defects found in review of the first version of the rule (which matched only `attrArn` in the same stack,
 * ignored NotResources and every condition but StringEquals, and ORed conditions), now fixed: each fixture
 * asserts what the rule must report. `was` records the wrong answer of the first version.
 */
function regression(name: string, paths: { should: string[]; was: string[] }, build: FixtureBuilder): void {
  it(`${name}: reports [${paths.should.join(', ')}] (the first version reported [${paths.was.join(', ')}])`, () => {
    expect(paths.was).not.toStrictEqual(paths.should);
    expectNonCompliant(RULE, build, paths.should);
  });
}

describe(`${RULE}: regression fixtures`, () => {
  // Covered resources reported as uncovered: the rule matches a selection's Resources only against
  // JSON.stringify(resolve(attrArn ?? attrDbClusterArn)) in the resource's own stack, and CDK spells these
  // ARNs otherwise (Fn::Join over Ref, Fn::ImportValue across stacks), or the resource has no attrArn.
  regression(
    'BUG-1: an Aurora cluster selected with BackupResource.fromRdsDatabaseCluster',
    { should: [], was: ['TestStack/Db/Resource'] },
    (stack) => {
      const cluster = auroraCluster(stack);
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromRdsDatabaseCluster(cluster)],
      });
    },
  );

  regression(
    'BUG-2: an EFS file system selected with BackupResource.fromEfsFileSystem',
    { should: [], was: ['TestStack/FileSystem/Resource'] },
    (stack) => {
      const fileSystem = new efs.FileSystem(stack, 'FileSystem', { vpc: isolatedVpc(stack) });
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromEfsFileSystem(fileSystem)],
      });
    },
  );

  regression(
    'BUG-3: a DynamoDB table selected with BackupResource.fromConstruct',
    { should: [], was: ['TestStack/Table/Resource'] },
    (stack) => {
      const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromConstruct(table)],
      });
    },
  );

  regression(
    'BUG-4: a standalone DB instance selected by its DBInstanceArn attribute',
    { should: [], was: ['TestStack/Instance'] },
    (stack) => {
      const instance = cfnInstance(stack, 'Instance');
      backup.BackupPlan.daily35DayRetention(stack, 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromArn(instance.attrDbInstanceArn)],
      });
    },
  );

  regression(
    'BUG-5: a bucket selected by ARN from a plan in another stack',
    { should: [], was: ['TestStack/Bucket/Resource'] },
    (stack, app) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      backup.BackupPlan.daily35DayRetention(secondStack(app, 'BackupStack'), 'Plan').addSelection('Selection', {
        resources: [backup.BackupResource.fromArn(bucket.bucketArn)],
      });
    },
  );

  // TagManager.of(CfnGlobalTable) is undefined: its tags live in Replicas[].Tags, which the rule never reads.
  regression(
    'BUG-6: a TableV2 (global table) tagged hds:backup=true, with a plan selecting that tag',
    { should: [], was: ['TestStack/Table/Resource'] },
    (stack) => {
      tagged(new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }));
      planSelectingTag(stack);
    },
  );

  // Uncovered resources reported as covered (false compliance): the rule ignores NotResources and every
  // condition but StringEquals, ORs the StringEquals conditions together and with Resources, where AWS
  // Backup ANDs them (CloudFormation reference, BackupSelectionResourceType.Conditions).
  regression(
    "BUG-7: Resources ['*'] with the bucket in NotResources",
    { should: ['TestStack/Bucket/Resource'], was: [] },
    (stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      rawSelection(stack, { resources: ['*'], notResources: [bucket.bucketArn] });
    },
  );

  regression(
    "BUG-8: Resources ['*'] with StringNotEquals hds:backup=false, and a bucket tagged hds:backup=false",
    { should: ['TestStack/Bucket/Resource'], was: [] },
    (stack) => {
      tagged(new s3.Bucket(stack, 'Bucket'), 'hds:backup', 'false');
      rawSelection(stack, {
        resources: ['*'],
        conditions: { StringNotEquals: [{ ConditionKey: 'aws:ResourceTag/hds:backup', ConditionValue: 'false' }] },
      });
    },
  );

  regression(
    'BUG-9: two StringEquals conditions (AND), and a bucket with only one of the two tags',
    { should: ['TestStack/Bucket/Resource'], was: [] },
    (stack) => {
      tagged(new s3.Bucket(stack, 'Bucket'));
      rawSelection(stack, {
        resources: ['*'],
        conditions: {
          StringEquals: [
            { ConditionKey: 'aws:ResourceTag/hds:backup', ConditionValue: 'true' },
            { ConditionKey: 'aws:ResourceTag/hds:tier', ConditionValue: 'gold' },
          ],
        },
      });
    },
  );

  regression(
    'BUG-10: a selection of S3 buckets tagged hds:backup=true, and a DynamoDB table with that tag',
    { should: ['TestStack/Table'], was: [] },
    (stack) => {
      tagged(cfnTable(stack));
      rawSelection(stack, {
        resources: ['arn:aws:s3:::*'],
        conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/hds:backup', ConditionValue: 'true' }] },
      });
    },
  );
});

describe(`${RULE}: selections that cannot be evaluated`, () => {
  it.each([
    ['Resources is not a list (Fn::If)', 'ResourcesList'],
    ['a Resources entry is neither an ARN pattern nor a reference (Fn::If)', 'ResourcesEntry'],
    ['NotResources is not a list (Fn::If)', 'NotResourcesList'],
    ['ListOfTags is not a list (Fn::If)', 'TagsList'],
    ['Conditions.StringEquals is not a list (Fn::If)', 'ConditionsList'],
    ['a condition on another key than aws:ResourceTag/...', 'ConditionKey'],
    ['a condition value chosen at deploy time (Fn::If)', 'ConditionValue'],
    ['a ListOfTags entry of another type than STRINGEQUALS', 'TagType'],
    ['a ListOfTags key chosen at deploy time (Fn::If)', 'TagKey'],
    ['a ListOfTags value chosen at deploy time (Fn::If)', 'TagValue'],
    ['a Resources entry that is a template parameter', 'ResourcesParameter'],
    ['a Resources ARN that contains a template parameter', 'ResourcesParameterInArn'],
    ['a ListOfTags value that is a template parameter', 'TagValueParameter'],
    ['a condition value that is a template parameter', 'ConditionValueParameter'],
  ])('E1: the only selection cannot be evaluated (%s): the bucket could not be evaluated', (_what, id) => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'));
        unevaluableSelections(stack);
        for (const child of stack.node.children) {
          if (child instanceof backup.CfnBackupSelection && child.node.id !== id) stack.node.tryRemoveChild(child.node.id);
        }
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('E2: every reason is in the description when the pack is verbose', () => {
    const description = verboseDescription(RULE, (stack) => {
      new s3.Bucket(stack, 'Bucket');
      unevaluableSelections(stack);
    });
    for (const reason of [
      /TestStack\/ResourcesList: Resources is not a list/,
      /TestStack\/ResourcesEntry: resource entry .* is neither an ARN pattern nor a reference/,
      /TestStack\/NotResourcesList: NotResources is not a list/,
      /TestStack\/TagsList: ListOfTags is not a list/,
      /TestStack\/ConditionsList: Conditions\.stringEquals is not a list/,
      /TestStack\/ConditionKey: condition .* is not a literal aws:ResourceTag condition; /,
      /TestStack\/ConditionValue: condition .* is not a literal aws:ResourceTag condition/,
      /TestStack\/TagType: ListOfTags entry .* is not a literal STRINGEQUALS tag/,
      /TestStack\/ResourcesParameter: resource entry TestStack\/ResourceParam depends on a template parameter, not known at synth/,
      /TestStack\/ResourcesParameterInArn: resource entry arn:aws:s3:::TestStack\/BucketParam depends on a template parameter/,
    ]) {
      expect(description).toMatch(reason);
    }
    expect(description).toMatch(/\[BAK-02\] backup coverage could not be evaluated: /);
  });
});
