import type { Graphviz } from '@hpcc-js/wasm-graphviz';
import { byText, resourceKey } from './order';

/*
 * Architecture diagram of the evidence report (EVD-03): one cluster per stack, the resources an auditor
 * looks for (network, data stores, keys, traces, backups, functions, entry points, detection), and the
 * relations between them found in the templates (encryption, logging, backup, data flows), cross-stack
 * ones included. Nodes are coloured and marked by the status the report gives them.
 */

export interface DiagramResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface DiagramOutput {
  readonly Value?: unknown;
  readonly Export?: { readonly Name?: unknown };
}

/** What the diagram reads: stacks with their region and CloudFormation template (from cdk.out or any template). */
export interface DiagramStack {
  readonly name: string;
  /** Undefined when the template does not say. */
  readonly region?: string;
  readonly template: {
    readonly Resources?: Record<string, DiagramResource>;
    readonly Outputs?: Record<string, DiagramOutput>;
  };
}

export type DiagramStatus = 'met' | 'not-met' | 'acknowledged' | 'not-evaluated';
export type DiagramLang = 'fr' | 'en';
export type DiagramStatusOf = (stack: string, logicalId: string) => DiagramStatus | undefined;

type Relation =
  | 'encrypts'
  | 'logsTo'
  | 'recordsAccess'
  | 'backsUp'
  | 'storesIn'
  | 'copiesTo'
  | 'replicatesTo'
  | 'testsRestores'
  | 'reportsTo'
  | 'reportsOn'
  | 'notifies'
  | 'watches'
  | 'triggers'
  | 'forwardsTo'
  | 'authenticates'
  | 'reads'
  | 'writes'
  | 'deliversTo'
  | 'failuresTo'
  | 'deployedIn'
  | 'memberOf'
  | 'uses';

/** Label order on an edge that carries several relations. */
const RELATION_ORDER: readonly Relation[] = [
  'encrypts',
  'backsUp',
  'storesIn',
  'copiesTo',
  'replicatesTo',
  'testsRestores',
  'recordsAccess',
  'logsTo',
  'reportsTo',
  'reportsOn',
  'deliversTo',
  'forwardsTo',
  'authenticates',
  'triggers',
  'reads',
  'writes',
  'notifies',
  'watches',
  'failuresTo',
  'deployedIn',
  'memberOf',
  'uses',
];

type StatusKey = DiagramStatus | 'none';

/** Every fixed phrase of the diagram, in both languages (no mixed-language labels). */
export const DIAGRAM_WORDS = {
  en: {
    colon: ':',
    title: 'Architecture of the platform',
    regionNotStated: 'region not stated',
    legend: 'Legend',
    outside: 'Outside these stacks',
    notInTemplates: 'not in these templates',
    statuses: {
      met: 'met',
      'not-met': 'not met',
      acknowledged: 'acknowledged',
      'not-evaluated': 'not evaluated',
      none: 'no status',
    } satisfies Record<StatusKey, string>,
    relations: {
      encrypts: 'encrypts',
      logsTo: 'logs to',
      recordsAccess: 'records access to',
      backsUp: 'backs up',
      storesIn: 'stores in',
      copiesTo: 'copies to',
      replicatesTo: 'replicates to',
      testsRestores: 'tests restores from',
      reportsTo: 'reports to',
      reportsOn: 'reports on',
      notifies: 'notifies',
      watches: 'watches',
      triggers: 'triggers',
      forwardsTo: 'forwards to',
      authenticates: 'authenticates with',
      reads: 'reads',
      writes: 'writes',
      deliversTo: 'delivers to',
      failuresTo: 'failures to',
      deployedIn: 'deployed in',
      memberOf: 'member of',
      uses: 'uses',
    } satisfies Record<Relation, string>,
    subnetTypes: { Public: 'public', Private: 'private', Isolated: 'isolated' } as Record<string, string>,
    kinds: {
      'AWS::EC2::VPC': 'VPC',
      'AWS::EC2::Subnet': 'subnets',
      'AWS::EC2::VPCEndpoint': 'VPC endpoints',
      'AWS::S3::Bucket': 'S3 bucket',
      'AWS::RDS::DBCluster': 'RDS cluster',
      aurora: 'Aurora cluster',
      'AWS::RDS::DBInstance': 'RDS instance',
      'AWS::DynamoDB::Table': 'DynamoDB table',
      'AWS::DynamoDB::GlobalTable': 'DynamoDB global table',
      'AWS::EFS::FileSystem': 'EFS file system',
      'AWS::ElastiCache::ReplicationGroup': 'ElastiCache cluster',
      'AWS::OpenSearchService::Domain': 'OpenSearch domain',
      'AWS::DocDB::DBCluster': 'DocumentDB cluster',
      'AWS::HealthLake::FHIRDatastore': 'HealthLake FHIR store',
      'AWS::SecretsManager::Secret': 'Secrets Manager secret',
      'AWS::SQS::Queue': 'SQS queue',
      'AWS::KMS::Key': 'KMS key',
      'AWS::CloudTrail::Trail': 'CloudTrail trail',
      'AWS::Backup::BackupVault': 'backup vault',
      'AWS::Backup::BackupPlan': 'backup plan',
      'AWS::Backup::RestoreTestingPlan': 'restore testing plan',
      'AWS::Backup::ReportPlan': 'backup report plan',
      'AWS::Backup::Framework': 'backup audit framework',
      'AWS::Logs::LogGroup': 'log groups',
      'AWS::CloudWatch::Alarm': 'CloudWatch alarms',
      'AWS::Events::Rule': 'EventBridge rules',
      'AWS::Lambda::Function': 'Lambda function',
      'AWS::ECS::Service': 'ECS service',
      'AWS::EC2::Instance': 'EC2 instance',
      'AWS::SNS::Topic': 'SNS topic',
      'AWS::ElasticLoadBalancingV2::LoadBalancer': 'load balancer',
      'AWS::ElasticLoadBalancing::LoadBalancer': 'classic load balancer',
      'AWS::ApiGateway::RestApi': 'API Gateway REST API',
      'AWS::ApiGatewayV2::Api': 'API Gateway HTTP API',
      'AWS::CloudFront::Distribution': 'CloudFront distribution',
      'AWS::Transfer::Server': 'Transfer Family server',
      'AWS::Cognito::UserPool': 'Cognito user pool',
      'AWS::GuardDuty::Detector': 'GuardDuty detector',
      'AWS::SecurityHub::Hub': 'Security Hub',
      'AWS::Config::ConfigurationRecorder': 'AWS Config recorder',
      'AWS::Config::DeliveryChannel': 'AWS Config delivery channel',
      'AWS::Config::ConfigRule': 'AWS Config rules',
    } as Record<string, string>,
  },
  fr: {
    colon: ' :',
    title: 'Architecture de la plateforme',
    regionNotStated: 'région non indiquée',
    legend: 'Légende',
    outside: 'Hors de ces piles',
    notInTemplates: 'absent de ces modèles',
    statuses: {
      met: 'satisfait',
      'not-met': 'non satisfait',
      acknowledged: 'écart justifié',
      'not-evaluated': 'non évalué',
      none: 'sans statut',
    } satisfies Record<StatusKey, string>,
    relations: {
      encrypts: 'chiffre',
      logsTo: 'journalise vers',
      recordsAccess: 'trace les accès à',
      backsUp: 'sauvegarde',
      storesIn: 'stocke dans',
      copiesTo: 'copie vers',
      replicatesTo: 'réplique vers',
      testsRestores: 'teste les restaurations de',
      reportsTo: 'dépose ses rapports dans',
      reportsOn: 'rend compte de',
      notifies: 'notifie',
      watches: 'surveille',
      triggers: 'déclenche',
      forwardsTo: 'transmet à',
      authenticates: 'authentifie avec',
      reads: 'lit',
      writes: 'écrit',
      deliversTo: 'livre à',
      failuresTo: 'échecs vers',
      deployedIn: 'déployé dans',
      memberOf: 'membre de',
      uses: 'utilise',
    } satisfies Record<Relation, string>,
    subnetTypes: { Public: 'publics', Private: 'privés', Isolated: 'isolés' } as Record<string, string>,
    kinds: {
      'AWS::EC2::VPC': 'VPC',
      'AWS::EC2::Subnet': 'sous-réseaux',
      'AWS::EC2::VPCEndpoint': 'points de terminaison VPC',
      'AWS::S3::Bucket': 'compartiment S3',
      'AWS::RDS::DBCluster': 'cluster RDS',
      aurora: 'cluster Aurora',
      'AWS::RDS::DBInstance': 'instance RDS',
      'AWS::DynamoDB::Table': 'table DynamoDB',
      'AWS::DynamoDB::GlobalTable': 'table globale DynamoDB',
      'AWS::EFS::FileSystem': 'système de fichiers EFS',
      'AWS::ElastiCache::ReplicationGroup': 'cluster ElastiCache',
      'AWS::OpenSearchService::Domain': 'domaine OpenSearch',
      'AWS::DocDB::DBCluster': 'cluster DocumentDB',
      'AWS::HealthLake::FHIRDatastore': 'entrepôt FHIR HealthLake',
      'AWS::SecretsManager::Secret': 'secret Secrets Manager',
      'AWS::SQS::Queue': "file d'attente SQS",
      'AWS::KMS::Key': 'clé KMS',
      'AWS::CloudTrail::Trail': 'journal de suivi CloudTrail',
      'AWS::Backup::BackupVault': 'coffre de sauvegarde',
      'AWS::Backup::BackupPlan': 'plan de sauvegarde',
      'AWS::Backup::RestoreTestingPlan': 'plan de test de restauration',
      'AWS::Backup::ReportPlan': 'plan de rapports de sauvegarde',
      'AWS::Backup::Framework': "cadre d'audit des sauvegardes",
      'AWS::Logs::LogGroup': 'groupes de journaux',
      'AWS::CloudWatch::Alarm': 'alarmes CloudWatch',
      'AWS::Events::Rule': 'règles EventBridge',
      'AWS::Lambda::Function': 'fonction Lambda',
      'AWS::ECS::Service': 'service ECS',
      'AWS::EC2::Instance': 'instance EC2',
      'AWS::SNS::Topic': 'rubrique SNS',
      'AWS::ElasticLoadBalancingV2::LoadBalancer': 'répartiteur de charge',
      'AWS::ElasticLoadBalancing::LoadBalancer': 'répartiteur de charge classique',
      'AWS::ApiGateway::RestApi': 'API REST API Gateway',
      'AWS::ApiGatewayV2::Api': 'API HTTP API Gateway',
      'AWS::CloudFront::Distribution': 'distribution CloudFront',
      'AWS::Transfer::Server': 'serveur Transfer Family',
      'AWS::Cognito::UserPool': "groupe d'utilisateurs Cognito",
      'AWS::GuardDuty::Detector': 'détecteur GuardDuty',
      'AWS::SecurityHub::Hub': 'Security Hub',
      'AWS::Config::ConfigurationRecorder': 'enregistreur AWS Config',
      'AWS::Config::DeliveryChannel': 'canal de livraison AWS Config',
      'AWS::Config::ConfigRule': 'règles AWS Config',
    } as Record<string, string>,
  },
} as const;

