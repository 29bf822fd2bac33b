import { Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, Dependable, type IConstruct } from 'constructs';
import { acknowledgeObjectWildcards } from '../acknowledgements';
import { recordControls } from '../controls';
import { SecureBucket } from './secure-bucket';

/** Tag that puts a resource in the platform's backup selection (BAK-02). */
export const BACKUP_TAG = { key: 'hds:backup', value: 'true' } as const;
/** Tag that classifies what a resource holds. */
export const CLASSIFICATION_TAG_KEY = 'hds:data-classification';

/** Port of the Aurora PostgreSQL cluster. */
export const DATABASE_PORT = 5432;

/** Master user of the cluster, whose password RDS manages; never granted to an application. */
export const MASTER_USERNAME = 'hds_admin';

/** pgaudit: schema changes, role and privilege changes, and every write (LOG-05). */
export const PGAUDIT_LOG_CLASSES = 'ddl,role,write';

export interface HealthDataStoreProps {
  /** Prefix of physical names (database cluster identifier). */
  readonly namePrefix: string;
  readonly vpc: ec2.IVpc;
  /** Isolated subnets of the data tier (NET-01). */
  readonly dataSubnets: ec2.SubnetSelection;
  /** Encrypts documents, database storage, Performance Insights and credentials (ENC-02). */
  readonly dataKey: kms.IKey;
  /** Encrypts the database's log groups (LOG-04). */
  readonly logsKey: kms.IKey;
  /** Receives the documents bucket's server access logs (LOG-05). */
  readonly accessLogs: s3.IBucket;
  /** Retention of the database's log groups (LOG-04). */
  readonly logRetention: logs.RetentionDays;
  /** Aurora Serverless v2 capacity range, in ACU. */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Reader instances beside the writer. */
  readonly readers: number;
  /**
   * How long documents are kept (DATA-01), from a retention preset (`lib/config/retention.ts`).
   * @default - kept until the application deletes them; previous versions 35 days; no Object Lock
   */
  readonly documentsRetention?: DocumentsLifecycle;
}

/** The documents bucket's lifecycle, as a retention preset decides it (DATA-01). */
export interface DocumentsLifecycle {
  /** S3 deletes a document this many days after it was written. @default - never: the application deletes */
  readonly expireAfterDays?: number;
  /** Days an overwritten or deleted version stays recoverable. */
  readonly previousVersionsDays: number;
  /**
   * Object Lock default retention in governance mode: a misfiled document can still be removed by someone
   * granted s3:BypassGovernanceRetention, nobody else can delete a version earlier. @default - no lock
   */
  readonly lockDays?: number;
}

/**
 * Where the platform keeps health data (ENC-02/03, LOG-05, BAK-02): a documents bucket and an Aurora
 * PostgreSQL Serverless v2 cluster in isolated subnets, both encrypted with the data key and tagged
 * for backup.
 */
export class HealthDataStore extends Construct {
  public readonly documents: s3.Bucket;
  public readonly database: rds.DatabaseCluster;
  /** Log groups the database exports to, by log type. */
  public readonly databaseLogGroups: Record<string, logs.LogGroup>;
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** Isolated data subnets; restore tests place restored clusters here too. */
  public readonly databaseSubnetGroup: rds.SubnetGroup;
  private readonly dataKey: kms.IKey;

