import { Aws, CfnCondition, Fn, Stack, Tags, Token, type App, type CfnResource } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IApplyRule } from 'cdk-nag';
import { isControlId } from '../../policies/catalogue';
import { HDS_PLUGIN_NAME, HdsChecks } from '../../policies/hds-checks';
import { BACKED_UP_TYPES } from '../../policies/rules/bak/backup-coverage';
import { findings, type FixtureBuilder } from './support';

/**
 * The pack's rule inventory. Adding or dropping a rule changes this list on purpose, in a reviewed diff
 * (STYLE.md 12).
 */
const INVENTORY = ['HDS-BAK02-BackupCoverage'];

/** HdsChecks that records every rule it applies and every resource type it visits, then checks as usual. */
class RecordingHdsChecks extends HdsChecks {
  /** Rule id -> the parameters of every application of that rule. */
  public readonly applied = new Map<string, IApplyRule[]>();
  public readonly visitedTypes = new Set<string>();

  protected checkResource(node: CfnResource): void {
    this.visitedTypes.add(node.cfnResourceType);
    super.checkResource(node);
  }

  protected applyRule(params: IApplyRule): void {
    // The rule id as cdk-nag builds it (NagPack.applyRule).
    const id = `${this.readPackName}-${params.ruleSuffixOverride ? params.ruleSuffixOverride : params.rule.name}`;
    this.applied.set(id, [...(this.applied.get(id) ?? []), params]);
    super.applyRule(params);
  }
}

/**
 * One of each kind of resource the platform is made of, built with defaults (no hardening, no tags, no
 * selection covering the data stores), plus an environment-agnostic stack and one outside the allow-list,
 * so that rules dispatched per resource type or per stack all run and report. A new rule that finds nothing
 * here needs a violating resource added. (The L1 DB instance is encrypted only to keep CDK's built-in
 * CloudFormation warning out of the test output.)
 */
