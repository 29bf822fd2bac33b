import { Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as transfer from 'aws-cdk-lib/aws-transfer';
import { Construct } from 'constructs';
import { recordControls } from '../controls';
import { CLASSIFICATION_TAG_KEY } from './health-data-store';
import { SecureBucket } from './secure-bucket';

/**
 * The security policy of every server: SSH and TLS algorithms of March 2025 (no SHA-1, no CBC, post-quantum
 * hybrid key exchange offered). Reviewed 2026-11; `HDS-ENC03-TransferSecurityPolicy` refuses older ones.
 */
export const EXCHANGE_SECURITY_POLICY = 'TransferSecurityPolicy-2025-03';

/** A partner (laboratory, peer practice) who exchanges files, with its SSH public keys. */
export interface ExchangeUser {
  /** 3 to 100 characters: letters, digits, `_`, `-`, `.`, `@`; also the name of its home directory. */
  readonly name: string;
  readonly sshPublicKeys: readonly string[];
}

export type ExchangeIdentity =
  /** Users managed by Transfer Family, with SSH keys from the config. */
  | { readonly users: readonly ExchangeUser[] }
  /** A Lambda function of the editor authenticates users (the "custom identity provider" hook). */
  | { readonly identityProviderFunctionArn: string };

export interface SecureExchangeProps {
  readonly vpc: ec2.IVpc;
  /** Subnets of the endpoint: isolated ones for a private server, public `entry` ones for an internet-facing one. */
  readonly subnets: ec2.SubnetSelection;
  readonly vpcCidr: string;
  /**
   * Internet-facing through Elastic IPs, reachable from these CIDR blocks only (each at most a /16; never
   * `0.0.0.0/0`). @default - private: reachable from inside the VPC (and networks connected to it) only
   */
  readonly internetFacing?: { readonly allowedSourceCidrs: readonly string[] };
  readonly identity: ExchangeIdentity;
  /** Encrypts exchanged files (ENC-02). */
  readonly dataKey: kms.IKey;
  /** Encrypts the server's log group (LOG-04). */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Receives the exchange bucket's server access logs (LOG-05). */
  readonly accessLogs: s3.IBucket;
  /** Exchanged files are deleted this many days after they were written (DATA-01). */
  readonly retentionDays: number;
}

/** A Transfer Family user name, also the name of its home directory. The config validates with these too. */
export const EXCHANGE_USER_NAME = /^[\w][\w@.-]{2,99}$/;
/** An OpenSSH public key line of a type Transfer Family accepts. */
export const SSH_PUBLIC_KEY = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$/;
/** The ARN of a Lambda function (optionally with a version or alias), for a custom identity provider. */
export const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w-]+)?$/;

/** An IPv4 block of a partner network: valid octets, a prefix from /16 to /32 (so never 0.0.0.0/0). */
export function isPartnerCidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= 32;
}

/**
 * Secure file exchange with laboratories and peers (ENC-02/03, LOG-02/05, NET-04, DATA-01): an SFTP server on
 * AWS Transfer Family with a current security policy, its endpoint in the VPC (internet-facing through
 * Elastic IPs only when asked, from listed CIDR blocks), users chrooted to their home directory in a
 * dedicated exchange bucket (data key, no Object Lock, files deleted after `retentionDays`, access logs,
 * CloudTrail data events: the bucket is classified as health data), and structured logs in a KMS log group.
 */
export class SecureExchange extends Construct {
  public readonly server: transfer.CfnServer;
  public readonly bucket: s3.Bucket;
  public readonly logGroup: logs.LogGroup;
  public readonly securityGroup: ec2.SecurityGroup;
  /** The role users act with in the bucket (each session is narrowed to the user's home directory). */
  public readonly userRole?: iam.Role;
  public readonly users: transfer.CfnUser[] = [];