/** Resource types drawn one by one. */
const DRAWN = new Set(Object.keys(DIAGRAM_WORDS.en.kinds).filter((t) => t.startsWith('AWS::')));

/** Types drawn as one node per stack (per VPC for network pieces) with a count: there are many, each says little. */
const SUMMARISED: Readonly<Record<string, string>> = {
  'AWS::Logs::LogGroup': 'AWS::Logs::LogGroup',
  'AWS::CloudWatch::Alarm': 'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm': 'AWS::CloudWatch::Alarm',
  'AWS::Events::Rule': 'AWS::Events::Rule',
  'AWS::Config::ConfigRule': 'AWS::Config::ConfigRule',
  'AWS::EC2::VPCEndpoint': 'AWS::EC2::VPCEndpoint',
  'AWS::EC2::Subnet': 'AWS::EC2::Subnet',
};

const COMPUTE = new Set(['AWS::Lambda::Function', 'AWS::ECS::Service', 'AWS::EC2::Instance']);
const ENTRY_POINTS = new Set([
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancing::LoadBalancer',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGatewayV2::Api',
  'AWS::CloudFront::Distribution',
  'AWS::Transfer::Server',
  'AWS::Cognito::UserPool',
]);
/** What AWS Backup can select by tag or ARN, among the drawn types. */
const BACKUP_TARGETS = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::EFS::FileSystem',
  'AWS::DocDB::DBCluster',
  'AWS::EC2::Instance',
]);

/**
 * Above this many drawn resources in one stack, or in all stacks together, resources are drawn as one
 * node per stack and type: a diagram of hundreds of boxes is read by nobody (and Graphviz takes seconds
 * on dense cross-stack references).
 */
const GROUP_BY_TYPE_ABOVE = 40;
const GROUP_ALL_BY_TYPE_ABOVE = 150;
const MAX_NAME = 42;
/**
 * Above this many edges, edge labels are placed after the layout (`xlabel`) instead of taking part in it:
 * 600 labelled edges take dot seconds, as external labels a fifth of that.
 */
const LAID_OUT_EDGE_LABELS_UP_TO = 150;

/** Properties that name a resource, so that literal names and ARNs in other templates resolve to it. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::CloudTrail::Trail': 'TrailName',
  'AWS::KMS::Alias': 'AliasName',
};

/** Undrawn resources whose references a drawn resource reaches through (a database's subnet group). */
const PASS_THROUGH: Readonly<Record<string, readonly string[]>> = {
  'AWS::RDS::DBSubnetGroup': ['SubnetIds'],
  'AWS::DocDB::DBSubnetGroup': ['SubnetIds'],
  'AWS::ElastiCache::SubnetGroup': ['SubnetIds'],
};

/**
 * Undrawn resources that link two drawn ones: an edge from what `from` refers to, to what `to` refers
 * to (property path prefixes).
 */
