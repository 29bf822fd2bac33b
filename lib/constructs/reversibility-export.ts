import * as path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { IAM_ACTIONS } from '../../lambdas/export/permissions';
import { recordControls } from '../controls';
import { CLASSIFICATION_TAG_KEY } from './health-data-store';
import { customerManagedKey } from './platform-keys';
import { createPrivateFunction } from './private-function';
import { SecureBucket } from './secure-bucket';

/** Where the export function's source lives. */
export const REVERSIBILITY_EXPORT_ENTRY = path.join(__dirname, '..', '..', 'lambdas', 'export', 'index.ts');
/** Runbook of the handover and of the destruction of every copy. */
export const REVERSIBILITY_RUNBOOK = 'docs/runbooks/reversibility.md';

export interface ReversibilityExportProps {
  /** Prefix of the export key alias: `alias/<prefix>/export`. */
  readonly aliasPrefix: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly vpcCidr: string;
  /** The documents bucket and the key it is encrypted with (the function decrypts while copying). */
  readonly documents: s3.IBucket;
  readonly dataKey: kms.IKey;
  /** Identifier of the Aurora cluster whose latest snapshot is exported. */
  readonly clusterIdentifier: string;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Receives the export bucket's server access logs (LOG-05). */
  readonly accessLogs: s3.IBucket;
  /** Told when an export fails (DET-03). */
  readonly alertTopic: sns.ITopic;
}

/**
 * Reversibility (DATA-03, HDS EXI 27): a Step Functions state machine that hands all of the platform's data
 * back in open formats. Started with `{ "exportId": "handover-2026-11" }`, it exports the latest snapshot of
 * the Aurora cluster to Parquet (RDS export task), copies every current document, and writes a manifest
 * listing every file with its size and SHA-256 (`manifest.json`, and `manifest.json.sha256` for
 * `sha256sum -c`), all under `exports/<exportId>/` of an export bucket encrypted with a key of its own.
 *
 * The export key is separate from the data key on purpose: it can be granted to whoever receives the data,
 * and scheduling its deletion destroys every copy of the export at once (docs/runbooks/reversibility.md).
 */
export class ReversibilityExport extends Construct {
  public readonly key: kms.Key;
  public readonly bucket: s3.Bucket;
  public readonly function: nodejs.NodejsFunction;
  public readonly functionPolicy: iam.ManagedPolicy;
  /** The role RDS assumes to write the database export. */
  public readonly rdsExportRole: iam.Role;
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ReversibilityExportProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const via = (...services: string[]) => services.map((s) => `${s}.${stack.region}.amazonaws.com`);

    // StartExportTask makes the caller create a grant for RDS's export, on the caller's behalf: grants through RDS.
    this.key = customerManagedKey(this, 'Key', {
      alias: `alias/${props.aliasPrefix}/export`,
      description: 'hds-blueprint: reversibility exports (DATA-03); deleting it destroys every exported copy',
      viaServices: via('s3', 'rds'),
      grantViaServices: via('rds'),
    });
    recordControls(this.key, 'ENC-01', 'DATA-03');

    this.bucket = new SecureBucket(this, 'Bucket', {
      encryption: { key: this.key },
      serverAccessLogs: { bucket: props.accessLogs, prefix: 'exports/' },
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    }).bucket;
    // A copy of all the health data: its reads and writes are traced like the original's (LOG-02).
    Tags.of(this.bucket).add(CLASSIFICATION_TAG_KEY, 'health-data');
    recordControls(this.bucket, 'ENC-02', 'ENC-03', 'LOG-05', 'DATA-03');

