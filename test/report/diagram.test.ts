import {
  DIAGRAM_STATUS_STYLES,
  DIAGRAM_WORDS,
  diagramDot,
  renderSvg,
  type DiagramLang,
  type DiagramStack,
  type DiagramStatus,
} from '../../lib/report/diagram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PATH_METADATA_ENABLE_CONTEXT } from 'aws-cdk-lib/cx-api';
import { buildPlatform } from '../../lib/platform';
import { testApp, testConfig } from '../support/app';

type Resources = NonNullable<DiagramStack['template']['Resources']>;

const noStatus = () => undefined;

/** The texts of every label of a DOT source (quoted and HTML-like), tags and escapes removed. */
function labels(dot: string): string[] {
  const texts: string[] = [];
  for (let i = dot.indexOf('label='); i >= 0; i = dot.indexOf('label=', i + 1)) {
    const start = i + 'label='.length;
    if (dot[start] === '"') {
      let end = start + 1;
      while (dot[end] !== '"') end += dot[end] === '\\' ? 2 : 1;
      texts.push(dot.slice(start + 1, end).replace(/\\n/g, ' ').replace(/\\(.)/g, '$1'));
    } else if (dot[start] === '<') {
      let depth = 0;
      let end = start;
      do {
        if (dot[end] === '<') depth++;
        if (dot[end] === '>') depth--;
        end++;
      } while (depth > 0);
      texts.push(
        dot
          .slice(start + 1, end - 1)
          .replace(/<[^>]*>/g, ' ')
          .replace(/&quot;/g, '"')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
    }
  }
  return texts;
}

const wordsOf = (texts: readonly string[]) => new Set(texts.flatMap((t) => t.toLowerCase().split(/[^\p{L}'-]+/u)).filter((w) => w.length > 0));

/** Every fixed phrase of one language. */
function phrases(lang: DiagramLang): string[] {
  const w = DIAGRAM_WORDS[lang];
  return [
    w.title,
    w.regionNotStated,
    w.legend,
    w.outside,
    w.notInTemplates,
    ...Object.values(w.statuses),
    ...Object.values(w.relations),
    ...Object.values(w.subnetTypes),
    ...Object.values(w.kinds),
  ];
}

/** The line that declares a node. */
function nodeLine(dot: string, id: string): string {
  const line = dot.split('\n').find((l) => l.trimStart().startsWith(`"${id}" [`));
  if (!line) throw new Error(`no node ${id} in the diagram`);
  return line;
}

const edgeLabel = (dot: string, from: string, to: string): string | undefined =>
  new RegExp(`^ *"${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" -> "${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" \\[label="([^"]*)"`, 'm').exec(dot)?.[1];

/**
 * One stack with a resource of every drawn kind and every relation the diagram knows, named neutrally
 * ("Xq...") so that its labels hold only the diagram's fixed phrases.
 */
function everyRelation(): DiagramStack {
  const path = (name: string) => ({ 'aws:cdk:path': `Xqstack/${name}/Resource` });
  const ref = (id: string) => ({ Ref: id });
  const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  const resources: Resources = {
    Key: { Type: 'AWS::KMS::Key', Metadata: path('Xqkey') },
    KeyAlias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/xq', TargetKeyId: ref('Key') } },
    Vpc: { Type: 'AWS::EC2::VPC', Metadata: path('Xqvpc') },
    SubnetA: {
      Type: 'AWS::EC2::Subnet',
      Properties: { VpcId: ref('Vpc'), Tags: [{ Key: 'aws-cdk:subnet-name', Value: 'xqa' }, { Key: 'aws-cdk:subnet-type', Value: 'Isolated' }] },
    },
    SubnetB: {
      Type: 'AWS::EC2::Subnet',
      Properties: { VpcId: ref('Vpc'), Tags: [{ Key: 'aws-cdk:subnet-name', Value: 'xqb' }, { Key: 'aws-cdk:subnet-type', Value: 'Public' }] },
    },
    Flow: { Type: 'AWS::EC2::FlowLog', Properties: { ResourceId: ref('Vpc'), LogGroupName: ref('Logs') } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { KmsKeyId: arn('Key') } },
    Store: {
      Type: 'AWS::S3::Bucket',
      Metadata: path('Xqstore'),
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { KMSMasterKeyID: arn('Key') } }] },
        LoggingConfiguration: { DestinationBucketName: ref('AccessLogs') },
        ReplicationConfiguration: { Rules: [{ Destination: { Bucket: 'arn:aws:s3:::xqelsewhere' } }] },
        Tags: [{ Key: 'xq:backup', Value: 'yes' }],
      },
    },
    AccessLogs: { Type: 'AWS::S3::Bucket', Metadata: path('Xqaccess'), Properties: { BucketName: 'xq-access' } },
    Table: { Type: 'AWS::DynamoDB::Table', Metadata: path('Xqtable'), Properties: { SSESpecification: { KMSMasterKeyId: ref('Key') } } },
    Files: { Type: 'AWS::EFS::FileSystem', Metadata: path('Xqfiles'), Properties: { KmsKeyId: ref('Key') } },
    Mount: { Type: 'AWS::EFS::MountTarget', Properties: { FileSystemId: ref('Files'), SubnetId: ref('SubnetA') } },
    Db: { Type: 'AWS::RDS::DBCluster', Metadata: path('Xqdb'), Properties: { Engine: 'aurora-postgresql', DBSubnetGroupName: ref('DbSubnets') } },
    DbSubnets: { Type: 'AWS::RDS::DBSubnetGroup', Properties: { SubnetIds: [ref('SubnetA')] } },
    DbOne: { Type: 'AWS::RDS::DBInstance', Metadata: path('Xqdbone'), Properties: { DBClusterIdentifier: ref('Db') } },
    Secret: { Type: 'AWS::SecretsManager::Secret', Metadata: path('Xqsecret'), Properties: { KmsKeyId: ref('KeyAlias') } },
    Trail: {
      Type: 'AWS::CloudTrail::Trail',
      Metadata: path('Xqtrail'),
      Properties: {
        S3BucketName: ref('AccessLogs'),
        CloudWatchLogsLogGroupArn: arn('Logs'),
        EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: [{ 'Fn::Sub': '${Store.Arn}/' }] }] }],
      },
    },
    Vault: { Type: 'AWS::Backup::BackupVault', Metadata: path('Xqvault'), Properties: { EncryptionKeyArn: arn('Key') } },
    Plan: {
      Type: 'AWS::Backup::BackupPlan',
      Metadata: path('Xqplan'),
      Properties: {
        BackupPlan: {
          BackupPlanRule: [
            {
              TargetBackupVault: ref('Vault'),
              CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-west-1:111111111111:backup-vault:xq-far' }],
            },
          ],
        },
      },
    },
    Selection: {
      Type: 'AWS::Backup::BackupSelection',
      Properties: {
        BackupPlanId: ref('Plan'),
        BackupSelection: { ListOfTags: [{ ConditionKey: 'xq:backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'yes' }], Resources: [arn('Table')] },
      },
    },
    Restores: { Type: 'AWS::Backup::RestoreTestingPlan', Metadata: path('Xqrestores'), Properties: { RecoveryPointSelection: { IncludeVaults: [arn('Vault')] } } },
    Framework: { Type: 'AWS::Backup::Framework', Metadata: path('Xqframework') },
    Reports: {
      Type: 'AWS::Backup::ReportPlan',
      Metadata: path('Xqreports'),
      Properties: { ReportDeliveryChannel: { S3BucketName: ref('AccessLogs') }, ReportSetting: { FrameworkArns: [arn('Framework')] } },
    },
    Topic: { Type: 'AWS::SNS::Topic', Metadata: path('Xqtopic'), Properties: { KmsMasterKeyId: arn('Key') } },
    Queue: { Type: 'AWS::SQS::Queue', Metadata: path('Xqqueue') },
    Role: { Type: 'AWS::IAM::Role' },
    RolePolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        Roles: [ref('Role')],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: arn('Table') },
            { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [arn('Store'), '/*']] } },
          ],
        },
      },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Metadata: path('Xqfn'),
      Properties: {
        Role: arn('Role'),
        Environment: { Variables: { SECRET: ref('Secret') } },
        DeadLetterConfig: { TargetArn: arn('Queue') },
        VpcConfig: { SubnetIds: [ref('SubnetA')] },
      },
    },
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [ref('Topic')], Dimensions: [{ Name: 'FunctionName', Value: ref('Fn') }] } },
    Rule: { Type: 'AWS::Events::Rule', Properties: { Targets: [{ Arn: arn('Fn'), Id: 'xq' }] } },
    Pool: { Type: 'AWS::Cognito::UserPool', Metadata: path('Xqpool') },
    Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Metadata: path('Xqlb'), Properties: { Subnets: [ref('SubnetB')] } },
    Listener: {
      Type: 'AWS::ElasticLoadBalancingV2::Listener',
      Properties: {
        LoadBalancerArn: ref('Lb'),
        DefaultActions: [{ Type: 'authenticate-cognito', AuthenticateCognitoConfig: { UserPoolArn: arn('Pool') } }, { TargetGroupArn: ref('Targets') }],
      },
    },
    Targets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Targets: [{ Id: arn('Fn') }] } },
    Service: { Type: 'AWS::ECS::Service', Metadata: path('Xqservice'), Properties: { LoadBalancers: [{ TargetGroupArn: ref('Targets') }] } },
    Api: { Type: 'AWS::ApiGateway::RestApi', Metadata: path('Xqapi') },
    Method: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: ref('Api'), Integration: { Uri: { 'Fn::Sub': 'arn:aws:apigateway:${AWS::Region}:lambda:path/functions/${Fn.Arn}/invocations' } } } },
    Cdn: {
      Type: 'AWS::CloudFront::Distribution',
      Metadata: path('Xqcdn'),
      Properties: { DistributionConfig: { Origins: [{ DomainName: { 'Fn::GetAtt': ['Store', 'RegionalDomainName'] } }] } },
    },
    Sftp: { Type: 'AWS::Transfer::Server', Metadata: path('Xqsftp') },
    SftpUser: { Type: 'AWS::Transfer::User', Properties: { ServerId: { 'Fn::GetAtt': ['Sftp', 'ServerId'] }, HomeDirectory: { 'Fn::Join': ['', ['/', ref('Store')]] } } },
    Detector: { Type: 'AWS::GuardDuty::Detector', Metadata: path('Xqdetector') },
    Hub: { Type: 'AWS::SecurityHub::Hub', Metadata: path('Xqhub') },
    Recorder: { Type: 'AWS::Config::ConfigurationRecorder', Metadata: path('Xqrecorder') },
    Delivery: { Type: 'AWS::Config::DeliveryChannel', Metadata: path('Xqdelivery'), Properties: { S3BucketName: 'xq-access' } },
    ConfigRule: { Type: 'AWS::Config::ConfigRule' },
  };
  return { name: 'Xqstack', template: { Resources: resources } };
}