const everyKind: FixtureBuilder = (stack: Stack, app: App) => {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  new kms.Key(stack, 'Key');
  new s3.Bucket(stack, 'Bucket');
  const cluster = new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', storageEncrypted: true });
  new rds.CfnDBInstance(stack, 'ClusterInstance', {
    engine: 'aurora-postgresql',
    dbInstanceClass: 'db.r6g.large',
    dbClusterIdentifier: cluster.ref,
  });
  new rds.CfnDBInstance(stack, 'Instance', {
    engine: 'postgres',
    dbInstanceClass: 'db.t4g.micro',
    allocatedStorage: '20',
    storageEncrypted: true,
  });
  new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  new dynamodb.TableV2(stack, 'GlobalTable', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  new efs.FileSystem(stack, 'FileSystem', { vpc });
  new sns.Topic(stack, 'Topic');
  new sqs.Queue(stack, 'Queue');
  new logs.LogGroup(stack, 'Logs');
  new secretsmanager.Secret(stack, 'Secret');
  new ec2.SecurityGroup(stack, 'SecurityGroup', { vpc });
  new lambda.Function(stack, 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan');
  plan.addSelection('Selection', { resources: [backup.BackupResource.fromTag('hds:backup', 'true')] });

  new s3.Bucket(new Stack(app, 'Unpinned'), 'Bucket');
  new s3.Bucket(new Stack(app, 'Virginia', { env: { account: '111111111111', region: 'us-east-1' } }), 'Bucket');
};

describe('HdsChecks', () => {
  let pack: RecordingHdsChecks;
  let found: ReturnType<typeof findings>;

  beforeAll(() => {
    pack = new RecordingHdsChecks();
    found = findings(everyKind, pack);
  });

  it('is the HdsChecks plugin with the HDS rule prefix', () => {
    expect(pack.name).toBe(HDS_PLUGIN_NAME);
    expect(pack.readPackName).toBe('HDS');
  });

  it('visits every resource type the fixture is meant to cover, including every type BAK-02 backs up', () => {
    for (const type of [...BACKED_UP_TYPES, 'AWS::SNS::Topic', 'AWS::IAM::Role', 'AWS::Lambda::Function']) {
      expect(pack.visitedTypes).toContain(type);
    }
  });

  it('has exactly the pinned rule inventory: every rule applied, and every rule id reported', () => {
    expect([...pack.applied.keys()].sort()).toStrictEqual([...INVENTORY].sort());
    // Rule ids reported outside applyRule (a stack-wide check in a validateScope override) count too.
    const reported = [...new Set(found.map((f) => f.rule.replace(/\[.*\]$/, '')))];
    expect(reported.filter((id) => !INVENTORY.includes(id))).toStrictEqual([]);
  });

  it('evaluates every rule on the fixture without an error, and reports each rule at least once', () => {
    expect(found.filter((f) => f.evaluationError)).toStrictEqual([]);
    expect([...new Set(found.map((f) => f.rule))].sort()).toStrictEqual([...INVENTORY].sort());
  });

  it('cites, in every rule, a control id of the catalogue as [XXX-NN], the one its rule id names, and the fix', () => {
    for (const [id, applications] of pack.applied) {
      for (const { info, explanation } of applications) {
        const cited = /^\[([A-Z]+-\d{2})\] /.exec(info)?.[1];
        expect({ id, cited, known: cited !== undefined && isControlId(cited) }).toStrictEqual({ id, cited, known: true });
        // HDS-BAK02-BackupCoverage cites [BAK-02].
        expect(id).toMatch(new RegExp(`^HDS-${cited?.replace('-', '')}-[A-Za-z0-9]+$`));
        expect(info).toMatch(/ Fix: \S/);
        expect(explanation.trim()).not.toBe('');
      }
    }
  });

  it('cites a control id of the catalogue as [XXX-NN] in the description of every finding', () => {
    expect(found.length).toBeGreaterThan(0);
    for (const { rule, description } of found) {
      const cited = /^\[([A-Z]+-\d{2})\] /.exec(description)?.[1];
      expect({ rule, cited, known: cited !== undefined && isControlId(cited) }).toStrictEqual({ rule, cited, known: true });
    }
  });
});

describe('a rule that throws', () => {
  /**
   * An app with a selection whose Resources is an Fn::If (valid CloudFormation, e.g. from an included
   * template), which BAK-02 cannot evaluate at synth. A bucket another selection covers stays compliant; a
   * bucket no evaluable selection covers cannot be judged, and must be reported as such, never as compliant.
   */
  function bucketBeside(options: { conditionalSelection: boolean; tagged: boolean }): FixtureBuilder {
    return (stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      if (options.tagged) Tags.of(bucket).add('hds:backup', 'true');
      const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan');
      plan.addSelection('Tagged', { resources: [backup.BackupResource.fromTag('hds:backup', 'true')] });
      if (!options.conditionalSelection) return;
      const everything = new CfnCondition(stack, 'BackUpEverything', {
        expression: Fn.conditionEquals(Aws.REGION, 'eu-west-3'),
      });
      new backup.CfnBackupSelection(stack, 'Conditional', {
        backupPlanId: plan.backupPlanId,
        backupSelection: {
          iamRoleArn: 'arn:aws:iam::111111111111:role/backup',
          selectionName: 'conditional',
          resources: Token.asList(Fn.conditionIf(everything.logicalId, ['*'], Aws.NO_VALUE)),
        },
      });
    };
  }

  it('is compliant without the unevaluable selection (the control case)', () => {
    expect(findings(bucketBeside({ conditionalSelection: false, tagged: true }))).toStrictEqual([]);
  });

  it('does not let an unevaluable selection hide a resource another selection covers', () => {
    expect(findings(bucketBeside({ conditionalSelection: true, tagged: true }))).toStrictEqual([]);
  });

  it('reports an uncovered resource as an evaluation error when a selection could not be evaluated, never as compliant', () => {
    const found = findings(bucketBeside({ conditionalSelection: true, tagged: false }));
    expect(found.map(({ rule, path, evaluationError }) => ({ rule, path, evaluationError }))).toStrictEqual([
      { rule: 'HDS-BAK02-BackupCoverage', path: 'TestStack/Bucket/Resource', evaluationError: true },
    ]);
  });

  it('carries the reason in the description when the pack is verbose', () => {
    const [finding] = findings(bucketBeside({ conditionalSelection: true, tagged: false }), new HdsChecks(undefined, { verbose: true }));
    expect(finding.description).toMatch(
      /^Rule threw an error during validation\. \[BAK-02\] backup coverage could not be evaluated: TestStack\/Conditional: Resources is not a list/,
    );
  });
});