const LINKS: Readonly<Record<string, readonly { from: string; to: readonly string[]; relation: Relation }[]>> = {
  'AWS::EC2::FlowLog': [{ from: 'ResourceId', to: ['LogGroupName', 'LogDestination'], relation: 'logsTo' }],
  'AWS::ApiGateway::Method': [{ from: 'RestApiId', to: ['Integration'], relation: 'forwardsTo' }],
  'AWS::ApiGateway::Authorizer': [{ from: 'RestApiId', to: ['ProviderARNs', 'AuthorizerUri'], relation: 'authenticates' }],
  'AWS::ApiGateway::Stage': [{ from: 'RestApiId', to: ['AccessLogSetting'], relation: 'logsTo' }],
  'AWS::ApiGatewayV2::Integration': [{ from: 'ApiId', to: ['IntegrationUri'], relation: 'forwardsTo' }],
  'AWS::ApiGatewayV2::Authorizer': [{ from: 'ApiId', to: ['JwtConfiguration', 'AuthorizerUri'], relation: 'authenticates' }],
  'AWS::ApiGatewayV2::Stage': [{ from: 'ApiId', to: ['AccessLogSettings'], relation: 'logsTo' }],
  'AWS::Lambda::EventSourceMapping': [{ from: 'EventSourceArn', to: ['FunctionName'], relation: 'triggers' }],
  'AWS::SNS::Subscription': [{ from: 'TopicArn', to: ['Endpoint'], relation: 'notifies' }],
  'AWS::Logs::SubscriptionFilter': [{ from: 'LogGroupName', to: ['DestinationArn'], relation: 'deliversTo' }],
  'AWS::Transfer::User': [{ from: 'ServerId', to: ['HomeDirectory', 'HomeDirectoryMappings'], relation: 'storesIn' }],
  'AWS::EFS::MountTarget': [{ from: 'FileSystemId', to: ['SubnetId'], relation: 'deployedIn' }],
  'Custom::S3BucketNotifications': [{ from: 'BucketName', to: ['NotificationConfiguration'], relation: 'notifies' }],
  'AWS::GuardDuty::PublishingDestination': [
    { from: 'DetectorId', to: ['DestinationProperties.DestinationArn'], relation: 'deliversTo' },
  ],
};

// ---------------------------------------------------------------------------------------------------
// Reading the templates

interface ResourceKey {
  readonly stack: string;
  readonly logicalId: string;
}

