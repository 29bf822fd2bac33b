import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IAM_ACTIONS } from '../../lambdas/export/permissions';
import { REVERSIBILITY_RUNBOOK, ReversibilityExport } from '../../lib/constructs/reversibility-export';
import { testApp, testStack, testVpc } from '../support/app';

const ACCOUNT = '111111111111';
const CLUSTER = 'hds-db';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

type PolicyDocument = { Statement: Statement[] };

/** A state of the definition, as far as these tests read it. */
interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Variable: string; Next: string; [test: string]: unknown }[];
  Parameters?: unknown;
  InputPath?: string;
  ResultPath?: string;
  Resource?: string;
  Error?: string;
  Cause?: string;
  CausePath?: string;
}

interface Definition {
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}

const actionsOf = (s: Statement) => [s.Action].flat();
const resourcesOf = (s: Statement) => [s.Resource].flat();
const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/** A token of the definition, as a placeholder: `<Logical.Attribute>` for Fn::GetAtt, `<Logical>` for Ref. */
function placeholder(token: unknown): string {
  const t = token as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  if (t['Fn::GetAtt']) return `<${t['Fn::GetAtt'].join('.')}>`;
  if (t.Ref) return `<${t.Ref}>`;
  throw new Error(`unexpected token in the definition: ${JSON.stringify(token)}`);
}

/** The DefinitionString (an Fn::Join of literal JSON and tokens), parsed, with tokens as placeholders. */
function parseDefinition(definitionString: unknown): Definition {
  const [separator, parts] = (definitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : placeholder(p))).join(separator)) as Definition;
}

function build() {
  // These tests read the template, not the bundle: skip esbuild.
  const stack = testStack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const vpc = testVpc(stack);
  const dataKey = new kms.Key(stack, 'DataKey');
  const logsKey = new kms.Key(stack, 'LogsKey');
  const documents = new s3.Bucket(stack, 'Documents', { encryptionKey: dataKey });
  const accessLogs = new s3.Bucket(stack, 'AccessLogs');
  const alertTopic = new sns.Topic(stack, 'Alerts');
  const construct = new ReversibilityExport(stack, 'Export', {
    aliasPrefix: 'hds',
    vpc,
    subnets: { subnetGroupName: 'isolated' },
    vpcCidr: '10.0.0.0/16',
    documents,
    dataKey,
    clusterIdentifier: CLUSTER,
    logsKey,
    logRetention: logs.RetentionDays.ONE_YEAR,
    accessLogs,
    alertTopic,
  });
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  return {
    template,
    resources,
    ofType,
    ids: {
      key: id(construct.key),
      bucket: id(construct.bucket),
      rdsRole: id(construct.rdsExportRole),
      function: id(construct.function),
      functionPolicy: id(construct.functionPolicy),
      stateMachine: id(construct.stateMachine),
      dataKey: id(dataKey),
      logsKey: id(logsKey),
      documents: id(documents),
      accessLogs: id(accessLogs),
      topic: id(alertTopic),
      subnets: vpc.isolatedSubnets.map((s) => id(s)),
    },
  };
}