    this.rdsExportRole = new iam.Role(this, 'RdsExportRole', {
      assumedBy: new iam.ServicePrincipal('export.rds.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'RDS snapshot export (DATA-03): writes Parquet files under exports/ of the export bucket',
    });
    new iam.ManagedPolicy(this, 'RdsExportPolicy', {
      description: 'RDS snapshot export (DATA-03): the export bucket only',
      roles: [this.rdsExportRole],
      statements: [
        new iam.PolicyStatement({ sid: 'ExportBucket', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [this.bucket.bucketArn] }),
        new iam.PolicyStatement({
          sid: 'ExportFiles',
          actions: ['s3:PutObject*', 's3:GetObject*', 's3:DeleteObject*'],
          resources: [this.bucket.arnForObjects('exports/*')],
        }),
        // The files it writes are encrypted with the export key (the bucket's default, and the task's key).
        new iam.PolicyStatement({
          sid: 'ExportKey',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
          resources: [this.key.keyArn],
        }),
      ],
    });

    const snapshots = stack.formatArn({ service: 'rds', resource: 'cluster-snapshot', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const cluster = stack.formatArn({ service: 'rds', resource: 'cluster', resourceName: props.clusterIdentifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const fn = createPrivateFunction(this, 'Function', {
      entry: REVERSIBILITY_EXPORT_ENTRY,
      description: 'hds-blueprint: exports the platform data with a manifest of checksums (DATA-03)',
      roleDescription: 'Reversibility export (DATA-03): reads documents and snapshots, writes the export bucket',
      vpc: props.vpc,
      subnets: props.subnets,
      vpcCidr: props.vpcCidr,
      logsKey: props.logsKey,
      logRetention: props.logRetention,
      statements: [
        new iam.PolicyStatement({ sid: 'FindSnapshots', actions: ['rds:DescribeDBClusterSnapshots'], resources: [cluster, snapshots] }),
        new iam.PolicyStatement({ sid: 'ExportSnapshots', actions: ['rds:StartExportTask'], resources: [snapshots] }),
        // RDS has no resource-level permission for DescribeExportTasks.
        new iam.PolicyStatement({ sid: 'FollowExports', actions: ['rds:DescribeExportTasks'], resources: ['*'] }),
        new iam.PolicyStatement({
          sid: 'PassTheExportRoleToRds',
          actions: ['iam:PassRole'],
          resources: [this.rdsExportRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'export.rds.amazonaws.com' } },
        }),
        new iam.PolicyStatement({ sid: 'ExportKey', actions: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.key.keyArn] }),
        new iam.PolicyStatement({
          sid: 'ReadDocumentsThroughS3',
          actions: ['kms:Decrypt'],
          resources: [props.dataKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
        new iam.PolicyStatement({ sid: 'ListBuckets', actions: ['s3:ListBucket'], resources: [props.documents.bucketArn, this.bucket.bucketArn] }),
        new iam.PolicyStatement({ sid: 'ReadDocuments', actions: ['s3:GetObject'], resources: [props.documents.arnForObjects('*')] }),
        new iam.PolicyStatement({
          sid: 'WriteAndHashTheExport',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: [this.bucket.arnForObjects('exports/*')],
        }),
      ],
      requiredActions: IAM_ACTIONS,
      memorySize: 1769,
      timeout: Duration.minutes(15),
      reservedConcurrentExecutions: 2,
      // Called by the state machine, which retries and reports failures itself.
      deadLetters: false,
      environment: {
        DB_CLUSTER_IDENTIFIER: props.clusterIdentifier,
        DOCUMENTS_BUCKET: props.documents.bucketName,
        EXPORT_BUCKET: this.bucket.bucketName,
        EXPORT_KEY_ARN: this.key.keyArn,
        EXPORT_ROLE_ARN: this.rdsExportRole.roleArn,
      },
    });
    this.function = fn.function;
    this.functionPolicy = fn.policy;
    recordControls(this.function, 'DATA-03');

    this.stateMachine = this.buildStateMachine(props);
  }

  private buildStateMachine(props: ReversibilityExportProps): sfn.StateMachine {
    // A request is either written here (`payload`) or prepared by a Pass state and read from the state
    // (`inputPath`): with payloadResponseOnly, CDK writes a `fromJsonPathAt` payload as a literal string
    // (aws/aws-cdk#34260), so the prepared request is given as the task's input instead.
    const call = (id: string, request: sfn.TaskInput | { readonly inputPath: string }, resultPath: string) =>
      new tasks.LambdaInvoke(this, id, {
        lambdaFunction: this.function,
        ...(request instanceof sfn.TaskInput ? { payload: request } : { inputPath: request.inputPath }),
        payloadResponseOnly: true,
        resultPath,
        retryOnServiceExceptions: true,
      });
    const exportId = sfn.JsonPath.stringAt('$.exportId');

    const start = call('Start', sfn.TaskInput.fromObject({ action: 'start', exportId }), '$.start');
    const wait = new sfn.Wait(this, 'WaitForDatabaseExport', { time: sfn.WaitTime.duration(Duration.minutes(5)) });
    const status = call('DatabaseExportStatus', sfn.TaskInput.fromObject({ action: 'status', exportId }), '$.status');
    const exportFailed = new sfn.Fail(this, 'DatabaseExportFailed', { error: 'DatabaseExportFailed', causePath: '$.status.detail' });

    const copyFirst = new sfn.Pass(this, 'CopyDocumentsFirstPage', { parameters: { action: 'copy-documents', exportId }, resultPath: '$.copyRequest' });
    const copy = call('CopyDocuments', { inputPath: '$.copyRequest' }, '$.copy');
    const copyNext = new sfn.Pass(this, 'CopyDocumentsNextPage', {
      parameters: { action: 'copy-documents', exportId, continuationToken: sfn.JsonPath.stringAt('$.copy.continuationToken') },
      resultPath: '$.copyRequest',
    });
    const manifestFirst = new sfn.Pass(this, 'ManifestFirstPart', { parameters: { action: 'manifest', exportId }, resultPath: '$.manifestRequest' });
    const manifest = call('HashFiles', { inputPath: '$.manifestRequest' }, '$.manifestPart');
    const manifestNext = new sfn.Pass(this, 'ManifestNextPart', {
      parameters: {
        action: 'manifest',
        exportId,
        continuationToken: sfn.JsonPath.stringAt('$.manifestPart.continuationToken'),
        part: sfn.JsonPath.numberAt('$.manifestPart.part'),
      },
      resultPath: '$.manifestRequest',
    });
    const finalize = call('WriteManifest', sfn.TaskInput.fromObject({ action: 'finalize', exportId }), '$.manifest');

    const definition = new sfn.Choice(this, 'HasExportId')
      .when(sfn.Condition.isPresent('$.exportId'), start)
      .otherwise(new sfn.Fail(this, 'MissingExportId', { error: 'MissingExportId', cause: 'Start the execution with {"exportId": "handover-2026-11"} (lower-case letters, digits, hyphens)' }));
    start.next(wait);
    wait.next(status);
    status.next(
      new sfn.Choice(this, 'DatabaseExported')
        .when(sfn.Condition.stringEquals('$.status.status', 'complete'), copyFirst)
        .when(sfn.Condition.stringEquals('$.status.status', 'failed'), exportFailed)
        .otherwise(wait),
    );
    copyFirst.next(copy);
    copy.next(new sfn.Choice(this, 'DocumentsCopied').when(sfn.Condition.booleanEquals('$.copy.done', true), manifestFirst).otherwise(copyNext));
    copyNext.next(copy);
    manifestFirst.next(manifest);
    manifest.next(new sfn.Choice(this, 'FilesHashed').when(sfn.Condition.booleanEquals('$.manifestPart.done', true), finalize).otherwise(manifestNext));
    manifestNext.next(manifest);
    finalize.next(new sfn.Succeed(this, 'Exported'));

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    recordControls(logGroup, 'LOG-04');
    const machine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      comment: `Reversibility export (DATA-03): database snapshot to Parquet, documents, manifest with SHA-256. Runbook: ${REVERSIBILITY_RUNBOOK}`,
      timeout: Duration.days(3),
      tracingEnabled: true,
      // Execution data holds object keys (continuation tokens): kept out of the logs, in the execution history only.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    recordControls(machine, 'DATA-03');

    new events.Rule(this, 'OnExportFailed', {
      description: 'Reversibility export failed, timed out or was aborted: alert (DATA-03, DET-03)',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [machine.stateMachineArn] },
      },
      targets: [
        new targets.SnsTopic(props.alertTopic, {
          message: events.RuleTargetInput.fromText(
            `[DATA-03] Reversibility export ${events.EventField.fromPath('$.detail.name')} ended ${events.EventField.fromPath('$.detail.status')}. What to do: ${REVERSIBILITY_RUNBOOK}`,
          ),
        }),
      ],
    });
    return machine;
  }
}
