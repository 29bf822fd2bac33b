import { Stack, Tags, type App } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { expectCompliant, expectFindings, type FixtureBuilder } from '../support';

const RULE = 'HDS-BAK02-BackupCoverage';
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
): void {
  const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan');
  new backup.CfnBackupSelection(stack, 'Selection', {
    backupPlanId: plan.backupPlanId,
    backupSelection: { iamRoleArn: ROLE, selectionName: 'raw', ...selection },
  });
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
    expectFindings(RULE, (stack) => new s3.Bucket(stack, 'Bucket'), ['TestStack/Bucket/Resource']);
  });

  it('F2: a bucket tagged hds:backup=false while the selection wants hds:backup=true', () => {
    expectFindings(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'), 'hds:backup', 'false');
        planSelectingTag(stack);
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('F3: a bucket tagged hds:backup=true while the only selection selects another tag key', () => {
    expectFindings(
      RULE,
      (stack) => {
        tagged(new s3.Bucket(stack, 'Bucket'));
        planSelectingTag(stack, 'hds:archive');
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('F4: an untagged Aurora DB cluster (CfnDBCluster)', () => {
    expectFindings(
      RULE,
      (stack) => {
        cfnCluster(stack);
        planSelectingTag(stack);
      },
      ['TestStack/Cluster'],
    );
  });

  it('F5: an untagged standalone DB instance (CfnDBInstance with no DBClusterIdentifier)', () => {
    expectFindings(
      RULE,
      (stack) => {
        cfnInstance(stack, 'Instance');
        planSelectingTag(stack);
      },
      ['TestStack/Instance'],
    );
  });

  it('F6: an untagged DynamoDB table (CfnTable)', () => {
    expectFindings(
      RULE,
      (stack) => {
        cfnTable(stack);
        planSelectingTag(stack);
      },
      ['TestStack/Table'],
    );
  });

  it('F7: an untagged EFS file system (CfnFileSystem)', () => {
    expectFindings(
      RULE,
      (stack) => {
        new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true });
        planSelectingTag(stack);
      },
      ['TestStack/FileSystem'],
    );
  });

  it('F8: a tagged bucket, while the only selection, in another stack, selects a different tag', () => {
    expectFindings(
      RULE,
      (stack, app) => {
        tagged(new s3.Bucket(stack, 'Bucket'));
        planSelectingTag(secondStack(app, 'BackupStack'), 'hds:archive');
      },
      ['TestStack/Bucket/Resource'],
    );
  });

  it('F9: an untagged DynamoDB global table (TableV2)', () => {
    expectFindings(
      RULE,
      (stack) => {
        new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
        planSelectingTag(stack);
      },
      ['TestStack/Table/Resource'],
    );
  });

  it('F10: each uncovered resource is reported on its own, the covered one is not', () => {
    expectFindings(
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
    expectFindings(
      RULE,
      (stack) => {
        cfnInstance(stack, 'ClusterInstance', cfnCluster(stack));
        planSelectingTag(stack);
      },
      ['TestStack/Cluster'],
    );
  });

  it('P4b: the same with the DatabaseCluster construct: its writer instance is not flagged, the cluster is', () => {
    expectFindings(
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
});

/**
 * Defects found in review of the first version of the rule (which matched only `attrArn` in the same stack,
 * ignored NotResources and every condition but StringEquals, and ORed conditions), now fixed: each fixture
 * asserts what the rule must report. `was` records the wrong answer of the first version.
 */
function regression(name: string, paths: { should: string[]; was: string[] }, build: FixtureBuilder): void {
  it(`${name}: reports [${paths.should.join(', ')}] (the first version reported [${paths.was.join(', ')}])`, () => {
    expect(paths.was).not.toStrictEqual(paths.should);
    expectFindings(RULE, build, paths.should);
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