/** A reference found in a property, with the property path it was found at (array indices left out). */
interface Found {
  readonly path: readonly string[];
  readonly target: ResourceKey | { readonly external: string };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Index {
  readonly stacks = new Map<string, DiagramStack>();
  private readonly exports = new Map<string, { stack: string; value: unknown }>();
  private readonly names = new Map<string, ResourceKey[]>();
  private readonly aliasTarget = new Map<string, ResourceKey>();
  readonly aliasesOf = new Map<string, string[]>();

  constructor(stacks: readonly DiagramStack[]) {
    for (const stack of stacks) this.stacks.set(stack.name, stack);
    for (const stack of this.sortedStacks()) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        const name = literalOf(stack.name, output.Export?.Name);
        if (name !== undefined) this.exports.set(name, { stack: stack.name, value: output.Value });
      }
      for (const [logicalId, resource] of this.resources(stack)) {
        const nameProperty = NAME_PROPERTIES[resource.Type];
        const name = nameProperty ? literalOf(stack.name, resource.Properties?.[nameProperty]) : undefined;
        if (name) {
          const list = this.names.get(`${resource.Type}\u0000${name}`) ?? [];
          list.push({ stack: stack.name, logicalId });
          this.names.set(`${resource.Type}\u0000${name}`, list);
        }
      }
    }
    // Aliases: a reference to an alias is a reference to its key, and the key is labelled with its aliases.
    for (const stack of this.sortedStacks()) {
      for (const [logicalId, resource] of this.resources(stack)) {
        if (resource.Type !== 'AWS::KMS::Alias') continue;
        const key = this.refsIn(stack.name, resource.Properties?.TargetKeyId, []).find(
          (f): f is Found & { target: ResourceKey } => 'logicalId' in f.target && this.resource(f.target)?.Type === 'AWS::KMS::Key',
        );
        if (!key) continue;
        this.aliasTarget.set(resourceKey({ stack: stack.name, logicalId }), key.target);
        const alias = literalOf(stack.name, resource.Properties?.AliasName);
        if (alias) this.aliasesOf.set(resourceKey(key.target), [...(this.aliasesOf.get(resourceKey(key.target)) ?? []), alias].sort(byText));
      }
    }
  }

  sortedStacks(): DiagramStack[] {
    return [...this.stacks.values()].sort((a, b) => byText(a.name, b.name));
  }

  resources(stack: DiagramStack): [string, DiagramResource][] {
    return Object.entries(stack.template.Resources ?? {}).sort(([a], [b]) => byText(a, b));
  }

  resource(key: ResourceKey): DiagramResource | undefined {
    const resources = this.stacks.get(key.stack)?.template.Resources;
    return resources && Object.prototype.hasOwnProperty.call(resources, key.logicalId) ? resources[key.logicalId] : undefined;
  }

  /** Every resource a value refers to, with where; aliases resolved to their key. */
  refsIn(stack: string, value: unknown, path: readonly string[], depth = 0): Found[] {
    const found: Found[] = [];
    const add = (logicalId: string, inStack = stack) => {
      const target = { stack: inStack, logicalId };
      if (!this.resource(target)) return;
      found.push({ path, target: this.aliasTarget.get(resourceKey(target)) ?? target });
    };
    if (depth > 8) return found;
    if (Array.isArray(value)) {
      for (const item of value) found.push(...this.refsIn(stack, item, path, depth));
      return found;
    }
    if (typeof value === 'string') {
      found.push(...this.literalRefs(stack, value, path));
      return found;
    }
    if (!isRecord(value)) return found;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = value[fn];
      if (fn === 'Ref' && typeof arg === 'string') {
        add(arg);
        return found;
      }
      if (fn === 'Fn::GetAtt') {
        const id = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
        if (typeof id === 'string') add(id);
        return found;
      }
      if (fn === 'Fn::Sub') {
        const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
        const local = isRecord(variables) ? variables : {};
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
            const name = match[1].split('.')[0].trim();
            if (!(name in local) && !name.startsWith('AWS::')) add(name);
          }
        }
        for (const v of Object.keys(local).sort(byText)) found.push(...this.refsIn(stack, local[v], path, depth + 1));
        return found;
      }
      if (fn === 'Fn::ImportValue') {
        const name = literalOf(stack, arg);
        const exported = name === undefined ? undefined : this.exports.get(name);
        if (exported) found.push(...this.refsIn(exported.stack, exported.value, path, depth + 1));
        return found;
      }
      if (fn === 'Fn::GetStackOutput' && isRecord(arg)) {
        const source = typeof arg.StackName === 'string' ? this.stacks.get(arg.StackName) : undefined;
        const output = typeof arg.OutputName === 'string' ? source?.template.Outputs?.[arg.OutputName] : undefined;
        if (source && output) found.push(...this.refsIn(source.name, output.Value, path, depth + 1));
        return found;
      }
      if (fn.startsWith('Fn::')) return this.refsIn(stack, arg, path, depth + 1);
    }
    for (const key of keys) found.push(...this.refsIn(stack, value[key], [...path, key], depth));
    return found;
  }

  /** Literal names and ARNs of resources of these templates (foreign templates often use them). */
  private literalRefs(stack: string, text: string, path: readonly string[]): Found[] {
    if (text.length < 3 || text.length > 512) return [];
    const candidates: [string, string][] = [];
    const arn = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(.*)$/.exec(text);
    if (arn) {
      const [, service, rest] = arn;
      const name = rest.replace(/^(backup-vault|log-group|function|cluster|db|table|alias)[:/]/, (_match, kind: string) => (kind === 'alias' ? 'alias/' : ''));
      const type = {
        s3: 'AWS::S3::Bucket',
        backup: 'AWS::Backup::BackupVault',
        sns: 'AWS::SNS::Topic',
        sqs: 'AWS::SQS::Queue',
        logs: 'AWS::Logs::LogGroup',
        lambda: 'AWS::Lambda::Function',
        dynamodb: 'AWS::DynamoDB::Table',
        kms: 'AWS::KMS::Alias',
      }[service];
      // Objects of a bucket and log streams of a group are theirs: "arn:aws:s3:::bucket/*", "log-group:name:*".
      if (type) candidates.push([type, service === 's3' ? name.split('/')[0] : name.replace(/:\*$/, '')]);
    } else if (/^\/aws\/(rds|lambda)\//.test(text)) {
      // Log groups the services name after the resource: /aws/rds/cluster/<id>/<log>, /aws/lambda/<function>.
      const rds = /^\/aws\/rds\/(cluster|instance)\/([^/]+)\//.exec(text);
      if (rds) candidates.push([rds[1] === 'cluster' ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance', rds[2]]);
      const lambda = /^\/aws\/lambda\/([^/]+)$/.exec(text);
      if (lambda) candidates.push(['AWS::Lambda::Function', lambda[1]]);
    } else if (text.startsWith('alias/')) {
      candidates.push(['AWS::KMS::Alias', text]);
    } else if (/^[\w.\-/]+$/.test(text)) {
      for (const type of Object.keys(NAME_PROPERTIES)) candidates.push([type, text]);
    }
    const found: Found[] = [];
    for (const [type, name] of candidates) {
      const keys = this.names.get(`${type}\u0000${name}`) ?? [];
      // A name is unique per account and region, not across regions: prefer the same stack's region.
      const region = this.stacks.get(stack)?.region;
      const sameRegion = keys.filter((k) => this.stacks.get(k.stack)?.region === region);
      for (const key of sameRegion.length > 0 ? sameRegion : keys) {
        found.push({ path, target: this.aliasTarget.get(resourceKey(key)) ?? key });
      }
    }
    if (found.length === 0 && arn) found.push({ path, target: { external: text } });
    return found;
  }
}

/** The literal string a value stands for, when the template states it (export names, resource names). */
function literalOf(stack: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  if (value.Ref === 'AWS::StackName') return stack;
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') {
    const replaced = sub.replace(/\$\{AWS::StackName\}/g, stack);
    return /\$\{/.test(replaced) ? undefined : replaced;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((p: unknown) => literalOf(stack, p));
    return parts.every((p): p is string => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

function tagsOf(resource: DiagramResource): Map<string, string> {
  const tags = new Map<string, string>();
  for (const property of ['Tags', 'FileSystemTags']) {
    const value = resource.Properties?.[property];
    if (Array.isArray(value)) {
      for (const tag of value) {
        if (isRecord(tag) && typeof tag.Key === 'string' && typeof tag.Value === 'string') tags.set(tag.Key, tag.Value);
      }
    } else if (isRecord(value)) {
      for (const [k, v] of Object.entries(value)) if (typeof v === 'string') tags.set(k, v);
    }
  }
  return tags;
}

/** The short human name: the last meaningful segment of the construct path, else the logical id. */
function shortName(logicalId: string, resource: DiagramResource): string {
  const cdkPath = resource.Metadata?.['aws:cdk:path'];
  // Without path metadata, a CDK logical id is the path with a hash: "HealthDataDocuments618528DF".
  let name = /^[A-Za-z][A-Za-z0-9]+[0-9A-F]{8}$/.test(logicalId) ? logicalId.slice(0, -8) : logicalId;
  if (typeof cdkPath === 'string') {
    const segments = cdkPath.split('/').slice(1);
    while (segments.length > 0 && /^(Resource|Default)$/.test(segments[segments.length - 1])) segments.pop();
    if (segments.length > 0) {
      const last = segments[segments.length - 1];
      // "Trail" or "Vault" alone says nothing the type does not: keep the parent ("AuditTrail/Trail").
      const generic = /^(trail|vault|plan|bucket|key|topic|function|handler|table|cluster|database|queue|secret|vpc|loggroup|alias|server|api|distribution|userpool|detector|hub|recorder|service|instance|writer|reader)\d*$/i;
      name = generic.test(last) && segments.length > 1 ? `${segments[segments.length - 2]}/${last}` : last;
    }
  }
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name;
}

// ---------------------------------------------------------------------------------------------------
// The graph

interface DiagramNode {
  readonly id: string;
  readonly stack?: string;
  /** Key of the VPC cluster the node is drawn in, if any. */
  vpc?: string;
  readonly name: string;
  readonly kind: string;
  readonly extra: string[];
  readonly members: ResourceKey[];
  readonly summary: boolean;
  readonly external: boolean;
}

interface Graph {
  readonly nodes: Map<string, DiagramNode>;
  readonly edges: Map<string, { from: string; to: string; relations: Set<Relation> }>;
}

function kindLabel(lang: DiagramLang, type: string, resource?: DiagramResource): string {
  const kinds = DIAGRAM_WORDS[lang].kinds;
  if (type === 'AWS::RDS::DBCluster' && /^aurora/.test(String(resource?.Properties?.Engine ?? ''))) return kinds.aurora;
  return kinds[type] ?? type;
}

function subnetTier(resource: DiagramResource, lang: DiagramLang): string {
  const tags = tagsOf(resource);
  const name = tags.get('aws-cdk:subnet-name');
  const type = tags.get('aws-cdk:subnet-type');
  const typeLabel = type ? (DIAGRAM_WORDS[lang].subnetTypes[type] ?? type) : undefined;
  if (name && typeLabel) return `${name} (${typeLabel})`;
  return name ?? typeLabel ?? '';
}

function buildGraph(index: Index, lang: DiagramLang): Graph {
  const nodes = new Map<string, DiagramNode>();
  const nodeOf = new Map<string, string>();
  const words = DIAGRAM_WORDS[lang];

  const place = (id: string, member: ResourceKey, make: () => DiagramNode) => {
    const node = nodes.get(id) ?? make();
    nodes.set(id, node);
    node.members.push(member);
    nodeOf.set(resourceKey(member), id);
  };

  const drawnCount = (stack: DiagramStack) => index.resources(stack).filter(([, r]) => DRAWN.has(r.Type) && !SUMMARISED[r.Type]).length;
  const total = index.sortedStacks().reduce((sum, stack) => sum + drawnCount(stack), 0);
  for (const stack of index.sortedStacks()) {
    const byType = total > GROUP_ALL_BY_TYPE_ABOVE || drawnCount(stack) > GROUP_BY_TYPE_ABOVE;
    for (const [logicalId, resource] of index.resources(stack)) {
      const member = { stack: stack.name, logicalId };
      const summarised = SUMMARISED[resource.Type];
      if (summarised) {
        // Subnets and endpoints are drawn inside their VPC's cluster.
        const vpc = index.refsIn(stack.name, resource.Properties?.VpcId, []).find((f) => 'logicalId' in f.target);
        const vpcKey = vpc && 'logicalId' in vpc.target && vpc.target.stack === stack.name ? vpc.target.logicalId : '';
        const tier = summarised === 'AWS::EC2::Subnet' ? subnetTier(resource, lang) : '';
        const id = `${stack.name}/${summarised}/${vpcKey}/${tier}`;
        const kind = words.kinds[summarised];
        place(id, member, () => ({
          id,
          stack: stack.name,
          vpc: vpcKey || undefined,
          name: tier ? `${kind}${words.colon} ${tier}` : kind,
          kind: '',
          extra: [],
          members: [],
          summary: true,
          external: false,
        }));
      } else if (DRAWN.has(resource.Type) && byType) {
        const id = `${stack.name}/${resource.Type}`;
        place(id, member, () => ({
          id,
          stack: stack.name,
          name: kindLabel(lang, resource.Type),
          kind: '',
          extra: [],
          members: [],
          summary: true,
          external: false,
        }));
      } else if (DRAWN.has(resource.Type)) {
        const id = `${stack.name}/${logicalId}`;
        const aliases = resource.Type === 'AWS::KMS::Key' ? (index.aliasesOf.get(resourceKey(member)) ?? []) : [];
        place(id, member, () => ({
          id,
          stack: stack.name,
          vpc: resource.Type === 'AWS::EC2::VPC' ? logicalId : undefined,
          name: shortName(logicalId, resource),
          kind: kindLabel(lang, resource.Type, resource),
          extra: aliases,
          members: [],
          summary: false,
          external: false,
        }));
      }
    }
  }
  // A subnet group whose VPC is not drawn (not in these stacks, or grouped by type) stays in the stack cluster.
  for (const node of nodes.values()) {
    if (node.vpc && node.stack && !nodes.has(`${node.stack}/${node.vpc}`)) node.vpc = undefined;
  }

  const edges = new Map<string, { from: string; to: string; relations: Set<Relation> }>();
  const externalNode = (arn: string): string => {
    const id = `external/${arn}`;
    if (!nodes.has(id)) {
      const match = /^arn:[^:]+:([^:]+):([^:]*):[^:]*:(.*)$/.exec(arn);
      const service = match?.[1] ?? '';
      const type =
        { backup: 'AWS::Backup::BackupVault', s3: 'AWS::S3::Bucket', kms: 'AWS::KMS::Key', sns: 'AWS::SNS::Topic' }[service] ?? '';
      const resourcePart = match?.[3] ?? arn;
      const name = resourcePart.split(/[:/]/).pop() || resourcePart;
      nodes.set(id, {
        id,
        name: name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name,
        kind: type ? kindLabel(lang, type) : service,
        extra: [match?.[2] || words.regionNotStated, words.notInTemplates],
        members: [],
        summary: false,
        external: true,
      });
    }
    return id;
  };
  const nodeFor = (target: Found['target']): string | undefined =>
    'external' in target ? externalNode(target.external) : nodeOf.get(resourceKey(target));
  const addEdge = (fromTarget: Found['target'], toTarget: Found['target'], relation: Relation) => {
    // Only copies and replications are drawn to places outside the templates: they are data transfers.
    if ('external' in toTarget && relation !== 'copiesTo' && relation !== 'replicatesTo') return;
    if ('external' in fromTarget) return;
    const from = nodeFor(fromTarget);
    const to = nodeFor(toTarget);
    if (!from || !to || from === to) return;
    const key = `${from}\u0000${to}`;
    const edge = edges.get(key) ?? { from, to, relations: new Set<Relation>() };
    edge.relations.add(relation);
    edges.set(key, edge);
  };

  const refsOf = (stack: string, resource: DiagramResource): Found[] => {
    const found: Found[] = [];
    for (const f of index.refsIn(stack, resource.Properties ?? {}, [])) {
      found.push(f);
      // A database's subnet group leads to its subnets.
      const via = 'logicalId' in f.target ? index.resource(f.target) : undefined;
      const follow = via ? PASS_THROUGH[via.Type] : undefined;
      if (via && follow && 'logicalId' in f.target) {
        for (const property of follow) {
          for (const g of index.refsIn(f.target.stack, via.Properties?.[property], [])) found.push({ path: f.path, target: g.target });
        }
      }
    }
    return found;
  };
  const typeOf = (target: Found['target']) => ('logicalId' in target ? index.resource(target)?.Type : undefined);

  const roleDocuments = roleDocumentsOf(index);
  const listeners = new Map<string, { lbs: Found['target'][]; actions: Found[] }>();
  const targetGroups = new Map<string, Found['target'][]>();

  for (const stack of index.sortedStacks()) {
    for (const [logicalId, resource] of index.resources(stack)) {
      const self: ResourceKey = { stack: stack.name, logicalId };
      const refs = refsOf(stack.name, resource);
      const at = (prefix: string) => refs.filter((f) => f.path.join('.').startsWith(prefix));
      if (nodeOf.has(resourceKey(self))) {
        for (const f of refs) {
          const toType = typeOf(f.target);
          const found = classify(resource, f.path, toType, 'external' in f.target);
          if (!found) continue;
          const [relation, reversed] = found;
          if (reversed) addEdge(f.target, self, relation);
          else addEdge(self, f.target, relation);
        }
        if (COMPUTE.has(resource.Type)) {
          for (const [target, relations] of accessOf(index, stack.name, resource, roleDocuments)) {
            for (const relation of relations) addEdge(self, target, relation);
          }
        }
      }
      for (const link of LINKS[resource.Type] ?? []) {
        for (const from of at(link.from)) {
          for (const prefix of link.to) for (const to of at(prefix)) addEdge(from.target, to.target, link.relation);
        }
      }
      if (resource.Type === 'AWS::Backup::BackupSelection') {
        for (const plan of at('BackupPlanId')) {
          for (const target of backupSelection(index, stack, resource)) addEdge(plan.target, target, 'backsUp');
        }
      }
      if (resource.Type === 'AWS::ElasticLoadBalancingV2::Listener' || resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule') {
        listeners.set(resourceKey(self), {
          lbs: [...at('LoadBalancerArn'), ...at('ListenerArn')].map((f) => f.target),
          actions: [...at('DefaultActions'), ...at('Actions')],
        });
      }
      if (resource.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup') {
        targetGroups.set(resourceKey(self), [...(targetGroups.get(resourceKey(self)) ?? []), ...at('Targets').map((f) => f.target)]);
      }
      // Services and auto-scaling groups register with a target group from their side.
      for (const f of [...at('LoadBalancers'), ...at('TargetGroupARNs')]) {
        if (typeOf(f.target) === 'AWS::ElasticLoadBalancingV2::TargetGroup' && 'logicalId' in f.target) {
          targetGroups.set(resourceKey(f.target), [...(targetGroups.get(resourceKey(f.target)) ?? []), self]);
        }
      }
    }
  }
  // Entry point -> target, through listeners (and listener rules) and target groups.
  const lbsOf = (target: Found['target'], depth = 0): Found['target'][] => {
    if (depth > 2 || !('logicalId' in target)) return [];
    if (typeOf(target) === 'AWS::ElasticLoadBalancingV2::LoadBalancer') return [target];
    const listener = listeners.get(resourceKey(target));
    return listener ? listener.lbs.flatMap((t) => lbsOf(t, depth + 1)) : [];
  };
  for (const [key, listener] of [...listeners.entries()].sort(([a], [b]) => byText(a, b))) {
    const [stack, logicalId] = key.split('\u0000');
    for (const lb of lbsOf({ stack, logicalId })) {
      for (const action of listener.actions) {
        const type = typeOf(action.target);
        if (type === 'AWS::Cognito::UserPool') addEdge(lb, action.target, 'authenticates');
        if (type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && 'logicalId' in action.target) {
          for (const target of targetGroups.get(resourceKey(action.target)) ?? []) addEdge(lb, target, 'forwardsTo');
        }
      }
    }
  }
  return { nodes, edges };
}

/**
 * The relation a drawn resource has with what one of its properties refers to; `true` when the edge goes
 * the other way (a key encrypts the resource that names it).
 */
function classify(
  from: DiagramResource,
  path: readonly string[],
  toType: string | undefined,
  external: boolean,
): [Relation, boolean] | undefined {
  const relation = relationOf(from, path, toType, external);
  if (!relation) return undefined;
  const reversed = relation === 'encrypts' || (from.Type === 'AWS::Logs::LogGroup' && relation === 'logsTo');
  return [relation, reversed];
}

function relationOf(from: DiagramResource, path: readonly string[], toType: string | undefined, external: boolean): Relation | undefined {
  const p = path.join('.');
  const type = from.Type;
  if (external) {
    if (type === 'AWS::Backup::BackupPlan' && /CopyActions/.test(p)) return 'copiesTo';
    if (type === 'AWS::S3::Bucket' && /^ReplicationConfiguration\.Rules\.Destination\.Bucket$/.test(p)) return 'replicatesTo';
    return undefined;
  }
  // Containment is drawn as clusters; roles, security groups and the like are not drawn.
  if (!toType || toType === 'AWS::EC2::VPC' || !(DRAWN.has(toType) || SUMMARISED[toType])) return undefined;
  if (type === 'AWS::EC2::Subnet' || type === 'AWS::Backup::BackupSelection') return undefined;
  if (/DeadLetter/.test(p)) return 'failuresTo';
  if (toType === 'AWS::KMS::Key') return COMPUTE.has(type) && !/kms/i.test(p) ? 'uses' : 'encrypts';
  // A log group named after what writes to it (/aws/rds/cluster/<name>/..., /aws/lambda/<name>).
  if (type === 'AWS::Logs::LogGroup') return /^LogGroupName/.test(p) ? 'logsTo' : undefined;
  if (toType === 'AWS::EC2::Subnet') return 'deployedIn';
  if (type === 'AWS::CloudTrail::Trail') {
    if (/EventSelectors/.test(p)) return 'recordsAccess';
    if (/SnsTopic/.test(p)) return 'notifies';
    return 'logsTo';
  }
  if (type === 'AWS::Backup::BackupPlan') return /CopyActions/.test(p) ? 'copiesTo' : 'storesIn';
  if (type === 'AWS::Backup::RestoreTestingPlan') return 'testsRestores';
  if (type === 'AWS::Backup::ReportPlan') return toType === 'AWS::Backup::Framework' ? 'reportsOn' : 'reportsTo';
  if (type === 'AWS::RDS::DBInstance' && toType === 'AWS::RDS::DBCluster') return 'memberOf';
  if (/^ReplicationConfiguration/.test(p)) return /Destination\.Bucket$/.test(p) ? 'replicatesTo' : undefined;
  if (/Notification/.test(p)) return 'notifies';
  if (type === 'AWS::CloudWatch::Alarm' || type === 'AWS::CloudWatch::CompositeAlarm') return /Actions/.test(p) ? 'notifies' : 'watches';
  if (type === 'AWS::Events::Rule') return toType === 'AWS::SNS::Topic' || toType === 'AWS::SQS::Queue' ? 'notifies' : 'triggers';
  if (type === 'AWS::Config::DeliveryChannel') return toType === 'AWS::SNS::Topic' ? 'notifies' : 'deliversTo';
  if (/Log/.test(p) || (ENTRY_POINTS.has(type) && toType === 'AWS::S3::Bucket' && /Attributes/.test(p))) return 'logsTo';
  if (type === 'AWS::Cognito::UserPool' && /LambdaConfig/.test(p)) return 'triggers';
  if (ENTRY_POINTS.has(type)) return toType === 'AWS::Cognito::UserPool' || /IdentityProvider/.test(p) ? 'authenticates' : 'forwardsTo';
  if (toType === 'AWS::SNS::Topic' && !COMPUTE.has(type)) return 'notifies';
  return 'uses';
}

// --- What a function or service may read and write, from the policies of its role.

type RoleDocuments = Map<string, { stack: string; document: unknown }[]>;

function roleDocumentsOf(index: Index): RoleDocuments {
  const documents: RoleDocuments = new Map();
  const add = (role: ResourceKey, stack: string, document: unknown) => {
    documents.set(resourceKey(role), [...(documents.get(resourceKey(role)) ?? []), { stack, document }]);
  };
  for (const stack of index.sortedStacks()) {
    for (const [logicalId, resource] of index.resources(stack)) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::IAM::Role') {
        const self = { stack: stack.name, logicalId };
        for (const policy of Array.isArray(props.Policies) ? props.Policies : []) {
          if (isRecord(policy)) add(self, stack.name, policy.PolicyDocument);
        }
        for (const f of index.refsIn(stack.name, props.ManagedPolicyArns, [])) {
          const managed = 'logicalId' in f.target ? index.resource(f.target) : undefined;
          if (managed?.Type === 'AWS::IAM::ManagedPolicy' && 'logicalId' in f.target) add(self, f.target.stack, managed.Properties?.PolicyDocument);
        }
      }
      if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
        for (const f of index.refsIn(stack.name, props.Roles, [])) {
          if ('logicalId' in f.target) add(f.target, stack.name, props.PolicyDocument);
        }
      }
    }
  }
  return documents;
}

const READ_ACTION = /^[\w-]+:(Get|List|Describe|Read|Query|Scan|BatchGet|Select|Receive|Head|Search|Lookup|Download)/i;

function accessOf(index: Index, stack: string, resource: DiagramResource, documents: RoleDocuments): [ResourceKey, Relation[]][] {
  const props = resource.Properties ?? {};
  let roleValue: unknown = props.Role;
  if (resource.Type === 'AWS::ECS::Service') {
    const task = index.refsIn(stack, props.TaskDefinition, []).find((f) => 'logicalId' in f.target);
    roleValue = task && 'logicalId' in task.target ? index.resource(task.target)?.Properties?.TaskRoleArn : undefined;
  }
  if (resource.Type === 'AWS::EC2::Instance') {
    const profile = index.refsIn(stack, props.IamInstanceProfile, []).find((f) => 'logicalId' in f.target);
    roleValue = profile && 'logicalId' in profile.target ? index.resource(profile.target)?.Properties?.Roles : undefined;
  }
  const access = new Map<string, { target: ResourceKey; relations: Set<Relation> }>();
  for (const role of index.refsIn(stack, roleValue, [])) {
    if (!('logicalId' in role.target)) continue;
    for (const { stack: policyStack, document } of documents.get(resourceKey(role.target)) ?? []) {
      const statements = isRecord(document) ? document.Statement : undefined;
      for (const statement of Array.isArray(statements) ? statements : [statements]) {
        if (!isRecord(statement) || statement.Effect !== 'Allow') continue;
        const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter((a): a is string => typeof a === 'string');
        if (actions.length === 0) continue;
        const reads = actions.some((a) => READ_ACTION.test(a) || a.endsWith('*'));
        const writes = actions.some((a) => !READ_ACTION.test(a));
        for (const f of index.refsIn(policyStack, statement.Resource, [])) {
          if (!('logicalId' in f.target)) continue;
          const type = index.resource(f.target)?.Type;
          // Keys and log groups are drawn through encryption and logging edges already.
          if (!type || type === 'AWS::KMS::Key' || type === 'AWS::Logs::LogGroup' || !DRAWN.has(type)) continue;
          const entry = access.get(resourceKey(f.target)) ?? { target: f.target, relations: new Set<Relation>() };
          if (type === 'AWS::SNS::Topic') entry.relations.add('notifies');
          else {
            if (reads) entry.relations.add('reads');
            if (writes) entry.relations.add('writes');
          }
          access.set(resourceKey(f.target), entry);
        }
      }
    }
  }
  return [...access.entries()].sort(([a], [b]) => byText(a, b)).map(([, e]) => [e.target, [...e.relations]]);
}

/** What a backup selection protects: resources listed, or selected by tag, in the plan's account and region. */
function backupSelection(index: Index, stack: DiagramStack, selection: DiagramResource): ResourceKey[] {
  const spec = isRecord(selection.Properties?.BackupSelection) ? selection.Properties.BackupSelection : {};
  const listed = Array.isArray(spec.Resources) ? spec.Resources : [];
  const selected: ResourceKey[] = [];
  for (const f of index.refsIn(stack.name, listed, [])) if ('logicalId' in f.target) selected.push(f.target);

  const wildcards = listed.filter((r): r is string => typeof r === 'string' && r.includes('*'));
  const tagConditions: { key: string; value: string }[] = [];
  for (const tag of Array.isArray(spec.ListOfTags) ? spec.ListOfTags : []) {
    if (isRecord(tag) && typeof tag.ConditionKey === 'string' && typeof tag.ConditionValue === 'string') {
      tagConditions.push({ key: tag.ConditionKey, value: tag.ConditionValue });
    }
  }
  const conditions = isRecord(spec.Conditions) ? spec.Conditions : {};
  const andConditions: { key: string; value: string; like: boolean; equal: boolean }[] = [];
  for (const [operator, list] of Object.entries(conditions)) {
    for (const c of Array.isArray(list) ? list : []) {
      if (isRecord(c) && typeof c.ConditionKey === 'string' && typeof c.ConditionValue === 'string') {
        andConditions.push({
          key: c.ConditionKey.replace(/^aws:ResourceTag\//, ''),
          value: c.ConditionValue,
          like: /Like$/.test(operator),
          equal: !/^StringNot/.test(operator),
        });
      }
    }
  }
  if (wildcards.length === 0 && tagConditions.length === 0) return selected;

  const typeMatches = (type: string) =>
    wildcards.length === 0 ||
    wildcards.some((w) => {
      if (w === '*') return true;
      const service = /^arn:[^:]*:([^:]*):/.exec(w)?.[1];
      return (
        (service === 's3' && type === 'AWS::S3::Bucket') ||
        (service === 'rds' && /:cluster:/.test(w) && type === 'AWS::RDS::DBCluster') ||
        (service === 'rds' && /:db:/.test(w) && type === 'AWS::RDS::DBInstance') ||
        (service === 'dynamodb' && type === 'AWS::DynamoDB::Table') ||
        (service === 'elasticfilesystem' && type === 'AWS::EFS::FileSystem') ||
        (service === 'ec2' && type === 'AWS::EC2::Instance')
      );
    });
  const like = (pattern: string, value: string) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value);
  for (const candidate of index.sortedStacks()) {
    if (stack.region && candidate.region && candidate.region !== stack.region) continue;
    for (const [logicalId, resource] of index.resources(candidate)) {
      if (!BACKUP_TARGETS.has(resource.Type) || !typeMatches(resource.Type)) continue;
      // Aurora is backed up by cluster, not by instance.
      if (resource.Type === 'AWS::RDS::DBInstance' && resource.Properties?.DBClusterIdentifier !== undefined) continue;
      const tags = tagsOf(resource);
      const anyTag = tagConditions.length === 0 || tagConditions.some((t) => tags.get(t.key) === t.value);
      const allConditions = andConditions.every((c) => {
        const value = tags.get(c.key);
        const matches = value !== undefined && (c.like ? like(c.value, value) : value === c.value);
        return c.equal ? matches : !matches;
      });
      if (anyTag && allConditions) selected.push({ stack: candidate.name, logicalId });
    }
  }
  return selected;
}

// ---------------------------------------------------------------------------------------------------
// DOT output

/** A relation left off an edge that already says more (a dead-letter queue is written to, that is what it is for). */
const SUBSUMED_BY: Partial<Record<Relation, readonly Relation[]>> = {
  uses: RELATION_ORDER.filter((r) => r !== 'uses'),
  writes: ['failuresTo', 'logsTo', 'deliversTo'],
};

const SEVERITY: readonly StatusKey[] = ['not-met', 'acknowledged', 'not-evaluated', 'met', 'none'];

/** Fill and border colours with dark text on light fills (contrast above 7:1), plus a mark and a border style for black and white. */
export const DIAGRAM_STATUS_STYLES: Readonly<
  Record<StatusKey, { readonly fill: string; readonly border: string; readonly mark: string; readonly style: string; readonly penwidth: number }>
> = {
  met: { fill: '#a5d6a7', border: '#1b5e20', mark: '✔', style: 'solid', penwidth: 1.5 },
  'not-met': { fill: '#ef9a9a', border: '#b71c1c', mark: '✖', style: 'bold', penwidth: 3 },
  acknowledged: { fill: '#ffcc80', border: '#e65100', mark: '!', style: 'dashed', penwidth: 2 },
  'not-evaluated': { fill: '#e0e0e0', border: '#616161', mark: '?', style: 'dotted', penwidth: 2 },
  none: { fill: '#ffffff', border: '#9e9e9e', mark: '', style: 'solid', penwidth: 1 },
};

/** A DOT quoted string: backslashes and quotes escaped, line breaks as centred `\n`. */
function quoted(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return `"${escaped}"`;
}

/** Text inside an HTML-like DOT label. */
function html(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r\n|\r|\n/g, '<BR/>')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

function nodeLabel(mark: string, name: string, lines: readonly string[]): string {
  const title = `<B>${html(mark ? `${mark} ${name}` : name)}</B>`;
  return `<${[title, ...lines.filter((l) => l).map((l) => `<FONT POINT-SIZE="10">${html(l)}</FONT>`)].join('<BR/>')}>`;
}

function nodeAttributes(status: StatusKey, label: string, tooltip: string, extra = ''): string {
  const s = DIAGRAM_STATUS_STYLES[status];
  const style = s.style === 'solid' ? 'rounded,filled' : `rounded,filled,${s.style}`;
  return `[label=${label}, style=${quoted(style)}, fillcolor=${quoted(s.fill)}, color=${quoted(s.border)}, penwidth=${s.penwidth}, tooltip=${quoted(tooltip)}${extra}]`;
}

/** The Graphviz source: deterministic (same input, same text). */
export function diagramDot(stacks: readonly DiagramStack[], statusOf: DiagramStatusOf, lang: DiagramLang): string {
  const words = DIAGRAM_WORDS[lang];
  const index = new Index(stacks);
  const graph = buildGraph(index, lang);

  const statusOfNode = (node: DiagramNode): StatusKey => {
    const statuses = new Set<StatusKey>(node.members.map((m) => statusOf(m.stack, m.logicalId) ?? 'none'));
    return SEVERITY.find((s) => statuses.has(s) && (s !== 'none' || statuses.size === 1)) ?? 'none';
  };
  const nodeLine = (node: DiagramNode, indent: string): string => {
    const status = statusOfNode(node);
    const lines = node.summary ? [`×${node.members.length}`] : [node.kind, ...node.extra];
    const ids = node.members.map((m) => m.logicalId);
    const tooltip = node.external
      ? node.id.replace(/^external\//, '')
      : `${node.stack ?? ''}: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}`;
    return `${indent}${quoted(node.id)} ${nodeAttributes(status, nodeLabel(DIAGRAM_STATUS_STYLES[status].mark, node.name, lines), tooltip)};`;
  };

  const out: string[] = [];
  out.push('digraph architecture {');
  out.push(
    `  graph [label=${quoted(words.title)}, labelloc="t", fontname="Helvetica", fontsize=16, rankdir="LR", newrank=true, compound=true, nodesep=0.25, ranksep=0.8, charset="UTF-8"];`,
  );
  out.push('  node [shape="box", fontname="Helvetica", fontsize=11, margin="0.12,0.06"];');
  out.push('  edge [fontname="Helvetica", fontsize=9, color="#424242", fontcolor="#212121", arrowsize=0.7];');

  const nodes = [...graph.nodes.values()].sort((a, b) => byText(a.id, b.id));
  for (const stack of index.sortedStacks()) {
    out.push(`  subgraph ${quoted(`cluster_${stack.name}`)} {`);
    out.push(
      `    graph [label=${quoted(`${stack.name}\n${stack.region ?? words.regionNotStated}`)}, style="rounded", color="#37474f", penwidth=1.5, fontsize=13, margin=12];`,
    );
    const inStack = nodes.filter((n) => n.stack === stack.name);
    const vpcs = inStack.filter((n) => !n.summary && n.vpc && n.id === `${stack.name}/${n.vpc}`);
    for (const vpc of vpcs) {
      out.push(`    subgraph ${quoted(`cluster_${vpc.id}`)} {`);
      out.push(`      graph [label="", style="dashed,rounded", color="#78909c", margin=8];`);
      for (const node of inStack.filter((n) => n.vpc === vpc.vpc)) out.push(nodeLine(node, '      '));
      out.push('    }');
    }
    for (const node of inStack.filter((n) => !vpcs.some((v) => v.vpc === n.vpc))) out.push(nodeLine(node, '    '));
    out.push('  }');
  }
  const externals = nodes.filter((n) => n.external);
  if (externals.length > 0) {
    out.push(`  subgraph "cluster_external" {`);
    out.push(`    graph [label=${quoted(words.outside)}, style="dashed,rounded", color="#b71c1c", fontsize=13];`);
    for (const node of externals) out.push(nodeLine(node, '    '));
    out.push('  }');
  }

  const edges = [...graph.edges.values()].sort((a, b) => byText(`${a.from}\u0000${a.to}`, `${b.from}\u0000${b.to}`));
  const labelAttribute = edges.length > LAID_OUT_EDGE_LABELS_UP_TO ? 'xlabel' : 'label';
  for (const edge of edges) {
    const relations = RELATION_ORDER.filter((r) => edge.relations.has(r) && !SUBSUMED_BY[r]?.some((s) => edge.relations.has(s)));
    const label = relations.map((r) => words.relations[r]).join(', ');
    const protection = relations.every((r) => r === 'encrypts');
    const style = protection ? ', style="dashed", color="#757575"' : '';
    out.push(`  ${quoted(edge.from)} -> ${quoted(edge.to)} [${labelAttribute}=${quoted(label)}${style}];`);
  }

  // Legend: one node per status, styled like the resources.
  out.push(`  subgraph "cluster_legend" {`);
  out.push(`    graph [label=${quoted(words.legend)}, style="rounded", color="#9e9e9e", fontsize=12];`);
  const legend = (['met', 'not-met', 'acknowledged', 'not-evaluated', 'none'] as const).map((status) => {
    const s = DIAGRAM_STATUS_STYLES[status];
    const label = nodeLabel('', s.mark ? `${s.mark} ${words.statuses[status]}` : words.statuses[status], []);
    return `    ${quoted(`legend/${status}`)} ${nodeAttributes(status, label, words.statuses[status])};`;
  });
  out.push(...legend);
  out.push(`    "legend/met" -> "legend/not-met" -> "legend/acknowledged" -> "legend/not-evaluated" -> "legend/none" [style="invis"];`);
  out.push('  }');
  out.push('}');
  return `${out.join('\n')}\n`;
}

let graphviz: Promise<Graphviz> | undefined;

/**
 * The WebAssembly Graphviz, loaded once. The package is ESM only: Node's own `require` loads it (require
 * of ESM, Node >= 20.19). Taken from `process.getBuiltinModule` so that jest, whose module registry
 * (`require` and `node:module` included) cannot load ESM, does not stand in between.
 */
function loadGraphviz(): Promise<Graphviz> {
  if (!graphviz) {
    const nodeRequire = process.getBuiltinModule('node:module').createRequire(__filename);
    const { Graphviz: wasm } = nodeRequire('@hpcc-js/wasm-graphviz') as typeof import('@hpcc-js/wasm-graphviz');
    graphviz = wasm.load().catch((error: unknown) => {
      graphviz = undefined;
      throw error;
    });
  }
  return graphviz;
}

/** Renders DOT to a standalone SVG string with the WebAssembly Graphviz (loaded once, cached). */
export async function renderSvg(dot: string): Promise<string> {
  return (await loadGraphviz()).dot(dot, 'svg');
}

/** diagramDot + renderSvg. */
export function architectureDiagram(stacks: readonly DiagramStack[], statusOf: DiagramStatusOf, lang: DiagramLang): Promise<string> {
  return renderSvg(diagramDot(stacks, statusOf, lang));
}