describe('ReversibilityExport (DATA-03)', () => {
  const { resources, ofType, ids } = build();
  const statementsOf = (policyId: string) => (resources[policyId].Properties.PolicyDocument as PolicyDocument).Statement;
  const policiesOf = (roleId: string) =>
    ofType('AWS::IAM::ManagedPolicy').filter(([, r]) => JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));

  describe('export key', () => {
    const key = resources[ids.key];
    const statements = (key.Properties.KeyPolicy as PolicyDocument).Statement;
    const sid = (name: string) => statements.find((s) => s.Sid === name)!;

    test('is a symmetric key rotated yearly, retained, with a 30-day deletion window', () => {
      expect(key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
      expect(key.Properties.KeyUsage ?? 'ENCRYPT_DECRYPT').toBe('ENCRYPT_DECRYPT');
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 });
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
    });

    test('has the alias alias/<prefix>/export', () => {
      const aliases = ofType('AWS::KMS::Alias').map(([, r]) => r.Properties);
      expect(aliases).toEqual([{ AliasName: 'alias/hds/export', TargetKeyId: getAtt(ids.key) }]);
    });

    test('administration, use and grants are its only statements, all for the account', () => {
      expect(statements.map((s) => s.Sid)).toEqual(['KeyAdministrationThroughIam', 'UseOnlyThroughPlatformServices', 'GrantsOnlyForAwsResources']);
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        expect(s.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
      }
    });

    test('administration through IAM holds no cryptographic action', () => {
      const admin = actionsOf(sid('KeyAdministrationThroughIam'));
      expect(admin).not.toContain('kms:*');
      expect(admin.filter((a) => /^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant)/.test(a))).toEqual([]);
    });

    test('is used only through S3 and RDS, in the account', () => {
      const use = sid('UseOnlyThroughPlatformServices');
      expect(actionsOf(use).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
      expect(use.Condition).toEqual({
        StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': ['s3.eu-west-3.amazonaws.com', 'rds.eu-west-3.amazonaws.com'] },
      });
    });

    test('grants are created only for AWS resources, through RDS', () => {
      const grants = sid('GrantsOnlyForAwsResources');
      expect(actionsOf(grants)).toContain('kms:CreateGrant');
      expect(grants.Condition).toEqual({
        StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': ['rds.eu-west-3.amazonaws.com'] },
        Bool: { 'kms:GrantIsForAWSResource': 'true' },
      });
      const otherGrants = statements.filter((s) => s !== grants && actionsOf(s).some((a) => a === 'kms:CreateGrant' || a === 'kms:*'));
      expect(otherGrants).toEqual([]);
    });
  });

  describe('export bucket', () => {
    const bucket = resources[ids.bucket];

    test('is encrypted with the export key, not the data key', () => {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: getAtt(ids.key) } }],
      });
      expect(JSON.stringify(bucket.Properties)).not.toContain(ids.dataKey);
    });

    test('is classified as health data, retained, and logs its access under exports/', () => {
      expect(bucket.Properties.Tags).toContainEqual({ Key: 'hds:data-classification', Value: 'health-data' });
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: ids.accessLogs }, LogFilePrefix: 'exports/' });
    });
  });

  describe('RDS export role', () => {
    const role = resources[ids.rdsRole].Properties;

    test('is trusted only by the RDS export service, from this account', () => {
      expect((role.AssumeRolePolicyDocument as PolicyDocument).Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'export.rds.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        },
      ]);
    });

    test('its only policy reaches the export bucket only', () => {
      expect(role.Policies).toBeUndefined();
      expect(role.ManagedPolicyArns).toBeUndefined();
      const managed = policiesOf(ids.rdsRole);
      expect(managed).toHaveLength(1);
      const statements = statementsOf(managed[0][0]);
      const bucketArn = getAtt(ids.bucket);
      expect(statements.flatMap(resourcesOf)).toEqual([bucketArn, { 'Fn::Join': ['', [bucketArn, '/exports/*']] }, getAtt(ids.key)]);
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
      // S3 on the export bucket; KMS on the export key only (the files it writes are encrypted with it).
      const kmsStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(kmsStatements.map(resourcesOf)).toEqual([[getAtt(ids.key)]]);
      expect(statements.flatMap(actionsOf).every((a) => a.startsWith('s3:') || a.startsWith('kms:'))).toBe(true);
    });
  });

  describe('export function', () => {
    const fn = resources[ids.function].Properties;
    const statements = statementsOf(ids.functionPolicy);
    const allowed = statements.filter((s) => s.Effect === 'Allow');
    const allowing = (action: string) => allowed.filter((s) => actionsOf(s).includes(action));

    test('knows the cluster, the documents bucket, the export bucket, key and role', () => {
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toEqual({
        DB_CLUSTER_IDENTIFIER: CLUSTER,
        DOCUMENTS_BUCKET: { Ref: ids.documents },
        EXPORT_BUCKET: { Ref: ids.bucket },
        EXPORT_KEY_ARN: getAtt(ids.key),
        EXPORT_ROLE_ARN: getAtt(ids.rdsRole),
      });
    });

    test('runs in the VPC subnets for up to 15 minutes', () => {
      expect(fn.VpcConfig).toMatchObject({ SubnetIds: ids.subnets.map((s) => ({ Ref: s })) });
      expect(fn.Timeout).toBe(15 * 60);
    });

    test('its policy is its one managed policy, and it waits for it', () => {
      // The function sees its role as immutable: the role is known here through the function's Role only.
      const role = (fn.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(resources[role].Type).toBe('AWS::IAM::Role');
      expect(resources[role].Properties.Policies).toBeUndefined();
      expect(policiesOf(role).map(([id]) => id)).toEqual([ids.functionPolicy]);
      expect(ofType('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(r.Properties.Roles).includes(role))).toEqual([]);
      expect(resources[ids.function].DependsOn).toContain(ids.functionPolicy);
    });

    test('grants every action the export code calls', () => {
      const granted = new Set(allowed.flatMap(actionsOf));
      expect(IAM_ACTIONS.length).toBeGreaterThan(0);
      expect(IAM_ACTIONS.filter((a) => !granted.has(a))).toEqual([]);
    });

    test('may pass only the RDS export role, and only to RDS export', () => {
      const pass = allowing('iam:PassRole');
      expect(pass).toHaveLength(1);
      expect(pass[0].Resource).toEqual(getAtt(ids.rdsRole));
      expect(pass[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'export.rds.amazonaws.com' } });
      expect(allowed.flatMap(actionsOf).filter((a) => a.startsWith('iam:') && a !== 'iam:PassRole')).toEqual([]);
    });

    test('decrypts with the data key only through S3', () => {
      const onDataKey = allowed.filter((s) => JSON.stringify(s.Resource).includes(ids.dataKey));
      expect(onDataKey).toEqual([
        expect.objectContaining({ Action: 'kms:Decrypt', Resource: getAtt(ids.dataKey), Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' } } }),
      ]);
      const kmsOnAnyKey = allowed.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')) && resourcesOf(s).includes('*'));
      expect(kmsOnAnyKey).toEqual([]);
    });

    test('may delete no object, anywhere', () => {
      const deleting = statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => /^s3:(Delete|\*)|^\*$/.test(a)));
      expect(deleting).toEqual([]);
    });
  });

  describe('state machine', () => {
    const machine = resources[ids.stateMachine].Properties;
    const definition = parseDefinition(machine.DefinitionString);
    const states = definition.States;
    const functionArn = `<${ids.function}.Arn>`;

    test('starts by checking that an exportId was given, and fails without one', () => {
      expect(definition.StartAt).toBe('HasExportId');
      expect(states.HasExportId.Choices).toEqual([{ Variable: '$.exportId', IsPresent: true, Next: 'Start' }]);
      expect(states.HasExportId.Default).toBe('MissingExportId');
      expect(states.MissingExportId).toMatchObject({ Type: 'Fail', Error: 'MissingExportId' });
    });

    test('Start → WaitForDatabaseExport → DatabaseExportStatus → DatabaseExported', () => {
      expect(states.Start).toMatchObject({ Type: 'Task', Resource: functionArn, Next: 'WaitForDatabaseExport', Parameters: { action: 'start', 'exportId.$': '$.exportId' } });
      expect(states.WaitForDatabaseExport).toMatchObject({ Type: 'Wait', Next: 'DatabaseExportStatus' });
      expect(states.DatabaseExportStatus).toMatchObject({
        Type: 'Task',
        Resource: functionArn,
        Next: 'DatabaseExported',
        ResultPath: '$.status',
        Parameters: { action: 'status', 'exportId.$': '$.exportId' },
      });
    });

    test('DatabaseExported: complete → copy, failed → Fail, otherwise → wait again', () => {
      const exported = states.DatabaseExported;
      expect(exported.Type).toBe('Choice');
      expect(exported.Choices).toEqual([
        { Variable: '$.status.status', StringEquals: 'complete', Next: 'CopyDocumentsFirstPage' },
        { Variable: '$.status.status', StringEquals: 'failed', Next: 'DatabaseExportFailed' },
      ]);
      expect(exported.Default).toBe('WaitForDatabaseExport');
      expect(states.DatabaseExportFailed).toMatchObject({ Type: 'Fail', Error: 'DatabaseExportFailed', CausePath: '$.status.detail' });
    });

    /** A paging loop: first request → task → choice on `<result>.done` (→ `then`) or next request → task. */
    interface Loop {
      first: string;
      task: string;
      choice: string;
      next: string;
      then: string;
      action: string;
      request: string;
      result: string;
      /** What the next request carries from the task's result, besides the action and the exportId. */
      carried: Record<string, string>;
    }
    test.each<[string, Loop]>([
      [
        'copies documents page by page until $.copy.done',
        {
          first: 'CopyDocumentsFirstPage',
          task: 'CopyDocuments',
          choice: 'DocumentsCopied',
          next: 'CopyDocumentsNextPage',
          then: 'ManifestFirstPart',
          action: 'copy-documents',
          request: '$.copyRequest',
          result: '$.copy',
          carried: { 'continuationToken.$': '$.copy.continuationToken' },
        },
      ],
      [
        'hashes files part by part until $.manifestPart.done, passing part and continuationToken',
        {
          first: 'ManifestFirstPart',
          task: 'HashFiles',
          choice: 'FilesHashed',
          next: 'ManifestNextPart',
          then: 'WriteManifest',
          action: 'manifest',
          request: '$.manifestRequest',
          result: '$.manifestPart',
          carried: { 'continuationToken.$': '$.manifestPart.continuationToken', 'part.$': '$.manifestPart.part' },
        },
      ],
    ])('%s', (_, loop) => {
      const request = { action: loop.action, 'exportId.$': '$.exportId' };
      expect(states[loop.first]).toEqual({ Type: 'Pass', Next: loop.task, ResultPath: loop.request, Parameters: request });
      expect(states[loop.task]).toMatchObject({ Type: 'Task', Resource: functionArn, Next: loop.choice, ResultPath: loop.result });
      expect(states[loop.choice]).toEqual({
        Type: 'Choice',
        Choices: [{ Variable: `${loop.result}.done`, BooleanEquals: true, Next: loop.then }],
        Default: loop.next,
      });
      expect(states[loop.next]).toEqual({ Type: 'Pass', Next: loop.task, ResultPath: loop.request, Parameters: { ...request, ...loop.carried } });
    });

    // Found by this test: with payloadResponseOnly, CDK renders a `fromJsonPathAt` payload as the literal
    // string "$.copyRequest" (aws/aws-cdk#34260); the prepared request is now the task's InputPath.
    test.each<[string, string]>([
      ['CopyDocuments', '$.copyRequest'],
      ['HashFiles', '$.manifestRequest'],
    ])('%s invokes the function with the request its Pass state prepared (%s)', (name, request) => {
      const task = states[name];
      expect(typeof task.Parameters).not.toBe('string');
      const passedAsInput = task.InputPath === request && task.Parameters === undefined;
      const referencedInParameters = JSON.stringify(task.Parameters ?? {}).includes(`"${request}`);
      expect(passedAsInput || referencedInParameters).toBe(true);
    });

    test('WriteManifest → Exported', () => {
      expect(states.WriteManifest).toMatchObject({
        Type: 'Task',
        Resource: functionArn,
        Next: 'Exported',
        ResultPath: '$.manifest',
        Parameters: { action: 'finalize', 'exportId.$': '$.exportId' },
      });
      expect(states.Exported).toEqual({ Type: 'Succeed' });
    });

    test('every state is reachable and every transition names a state', () => {
      const targets = (s: State) => [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next)].filter((t): t is string => t !== undefined);
      const reached = new Set([definition.StartAt]);
      for (let grew = true; grew; ) {
        const before = reached.size;
        for (const name of [...reached]) for (const t of targets(states[name])) reached.add(t);
        grew = reached.size > before;
      }
      expect([...reached].sort()).toEqual(Object.keys(states).sort());
    });

    test('times out after 3 days', () => {
      expect(definition.TimeoutSeconds).toBe(3 * 24 * 3600);
    });

    test('logs every event without execution data to a KMS log group, and is traced', () => {
      const destinations = (machine.LoggingConfiguration as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[] })
        .Destinations;
      expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
      expect(destinations).toHaveLength(1);
      const logGroup = resources[destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0]];
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties.KmsKeyId).toEqual(getAtt(ids.logsKey));
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    });
  });

  test('a failed, timed-out or aborted export alerts the topic, naming DATA-03 and the runbook', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(1);
    expect(rules[0].EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: ids.stateMachine }] },
    });
    const targets = rules[0].Targets as { Arn: unknown; InputTransformer: { InputTemplate: string } }[];
    expect(targets).toHaveLength(1);
    expect(targets[0].Arn).toEqual({ Ref: ids.topic });
    expect(targets[0].InputTransformer.InputTemplate).toContain('[DATA-03]');
    expect(targets[0].InputTransformer.InputTemplate).toContain(REVERSIBILITY_RUNBOOK);
  });
});