describe('the architecture diagram of the default platform', () => {
  // One synth of the default platform (it bundles the restore validator), shared by the tests. With
  // construct paths in the metadata, as the CLI writes them to cdk.out.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hds-diagram-'));
  const app = testApp({ outdir, context: { [PATH_METADATA_ENABLE_CONTEXT]: true } });
  buildPlatform(app, testConfig());
  const stacks: DiagramStack[] = app.synth().stacks.map((s) => ({ name: s.stackName, region: s.environment.region, template: s.template }));

  /** The logical id of the resource at a construct path. */
  const idAt = (stack: string, cdkPath: string): string => {
    const resources = stacks.find((s) => s.name === stack)?.template.Resources ?? {};
    const found = Object.entries(resources).filter(([, r]) => r.Metadata?.['aws:cdk:path'] === `${stack}/${cdkPath}`);
    expect(found).toHaveLength(1);
    return found[0][0];
  };
  const dataKey = () => `hds-foundation/${idAt('hds-foundation', 'Keys/HealthData/Resource')}`;
  const documents = () => `hds-data/${idAt('hds-data', 'HealthData/Documents/Resource/Resource')}`;
  const database = () => `hds-data/${idAt('hds-data', 'HealthData/Database/Resource')}`;
  const en = diagramDot(stacks, noStatus, 'en');

  test('draws one cluster per stack, labelled with its name and region', () => {
    expect(stacks.map((s) => s.name).sort()).toEqual(['hds-access', 'hds-app', 'hds-audit', 'hds-backup', 'hds-data', 'hds-detection', 'hds-foundation', 'hds-network', 'hds-privacy']);
    for (const stack of stacks) {
      expect(en).toContain(`subgraph "cluster_${stack.name}" {\n    graph [label="${stack.name}\\neu-west-3"`);
    }
  });

  test('draws every data store and key, keys with their alias, and log groups as one counted node per stack', () => {
    const kinds = ['AWS::S3::Bucket', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::DynamoDB::Table', 'AWS::EFS::FileSystem', 'AWS::KMS::Key'];
    let count = 0;
    for (const stack of stacks) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
        if (!kinds.includes(resource.Type)) continue;
        count++;
        expect(en).toContain(`"${stack.name}/${logicalId}" [`);
      }
    }
    expect(count).toBeGreaterThanOrEqual(9);
    expect(nodeLine(en, dataKey())).toContain('<B>HealthData</B><BR/><FONT POINT-SIZE="10">KMS key</FONT><BR/><FONT POINT-SIZE="10">alias/hds/health-data</FONT>');
    expect(nodeLine(en, documents())).toContain('<B>Documents</B><BR/><FONT POINT-SIZE="10">S3 bucket</FONT>');
    expect(nodeLine(en, database())).toContain('Aurora cluster');
    // The network stack's flow-log group: one node, counted; IAM roles and security groups are left out.
    expect(nodeLine(en, 'hds-network/AWS::Logs::LogGroup//')).toContain('<B>log groups</B><BR/><FONT POINT-SIZE="10">×1</FONT>');
    expect(en).not.toMatch(/AWS::IAM::Role|SecurityGroup/);
    // Subnets grouped by tier inside the VPC's cluster.
    expect(en).toContain('subnets: data (isolated)');
    expect(en).toContain('subnets: compute (isolated)');
  });

  test('draws the relations, across stacks: the foundation key encrypts the data stack stores', () => {
    expect(edgeLabel(en, dataKey(), documents())).toBe('encrypts');
    expect(edgeLabel(en, dataKey(), database())).toBe('encrypts');
    const trail = `hds-audit/${idAt('hds-audit', 'AuditTrail/Trail/Resource')}`;
    const archive = `hds-foundation/${idAt('hds-foundation', 'LogArchive/Archive/Resource/Resource')}`;
    const accessLogs = `hds-foundation/${idAt('hds-foundation', 'LogArchive/AccessLogs/Resource/Resource')}`;
    const plan = `hds-backup/${idAt('hds-backup', 'Backup/Plan/Resource')}`;
    const vault = `hds-backup/${idAt('hds-backup', 'Backup/Vault/Resource/Resource')}`;
    expect(edgeLabel(en, trail, archive)).toBe('logs to');
    expect(edgeLabel(en, trail, documents())).toBe('records access to');
    expect(edgeLabel(en, documents(), accessLogs)).toBe('logs to');
    expect(edgeLabel(en, plan, vault)).toBe('stores in');
    // Tag-based selection: the tagged stores are backed up, the database through its cluster only.
    expect(edgeLabel(en, plan, documents())).toBe('backs up');
    expect(edgeLabel(en, plan, database())).toBe('backs up');
    expect(edgeLabel(en, plan, `hds-data/${idAt('hds-data', 'HealthData/Database/Writer/Resource')}`)).toBeUndefined();
    expect(en).toMatch(new RegExp(`"${database()}" -> "hds-network/AWS::EC2::Subnet/[^"]*/data \\(isolated\\)" \\[label="deployed in"`));
    // No edge is drawn twice.
    const edges = en.split('\n').filter((l) => l.includes(' -> ') && !l.includes('legend/'));
    const pairs = edges.map((l) => l.slice(0, l.indexOf(' [')));
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  test('colours and marks each node by its status, the worst of its members for a counted node', () => {
    const status: Record<string, DiagramStatus> = {
      [documents()]: 'not-met',
      [dataKey()]: 'met',
      [database()]: 'acknowledged',
      [`hds-backup/${idAt('hds-backup', 'Backup/Vault/Resource/Resource')}`]: 'not-evaluated',
      [`hds-network/${idAt('hds-network', 'Network/FlowLogs/Resource')}`]: 'not-met',
    };
    const dot = diagramDot(stacks, (stack, logicalId) => status[`${stack}/${logicalId}`], 'en');
    const styles = DIAGRAM_STATUS_STYLES;
    const documentsLine = nodeLine(dot, documents());
    expect(styles['not-met'].fill).toBe('#ef9a9a');
    expect(documentsLine).toContain('<B>✖ Documents</B>');
    expect(documentsLine).toContain('fillcolor="#ef9a9a"');
    expect(documentsLine).toContain('style="rounded,filled,bold"');
    expect(nodeLine(dot, dataKey())).toContain('<B>✔ HealthData</B>');
    expect(nodeLine(dot, dataKey())).toContain(`fillcolor="${styles.met.fill}"`);
    expect(nodeLine(dot, database())).toContain(`fillcolor="${styles.acknowledged.fill}"`);
    expect(nodeLine(dot, database())).toContain('dashed');
    expect(nodeLine(dot, `hds-backup/${idAt('hds-backup', 'Backup/Vault/Resource/Resource')}`)).toContain('<B>? Backup/Vault</B>');
    expect(nodeLine(dot, 'hds-network/AWS::Logs::LogGroup//')).toContain('✖ log groups');
    // No status: white, no mark.
    const accessLogs = nodeLine(dot, `hds-foundation/${idAt('hds-foundation', 'LogArchive/AccessLogs/Resource/Resource')}`);
    expect(accessLogs).toContain('<B>AccessLogs</B>');
    expect(accessLogs).toContain('fillcolor="#ffffff"');
    // The legend shows each status with its mark.
    for (const key of ['met', 'not-met', 'acknowledged', 'not-evaluated'] as const) {
      expect(nodeLine(dot, `legend/${key}`)).toContain(`<B>${styles[key].mark} ${DIAGRAM_WORDS.en.statuses[key]}</B>`);
    }
  });

  test('French and English labels differ, each in its own language', () => {
    const fr = diagramDot(stacks, noStatus, 'fr');
    expect(fr).not.toBe(en);
    expect(edgeLabel(fr, dataKey(), documents())).toBe('chiffre');
    expect(nodeLine(fr, documents())).toContain('compartiment S3');
    expect(fr).toContain('label="Légende"');
    expect(en).toContain('label="Legend"');
    for (const phrase of ['encrypts', 'logs to', 'backs up', 'Legend', 'KMS key', 'S3 bucket']) expect(fr).not.toContain(phrase);
    for (const phrase of ['chiffre', 'journalise vers', 'sauvegarde', 'Légende', 'clé KMS', 'compartiment S3']) expect(en).not.toContain(phrase);
  });

  test('is deterministic: same input, same text, whatever the order of stacks and resources', () => {
    expect(diagramDot(stacks, noStatus, 'en')).toBe(en);
    const shuffled = [...stacks].reverse().map((s) => ({
      ...s,
      template: { ...s.template, Resources: Object.fromEntries(Object.entries(s.template.Resources ?? {}).reverse()) },
    }));
    expect(diagramDot(shuffled, noStatus, 'en')).toBe(en);
  });

  test('renders to a standalone SVG document holding the labels', async () => {
    const svg = await renderSvg(en);
    expect(svg).toMatch(/^<\?xml[^>]*>\s*<!DOCTYPE svg/);
    expect(svg).toContain('<svg');
    // Graphviz writes hyphens as &#45;.
    const text = svg.replace(/&#45;/g, '-');
    for (const label of ['Documents', 'HealthData', 'alias/hds/health-data', 'Aurora cluster', 'encrypts', 'Legend', 'hds-data']) {
      expect(text).toContain(`>${label}`);
    }
  });
});

describe('the architecture diagram of any template', () => {
  test('draws every relation it knows, from a template with one resource of each kind', () => {
    const dot = diagramDot([everyRelation()], noStatus, 'en');
    const drawn = new Set(
      dot
        .split('\n')
        .filter((l) => l.includes(' -> ') && !l.includes('legend/'))
        .flatMap((l) => (/label="([^"]*)"/.exec(l)?.[1] ?? '').split(', ')),
    );
    expect([...drawn].sort()).toEqual([...new Set(Object.values(DIAGRAM_WORDS.en.relations))].sort());
    // A few that matter to an auditor, precisely.
    expect(edgeLabel(dot, 'Xqstack/Plan', 'external/arn:aws:backup:eu-west-1:111111111111:backup-vault:xq-far')).toBe('copies to');
    expect(edgeLabel(dot, 'Xqstack/Store', 'external/arn:aws:s3:::xqelsewhere')).toBe('replicates to');
    expect(edgeLabel(dot, 'Xqstack/Plan', 'Xqstack/Store')).toBe('backs up');
    expect(edgeLabel(dot, 'Xqstack/Plan', 'Xqstack/Table')).toBe('backs up');
    expect(edgeLabel(dot, 'Xqstack/Key', 'Xqstack/Secret')).toBe('encrypts');
    expect(edgeLabel(dot, 'Xqstack/Fn', 'Xqstack/Table')).toBe('reads');
    expect(edgeLabel(dot, 'Xqstack/Fn', 'Xqstack/Store')).toBe('writes');
    expect(edgeLabel(dot, 'Xqstack/Lb', 'Xqstack/Fn')).toBe('forwards to');
    expect(edgeLabel(dot, 'Xqstack/Lb', 'Xqstack/Service')).toBe('forwards to');
    expect(edgeLabel(dot, 'Xqstack/Lb', 'Xqstack/Pool')).toBe('authenticates with');
    expect(edgeLabel(dot, 'Xqstack/Delivery', 'Xqstack/AccessLogs')).toBe('delivers to');
    // Places outside the templates are drawn apart, with their region.
    expect(dot).toContain('subgraph "cluster_external" {\n    graph [label="Outside these stacks"');
    expect(nodeLine(dot, 'external/arn:aws:backup:eu-west-1:111111111111:backup-vault:xq-far')).toContain('eu-west-1');
  });

  test('French labels hold no English word of the fixed phrases, and English labels no French one', () => {
    const en = wordsOf(phrases('en'));
    const fr = wordsOf(phrases('fr'));
    const onlyEn = [...en].filter((w) => !fr.has(w));
    const onlyFr = [...fr].filter((w) => !en.has(w));
    expect(onlyEn.length).toBeGreaterThan(40);
    expect(onlyFr.length).toBeGreaterThan(40);
    const statusOf = (_: string, id: string): DiagramStatus | undefined => (['met', 'not-met', 'acknowledged', 'not-evaluated'] as const)[id.length % 5];
    const frLabels = wordsOf(labels(diagramDot([everyRelation()], statusOf, 'fr')));
    const enLabels = wordsOf(labels(diagramDot([everyRelation()], statusOf, 'en')));
    expect(onlyEn.filter((w) => frLabels.has(w))).toEqual([]);
    expect(onlyFr.filter((w) => enLabels.has(w))).toEqual([]);
    // The stack states no region.
    expect(labels(diagramDot([everyRelation()], statusOf, 'fr'))).toContain('Xqstack région non indiquée');
    expect(labels(diagramDot([everyRelation()], statusOf, 'en'))).toContain('Xqstack region not stated');
  });

  test('follows Fn::ImportValue to the exporting stack, and literal ARNs to the resource named so', () => {
    const keys: DiagramStack = {
      name: 'keys',
      region: 'eu-west-3',
      template: {
        Resources: { Key: { Type: 'AWS::KMS::Key' } },
        Outputs: { KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-key' } } } },
      },
    };
    const data: DiagramStack = {
      name: 'data',
      region: 'eu-west-3',
      template: {
        Resources: {
          Table: { Type: 'AWS::DynamoDB::Table', Properties: { SSESpecification: { KMSMasterKeyId: { 'Fn::ImportValue': 'keys-key' } } } },
          Plan: {
            Type: 'AWS::Backup::BackupPlan',
            Properties: { BackupPlan: { BackupPlanRule: [{ CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-west-1:111111111111:backup-vault:far' }] }] } },
          },
        },
      },
    };
    const copy: DiagramStack = {
      name: 'copy',
      region: 'eu-west-1',
      template: { Resources: { Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'far' } } } },
    };
    const dot = diagramDot([keys, data, copy], noStatus, 'en');
    expect(edgeLabel(dot, 'keys/Key', 'data/Table')).toBe('encrypts');
    expect(edgeLabel(dot, 'data/Plan', 'copy/Vault')).toBe('copies to');
    expect(dot).not.toContain('cluster_external');
  });

  test('escapes quotes, backslashes, newlines and markup in labels, and Graphviz reads the result', async () => {
    const odd: DiagramStack = {
      name: 'say "hi" \\ there',
      region: 'eu-west-3',
      template: {
        Resources: {
          Bucket: { Type: 'AWS::S3::Bucket', Metadata: { 'aws:cdk:path': 'x/Quote"d <b>&amp;\\n\nnext/Resource' } },
        },
      },
    };
    const dot = diagramDot([odd], noStatus, 'en');
    expect(dot).toContain('subgraph "cluster_say \\"hi\\" \\\\ there" {');
    expect(dot).toContain('[label="say \\"hi\\" \\\\ there\\neu-west-3"');
    expect(dot).toContain('"say \\"hi\\" \\\\ there/Bucket" [label=<<B>Quote&quot;d &lt;b&gt;&amp;amp;\\n<BR/>next</B>');
    const svg = await renderSvg(dot);
    expect(svg).toContain('<svg');
    expect(svg).toContain('say &quot;hi&quot; \\ there');
    expect(svg).toContain('Quote&quot;d &lt;b&gt;&amp;amp;\\n');
  });

  test('summarises a large template by type per stack', () => {
    const resources: Resources = {};
    for (let i = 0; i < 1000; i++) {
      const type = ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::IAM::Role'][i % 5];
      resources[`R${String(i).padStart(4, '0')}`] = { Type: type, Properties: type === 'AWS::S3::Bucket' ? { KMSMasterKeyID: { Ref: `R${String(i + 1).padStart(4, '0')}` } } : {} };
    }
    const dot = diagramDot([{ name: 'big', region: 'eu-west-3', template: { Resources: resources } }], noStatus, 'en');
    expect(nodeLine(dot, 'big/AWS::S3::Bucket')).toContain('<B>S3 bucket</B><BR/><FONT POINT-SIZE="10">×200</FONT>');
    expect(nodeLine(dot, 'big/AWS::KMS::Key')).toContain('×200');
    expect(edgeLabel(dot, 'big/AWS::KMS::Key', 'big/AWS::S3::Bucket')).toBe('encrypts');
    expect(dot.split('\n').filter((l) => / \[label=/.test(l)).length).toBeLessThan(20);
  });

  test('places edge labels after the layout when there are many edges (dot slows down on labelled edges)', () => {
    const stores = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue'];
    const stacks: DiagramStack[] = Array.from({ length: 12 }, (_, i) => ({
      name: `s${String(i).padStart(2, '0')}`,
      region: 'eu-west-3',
      template: { Resources: Object.fromEntries(stores.map((type, j) => [`Store${j}`, { Type: type }])) as Resources },
    }));
    // Each stack's function uses every store of every stack: 12 x 36 edges.
    const variables = Object.fromEntries(stacks.flatMap((s) => stores.map((_, j) => [`${s.name}_${j}`, { 'Fn::ImportValue': `${s.name}-Store${j}` }])));
    const withExports = stacks.map((s) => ({
      ...s,
      template: {
        Resources: { ...s.template.Resources, Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: variables } } } },
        Outputs: Object.fromEntries(stores.map((_, j) => [`O${j}`, { Value: { Ref: `Store${j}` }, Export: { Name: `${s.name}-Store${j}` } }])),
      },
    }));
    const dot = diagramDot(withExports, noStatus, 'en');
    const edges = dot.split('\n').filter((l) => l.includes(' -> ') && !l.includes('legend/'));
    expect(edges).toHaveLength(12 * 36);
    expect(edges.every((l) => l.includes(' [xlabel="uses"]'))).toBe(true);
  });
});