  constructor(scope: Construct, id: string, props: SecureExchangeProps) {
    super(scope, id);
    validateSecureExchangeProps(this, props);
    const stack = Stack.of(this);

    this.bucket = new SecureBucket(this, 'Bucket', {
      encryption: { key: props.dataKey },
      serverAccessLogs: { bucket: props.accessLogs, prefix: 'exchange/' },
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Exchanged files are copies in transit: deleted when their time is up, overwritten versions the day after.
        { id: 'exchanged-files', expiration: Duration.days(props.retentionDays), noncurrentVersionExpiration: Duration.days(1) },
      ],
    }).bucket;
    Tags.of(this.bucket).add(CLASSIFICATION_TAG_KEY, 'health-data');
    recordControls(this.bucket, 'ENC-02', 'ENC-03', 'LOG-05', 'DATA-01');

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    recordControls(this.logGroup, 'LOG-04', 'LOG-05');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: props.internetFacing ? 'SFTP exchange: SSH from the listed partner networks only' : 'SFTP exchange: SSH from inside the VPC only',
      allowAllOutbound: false,
    });
    const sources = props.internetFacing ? props.internetFacing.allowedSourceCidrs : [props.vpcCidr];
    for (const cidr of sources) this.securityGroup.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(22), 'SFTP');
    recordControls(this.securityGroup, 'NET-04');

    const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;
    const addresses = props.internetFacing
      ? subnetIds.map((_, i) => new ec2.CfnEIP(this, `Address${i + 1}`, { domain: 'vpc' }).attrAllocationId)
      : undefined;

    const lambdaIdentity = 'identityProviderFunctionArn' in props.identity ? props.identity.identityProviderFunctionArn : undefined;
    this.server = new transfer.CfnServer(this, 'Server', {
      protocols: ['SFTP'],
      domain: 'S3',
      securityPolicyName: EXCHANGE_SECURITY_POLICY,
      endpointType: 'VPC',
      endpointDetails: {
        vpcId: props.vpc.vpcId,
        subnetIds,
        securityGroupIds: [this.securityGroup.securityGroupId],
        addressAllocationIds: addresses,
      },
      identityProviderType: lambdaIdentity ? 'AWS_LAMBDA' : 'SERVICE_MANAGED',
      identityProviderDetails: lambdaIdentity ? { function: lambdaIdentity, sftpAuthenticationMethods: 'PUBLIC_KEY' } : undefined,
      structuredLogDestinations: [this.logGroup.logGroupArn],
    });
    recordControls(this.server, 'ENC-03', 'NET-04', 'LOG-05');

    if (lambdaIdentity) {
      // Transfer Family may call the editor's identity function for this server only.
      new lambda.CfnPermission(this, 'IdentityProviderInvoke', {
        action: 'lambda:InvokeFunction',
        functionName: lambdaIdentity,
        principal: 'transfer.amazonaws.com',
        sourceArn: this.server.attrArn,
      });
      return;
    }

    const role = new iam.Role(this, 'UserRole', {
      assumedBy: new iam.ServicePrincipal('transfer.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': this.server.attrArn } },
      }),
      description: 'SFTP exchange users: their own home directory in the exchange bucket',
    });
    new iam.ManagedPolicy(this, 'UserPolicy', {
      description: 'SFTP exchange users: list, read, write and delete under home/ of the exchange bucket',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ListHomeDirectories',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': ['home/*'] } },
        }),
        new iam.PolicyStatement({
          sid: 'FilesInHomeDirectories',
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion'],
          resources: [this.bucket.arnForObjects('home/*')],
        }),
        // SSE-KMS through S3 only (the data key's policy admits it through S3 only too).
        new iam.PolicyStatement({
          sid: 'DataKeyThroughS3',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.dataKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      ],
    });
    this.userRole = role;

    const users = 'users' in props.identity ? props.identity.users : [];
    for (const user of users) {
      const home = `/${this.bucket.bucketName}/home/${user.name}`;
      const cfnUser = new transfer.CfnUser(this, `User-${user.name}`, {
        serverId: this.server.attrServerId,
        userName: user.name,
        role: role.roleArn,
        // Chrooted: the user sees "/" and nothing above its home directory.
        homeDirectoryType: 'LOGICAL',
        homeDirectoryMappings: [{ entry: '/', target: home }],
        sshPublicKeys: [...user.sshPublicKeys],
        // Session policy: even the shared role reaches this user's home directory only.
        // (the bucket's own ARN, not ${transfer:HomeBucket}, which a LOGICAL home directory may leave empty)
        policy: stack.toJsonString({
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ListOwnHome', Effect: 'Allow', Action: 's3:ListBucket', Resource: this.bucket.bucketArn, Condition: { StringLike: { 's3:prefix': [`home/${user.name}/*`, `home/${user.name}`] } } },
            { Sid: 'OwnFiles', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion'], Resource: this.bucket.arnForObjects(`home/${user.name}/*`) },
            { Sid: 'DataKeyThroughS3', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: props.dataKey.keyArn },
          ],
        }),
      });
      recordControls(cfnUser, 'IAM-02');
      this.users.push(cfnUser);
    }
  }
}

export function validateSecureExchangeProps(scope: Construct, props: SecureExchangeProps): void {
  const problems: string[] = [];
  if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 365) {
    problems.push(`retentionDays is ${props.retentionDays}; allowed: a whole number of days from 1 to 365 (exchanged files are copies in transit)`);
  }
  if (props.internetFacing) {
    const cidrs = props.internetFacing.allowedSourceCidrs;
    if (cidrs.length === 0) problems.push('internetFacing.allowedSourceCidrs is empty; allowed: the partner networks, such as "203.0.113.0/24"');
    for (const cidr of cidrs) {
      if (!isPartnerCidr(cidr)) {
        problems.push(`internetFacing.allowedSourceCidrs has "${cidr}"; allowed: an IPv4 block from /16 to /32, such as "203.0.113.0/24" (never 0.0.0.0/0)`);
      }
    }
  }
  if ('users' in props.identity) {
    const names = props.identity.users.map((u) => u.name);
    if (new Set(names).size !== names.length) problems.push(`users has duplicate names (${names.join(', ')}); allowed: distinct names`);
    for (const user of props.identity.users) {
      if (!EXCHANGE_USER_NAME.test(user.name)) problems.push(`users has name "${user.name}"; allowed: 3 to 100 letters, digits, "_", "-", ".", "@"`);
      if (user.sshPublicKeys.length === 0) problems.push(`user "${user.name}" has no sshPublicKeys; allowed: 1 to 10 OpenSSH public keys (ssh-ed25519, ecdsa, rsa)`);
      for (const key of user.sshPublicKeys) {
        if (!SSH_PUBLIC_KEY.test(key)) problems.push(`user "${user.name}" has an sshPublicKeys entry starting "${key.slice(0, 20)}"; allowed: an OpenSSH public key line, such as "ssh-ed25519 AAAA..."`);
      }
    }
  } else if (!LAMBDA_FUNCTION_ARN.test(props.identity.identityProviderFunctionArn)) {
    problems.push(`identityProviderFunctionArn is "${props.identity.identityProviderFunctionArn}"; allowed: the ARN of a Lambda function, such as "arn:aws:lambda:eu-west-3:123456789012:function:sftp-identity"`);
  }
  if (problems.length > 0) {
    throw new Error(`${scope.node.path}: invalid secure exchange settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