  constructor(scope: Construct, id: string, props: HealthDataStoreProps) {
    super(scope, id);
    this.dataKey = props.dataKey;
    const retention = props.documentsRetention ?? { previousVersionsDays: 35 };
    if (retention.lockDays !== undefined && retention.expireAfterDays !== undefined && retention.lockDays > retention.expireAfterDays) {
      throw new Error(
        `${this.node.path}: documentsRetention.lockDays is ${retention.lockDays}, longer than expireAfterDays (${retention.expireAfterDays}); allowed: a lock at most as long as the expiry (DATA-01)`,
      );
    }
    this.documents = new SecureBucket(this, 'Documents', {
      encryption: { key: props.dataKey },
      serverAccessLogs: { bucket: props.accessLogs, prefix: 'documents/' },
      objectLock: retention.lockDays !== undefined ? { mode: 'GOVERNANCE', days: retention.lockDays } : undefined,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          id: 'retention',
          expiration: retention.expireAfterDays !== undefined ? Duration.days(retention.expireAfterDays) : undefined,
          noncurrentVersionExpiration: Duration.days(retention.previousVersionsDays),
          expiredObjectDeleteMarker: retention.expireAfterDays === undefined ? true : undefined,
        },
      ],
    }).bucket;
    recordControls(this.documents, 'ENC-02', 'ENC-03', 'LOG-05', 'BAK-02', 'DATA-01');
    this.tagHealthData(this.documents);

    // RDS lower-cases identifiers; the log group name must match what RDS writes to.
    const clusterIdentifier = `${props.namePrefix}-health-db`.toLowerCase();
    // Created before the cluster, with our key and retention: RDS then writes into them instead of
    // creating unencrypted groups, and no log-retention Lambda is needed.
    this.databaseLogGroups = {};
    for (const logType of ['postgresql']) {
      const group = new logs.LogGroup(this, 'DatabaseLogs', {
        logGroupName: `/aws/rds/cluster/${clusterIdentifier}/${logType}`,
        encryptionKey: props.logsKey,
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      recordControls(group, 'LOG-04', 'LOG-05');
      this.databaseLogGroups[logType] = group;
    }

    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 });
    const parameterGroup = new rds.ParameterGroup(this, 'DatabaseParameters', {
      engine,
      description: 'hds-blueprint: TLS only, pgaudit',
      parameters: {
        'rds.force_ssl': '1',
        'ssl_min_protocol_version': 'TLSv1.2',
        shared_preload_libraries: 'pg_stat_statements,pgaudit',
        'pgaudit.log': PGAUDIT_LOG_CLASSES,
        'pgaudit.role': 'rds_pgaudit',
        log_connections: '1',
        log_disconnections: '1',
      },
    });

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: props.vpc,
      description: 'Aurora health database: ingress only from consumers granted access, no egress',
      allowAllOutbound: false,
    });
    recordControls(this.databaseSecurityGroup, 'NET-04');

    const instanceProps: rds.ServerlessV2ClusterInstanceProps = {
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.dataKey,
    };
    this.databaseSubnetGroup = new rds.SubnetGroup(this, 'DatabaseSubnets', {
      vpc: props.vpc,
      vpcSubnets: props.dataSubnets,
      description: 'hds-blueprint: isolated data subnets of the health database',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.database = new rds.DatabaseCluster(this, 'Database', {
      engine,
      port: DATABASE_PORT,
      subnetGroup: this.databaseSubnetGroup,
      clusterIdentifier,
      parameterGroup,
      vpc: props.vpc,
      securityGroups: [this.databaseSecurityGroup],
      writer: rds.ClusterInstance.serverlessV2('Writer', instanceProps),
      readers: Array.from({ length: props.readers }, (_, i) =>
        rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, { ...instanceProps, scaleWithWriter: i === 0 }),
      ),
      serverlessV2MinCapacity: props.minCapacity,
      serverlessV2MaxCapacity: props.maxCapacity,
      storageEncrypted: true,
      storageEncryptionKey: props.dataKey,
      // RDS generates, stores (encrypted with the data key) and rotates the master password: no
      // rotation Lambda and no role created at deploy time outside the platform's boundary.
      credentials: rds.Credentials.fromUsername(MASTER_USERNAME, { encryptionKey: props.dataKey }),
      manageMasterUserPassword: true,
      iamAuthentication: true,
      deletionProtection: true,
      backup: { retention: Duration.days(35), preferredWindow: '01:00-02:00' },
      preferredMaintenanceWindow: 'sun:03:00-sun:04:00',
      cloudwatchLogsExports: Object.keys(this.databaseLogGroups),
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.dataKey,
      monitoringInterval: Duration.seconds(60),
      copyTagsToSnapshot: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of Object.values(this.databaseLogGroups)) {
      this.database.node.addDependency(group);
    }
    recordControls(this.database, 'ENC-02', 'ENC-03', 'NET-01', 'LOG-05', 'BAK-02');
    // The cluster only: AWS Backup protects Aurora at cluster level, and a tagged instance would be
    // selected too and fail its backup jobs (Aurora instances cannot be backed up on their own).
    this.tagHealthData(this.database.node.defaultChild as rds.CfnDBCluster);
  }

  /**
   * Lets `grantee` (a container service, a function in the VPC) read and write health data: the objects of
   * the documents bucket (list, get, put, delete; and the data key, through S3 only), `rds-db:connect` as the database user `dbUser`
   * (IAM database authentication: the user must exist in the database with the `rds_iam` role), and the
   * database port from the grantee's security groups (NET-04).
   *
   * The security-group rules are created beside the grantee's security group: when the grantee lives in
   * another stack than the store, that stack references this one and never the reverse, so no cycle.
   */
  public grantReadWrite(grantee: iam.IGrantable & ec2.IConnectable, dbUser: string): void {
    if (!Token.isUnresolved(dbUser) && !/^[a-z_][a-z0-9_-]{0,62}$/.test(dbUser)) {
      throw new Error(
        `${this.node.path}: dbUser is "${dbUser}"; allowed: a PostgreSQL role name of lower-case letters, digits, underscores and hyphens (quote those in SQL), starting with a letter or underscore, up to 63 characters (e.g. "app", "api")`,
      );
    }
    if (dbUser === MASTER_USERNAME) {
      throw new Error(`${this.node.path}: dbUser is "${MASTER_USERNAME}", the master user; allowed: an application role created for this grantee`);
    }
    const stack = Stack.of(this);
    // Narrower than Bucket.grantReadWrite: no wildcard actions, and no s3:DeleteObjectVersion, retention or
    // legal-hold changes, so a compromised consumer can add delete markers but never purge a version.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.documents.bucketArn],
    });
    const objects = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resourceArns: [this.documents.arnForObjects('*')],
    });
    // The one wildcard of the grant: the application chooses the object keys.
    // The policy the statement landed in (the grantee's default policy, or the one it gives grants to).
    const policies = Dependable.of(objects).dependencyRoots.filter((d) => d instanceof iam.Policy || d instanceof iam.ManagedPolicy);
    for (const policy of policies) {
      acknowledgeObjectWildcards(policy, [this.documents], {
        control: 'IAM-02',
        reason:
          'Object keys of the documents bucket are chosen by the application; the actions are named (no version purge, no retention change) and the data key is usable only through S3',
      });
    }
    // The data key, for the documents only: through S3, the calls SSE-KMS makes on the caller's behalf.
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.dataKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    });
    this.database.grantConnect(grantee, dbUser);
    grantee.connections.allowTo(this.database, ec2.Port.tcp(DATABASE_PORT), 'Health database (IAM authentication, TLS)');
  }

  private tagHealthData(scope: IConstruct): void {
    Tags.of(scope).add(CLASSIFICATION_TAG_KEY, 'health-data');
    Tags.of(scope).add(BACKUP_TAG.key, BACKUP_TAG.value);
  }
}
