import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledgements';
import { recordControls } from '../controls';

/**
 * Interface endpoints that Fargate tasks in isolated subnets need besides `BASE_INTERFACE_ENDPOINTS`
 * of `PrivateNetwork` (which already provides CloudWatch Logs, Secrets Manager, KMS and STS) and its S3
 * gateway endpoint (image layers are served from S3): the ECR API (authorization token, image
 * manifests), the ECR registry (`docker pull`), and Systems Manager (Parameter Store references in
 * task definitions; the HDS rule NET02-PrivateApiAccess requires it for every ECS service). Add each
 * with `network.addInterfaceEndpoint(name, service)`. No `ecs`, `ecs-agent` or `ecs-telemetry`
 * endpoint: Fargate's agent reaches ECS through the Fargate platform; no `ssmmessages`: ECS Exec is off.
 */
export const CONTAINER_INTERFACE_ENDPOINTS = {
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
} as const;

/**
 * Fargate CPU units and the memory sizes (MiB) each allows (Linux tasks): 256 and 512 CPU units list their
 * sizes; larger ones take every multiple of their step between a minimum and a maximum.
 */
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number }> = {
  256: { min: 512, max: 2048, step: 512 },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** 256 CPU units take 512, 1024 or 2048 MiB only (not 1536). */
function fargateMemoryAllowed(cpu: number, memory: number): boolean {
  const range = FARGATE_MEMORY[cpu];
  if (!range) return false;
  if (cpu === 256) return [512, 1024, 2048].includes(memory);
  return memory >= range.min && memory <= range.max && (memory - range.min) % range.step === 0;
}

function describeFargateSizes(): string {
  return Object.entries(FARGATE_MEMORY)
    .map(([cpu, r]) => (cpu === '256' ? '256: 512, 1024, 2048' : `${cpu}: ${r.min} to ${r.max} by ${r.step}`))
    .join('; ');
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$/;
/** A Docker tag, or an image digest. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$|^sha256:[a-f0-9]{64}$/;

export interface ContainerServiceProps {
  /** Name of the application component, lower-case (`web`, `api`, `worker`): log stream prefix and container name. */
  readonly name: string;
  readonly vpc: ec2.IVpc;
  /** The isolated compute subnets (`PrivateNetwork.computeSubnets`). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Literal IPv4 range of the VPC (`PrivateNetwork.cidrBlock`): the tasks reach the interface endpoints
   * inside it on HTTPS. A literal, because cdk-nag rules cannot evaluate the `vpcCidrBlock` token.
   * @default - `vpc.vpcCidrBlock` (a token)
   */
  readonly vpcCidr?: string;
  /**
   * ID of the region's S3 managed prefix list (`com.amazonaws.<region>.s3`, e.g. from
   * `aws ec2 describe-managed-prefix-lists`): the tasks pull image layers from S3 through the gateway
   * endpoint, and this narrows that egress rule to S3's addresses.
   * @default - HTTPS to any IPv4 address: the prefix list id is only known in the deployed account, and
   * the isolated subnets have no route out of the VPC except the S3 gateway endpoint
   */
  readonly s3PrefixListId?: string;
  /** @default - a new cluster in `vpc`, with Container Insights (enhanced observability) */
  readonly cluster?: ecs.ICluster;
  /**
   * Tag (or `sha256:` digest) of the image in the service's own ECR repository. `latest` is refused: tags
   * are immutable, so a deployment names exactly what runs.
   */
  readonly imageTag: string;
  /** Port the container listens on: 1024 or above (every Linux capability is dropped, NET_BIND_SERVICE too). */
  readonly containerPort: number;
  /** Fargate CPU units. @default 512 */
  readonly cpu?: number;
  /** Memory in MiB, one of the sizes Fargate allows with `cpu`. @default 1024 */
  readonly memoryMiB?: number;
  /** @default X86_64 (what most CI runners build; ARM64 (Graviton) costs less, for images built for it) */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /**
   * Tasks started at the first deployment. Setting it resets the running count at every deployment,
   * whatever autoscaling chose.
   * @default - not set: ECS starts one task and autoscaling brings the count to `minCount`
   */
  readonly desiredCount?: number;
  /** Fewest tasks autoscaling keeps. @default 2 (one per availability zone of a two-zone network) */
  readonly minCount?: number;
  /** Most tasks autoscaling starts. @default 4 */
  readonly maxCount?: number;
  /** Average CPU utilization autoscaling tracks, in percent. @default 70 */
  readonly targetCpuUtilization?: number;
  /** HTTP path the load balancer's target group checks (exposed as `healthCheckPath`). @default '/health' */
  readonly healthCheckPath?: string;
  /**
   * Health check run inside the container. None by default: the command needs a shell and a client
   * (curl, wget) that a minimal image may not have, and a check that cannot run marks every task
   * unhealthy; the load balancer's check on `healthCheckPath` is the one that decides.
   * @default - none
   */
  readonly containerHealthCheck?: ecs.HealthCheck;
  /**
   * Non-sensitive configuration. Anything secret goes in `secrets`. (AwsSolutions-ECS2 reports any
   * environment variable.)
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /** Injected as environment variables from Secrets Manager when a task starts. @default - none */
  readonly secrets?: Record<string, secretsmanager.ISecret>;
  /**
   * User (and group) the container runs as, e.g. `1000:1000`. Cannot be enforced for an arbitrary image;
   * set it when the image does not declare a non-root `USER`.
   * @default - the image's `USER`
   */
  readonly user?: string;
  /**
   * Writable directories on the otherwise read-only root file system, backed by the task's ephemeral
   * storage (encrypted by Fargate).
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /** Time a container gets to stop after SIGTERM before SIGKILL (Fargate allows up to 120 s). @default 30 seconds */
  readonly stopTimeout?: Duration;
  /** Images the repository keeps, newest first; older ones expire. @default 30 */
  readonly retainedImages?: number;
  /** Encrypts the ECR repository (ENC-02). Its policy must let ECR create grants (`kms:ViaService` ecr). */
  readonly repositoryKey: kms.IKey;
  /** Encrypts the container log group (LOG-04). */
  readonly logsKey: kms.IKey;
  /** Retention of the container log group (LOG-04: at least one year). */
  readonly logRetention: logs.RetentionDays;
}

/**
 * One component of the editor's application (web, API, worker) on ECS Fargate, in the isolated compute
 * subnets (NET-01), from a private ECR repository of its own (ENC-02: KMS, immutable tags, scan on push,
 * retained).
 *
 * Hardening that is not a prop: read-only root file system (writable scratch paths only), no privileged
 * mode, every Linux capability dropped, an init process reaping zombies, logs to a KMS-encrypted log group
 * (LOG-04) in blocking mode (a trace is never dropped), no public IP, a security group with no ingress and
 * egress only to the VPC's interface endpoints and S3 on HTTPS (NET-04), deployment circuit breaker with
 * rollback, and ECS Exec off: it would open a shell, as an operator, in containers that hold health data
 * in memory, outside any reviewed access path (IAM-01).
 *
 * IAM (IAM-02, bounded by RES-03 like every role of its stack): the task role holds nothing until the
 * service is granted something (`store.grantReadWrite(service, 'app')`); its grants go into one managed
 * policy, not an inline one. The execution role pulls from this repository, writes this log group and
 * reads these secrets, and nothing else; its permissions are fixed at construction (pass every secret
 * through `secrets`).
 *
 * Network: in isolated subnets the tasks reach AWS only through VPC endpoints. They need the S3 gateway
 * endpoint and the interface endpoints of `BASE_INTERFACE_ENDPOINTS` (logs for the awslogs driver, Secrets
 * Manager for `secrets`, KMS) that `PrivateNetwork` creates, plus `CONTAINER_INTERFACE_ENDPOINTS` (ECR
 * API, ECR registry, Systems Manager), which the integrator adds to the network.
 *
 * A load balancer admits traffic with `service.connections.allowDefaultPortFrom(loadBalancer)` and
 * targets `service.service`, checking `service.healthCheckPath`.
 *
 * Not covered here: the task's ephemeral storage (the writable paths) is encrypted by Fargate with an
 * AWS-owned key unless the cluster sets `managedStorageConfiguration` with a platform key; Container
 * Insights writes its performance events (metrics, no application data) to a log group it creates itself.
 */
export class ContainerService extends Construct implements ec2.IConnectable, iam.IGrantable {
  public readonly repository: ecr.Repository;
  public readonly cluster: ecs.ICluster;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  /** What the application's code may do; empty until granted. */
  public readonly taskRole: iam.Role;
  /** What ECS does to start a task: pull the image, write logs, read the secrets. */
  public readonly executionRole: iam.Role;
  public readonly executionPolicy: iam.ManagedPolicy;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;
  public readonly scaling: ecs.ScalableTaskCount;
  public readonly containerPort: number;
  public readonly healthCheckPath: string;
  /** The service's security group, with the container port as default port. */
  public readonly connections: ec2.Connections;
  /** The task role, whose grants land in one managed policy. */
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    validateContainerServiceProps(this, props);
    const stack = Stack.of(this);
    this.containerPort = props.containerPort;
    this.healthCheckPath = props.healthCheckPath ?? '/health';

    this.repository = new ecr.Repository(this, 'Repository', {
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: props.repositoryKey,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      lifecycleRules: [
        {
          description: `Keep the ${props.retainedImages ?? 30} newest images`,
          tagStatus: ecr.TagStatus.ANY,
          maxImageCount: props.retainedImages ?? 30,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
      emptyOnDelete: false,
    });
    recordControls(this.repository, 'ENC-02');

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    recordControls(this.logGroup, 'LOG-04');

    // ECS tasks of this account only (confused-deputy protection).
    const ecsTasks = () =>
      new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ecs:${stack.region}:${stack.account}:*` },
        },
      });
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: ecsTasks(),
      description: `Container service ${props.name}: what its code may do (nothing unless granted)`,
    });
    recordControls(this.taskRole, 'IAM-02');
    this.grantPrincipal = new ManagedPolicyPrincipal(this, this.taskRole, `Container service ${props.name}: permissions granted to its code`);

    const secrets = props.secrets ?? {};
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: ecsTasks(),
      description: `Container service ${props.name}: pulls its image, writes its logs, reads its secrets`,
    });
    this.executionPolicy = new iam.ManagedPolicy(this, 'ExecutionPolicy', {
      description: `Container service ${props.name}: image pull, log writes and secret reads of its task execution`,
      roles: [this.executionRole],
      statements: this.executionStatements(Object.values(secrets)),
    });
    recordControls(this.executionRole, 'IAM-02');
    recordControls(this.executionPolicy, 'IAM-02');
    acknowledge(this.executionPolicy, {
      plugin: 'AwsSolutions',
      rule: 'AwsSolutions-IAM5[Resource::*]',
      control: 'IAM-02',
      reason: "ecr:GetAuthorizationToken has no resource-level permission; image pulls are limited to the service's own repository, log writes to its own log group",
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu ?? 512,
      memoryLimitMiB: props.memoryMiB ?? 1024,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
      },
      taskRole: this.taskRole,
      // Immutable: the grants CDK would add (pull, log writes, secret reads, and the key policy edits
      // that come with them) are the statements of the execution policy above, and nothing more.
      executionRole: this.executionRole.withoutPolicyUpdates(),
    });

    const linuxParameters = new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true });
    linuxParameters.dropCapabilities(ecs.Capability.ALL);
    this.container = this.taskDefinition.addContainer('App', {
      containerName: props.name,
      image: ecs.ContainerImage.fromEcrRepository(this.repository, props.imageTag),
      essential: true,
      readonlyRootFilesystem: true,
      privileged: false,
      user: props.user,
      linuxParameters,
      stopTimeout: props.stopTimeout ?? Duration.seconds(30),
      portMappings: [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP }],
      healthCheck: props.containerHealthCheck,
      environment: props.environment && Object.keys(props.environment).length > 0 ? props.environment : undefined,
      secrets: Object.fromEntries(Object.entries(secrets).map(([name, secret]) => [name, readByExecutionPolicy(secret)])),
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: props.name,
        // Back-pressure stalls the application rather than dropping a trace.
        mode: ecs.AwsLogDriverMode.BLOCKING,
      }),
    });
    (props.writablePaths ?? ['/tmp']).forEach((path, i) => {
      const volume = `scratch-${i}`;
      this.taskDefinition.addVolume({ name: volume });
      this.container.addMountPoints({ sourceVolume: volume, containerPath: path, readOnly: false });
    });
    recordControls(this.taskDefinition, 'LOG-04', 'IAM-02');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Container service ${props.name}: no ingress unless allowed, HTTPS to VPC endpoints and S3`,
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpcCidr ?? props.vpc.vpcCidrBlock), ec2.Port.tcp(443), 'Interface endpoints');
    // The S3 gateway endpoint is reached through S3's prefix list; without its id, HTTPS to any address,
    // which in isolated subnets (no route out of the VPC but the S3 gateway) reaches S3 only.
    this.securityGroup.addEgressRule(
      props.s3PrefixListId ? ec2.Peer.prefixList(props.s3PrefixListId) : ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'S3 through the gateway endpoint (image layers)',
    );
    recordControls(this.securityGroup, 'NET-04');
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(props.containerPort) });

    this.cluster =
      props.cluster ??
      new ecs.Cluster(this, 'Cluster', {
        vpc: props.vpc,
        containerInsightsV2: ecs.ContainerInsights.ENHANCED,
      });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      assignPublicIp: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      desiredCount: props.desiredCount,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    recordControls(this.service, 'NET-01', 'NET-04');

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: props.minCount ?? 2, maxCapacity: props.maxCount ?? 4 });
    this.scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: props.targetCpuUtilization ?? 70 });
  }

  /** Every permission of the task execution: this repository, this log group, these secrets. */
  private executionStatements(secrets: secretsmanager.ISecret[]): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const statements = [
      // ECR's authorization token has no resource-level permission.
      new iam.PolicyStatement({ sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'PullOwnImages',
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        resources: [this.repository.repositoryArn],
      }),
      // A log group's ARN already ends with ':*' (all its streams).
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    ];
    // No kms action for the image: ECR decrypts layers under the grant it holds on the repository key.
    if (secrets.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'ReadOwnSecrets',
          actions: ['secretsmanager:GetSecretValue'],
          // A secret known by name only has a 6-character suffix in its ARN.
          resources: secrets.map((s) => s.secretFullArn ?? `${s.secretArn}-??????`),
        }),
      );
      const keys = [...new Set(secrets.flatMap((s) => (s.encryptionKey ? [s.encryptionKey] : [])))];
      if (keys.length > 0) {
        statements.push(
          new iam.PolicyStatement({
            sid: 'DecryptOwnSecrets',
            actions: ['kms:Decrypt'],
            resources: keys.map((k) => k.keyArn),
            conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
          }),
        );
      }
    }
    return statements;
  }
}

/**
 * `ecs.Secret.fromSecretsManager(secret)` without its grant: CDK's would add `kms:Decrypt` for the execution
 * role to the policy of the secret's key, an edit of the key's stack that makes it depend on this one
 * (a cross-stack cycle when the key is a platform key). The execution policy grants the read instead.
 */
function readByExecutionPolicy(secret: secretsmanager.ISecret): ecs.Secret {
  const injected = ecs.Secret.fromSecretsManager(secret);
  return {
    arn: injected.arn,
    hasField: injected.hasField,
    grantRead: (grantee) => iam.Grant.drop(grantee, `read ${injected.arn} (granted by the execution policy)`),
  };
}

/**
 * The task role as a grantee whose grants go into one customer-managed policy attached to it, created at
 * the first grant: no inline policy (HIPAA.Security-IAMNoInlinePolicy), one document to review.
 */
class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount: string | undefined;
  private policy?: iam.ManagedPolicy;

  constructor(
    private readonly scope: Construct,
    private readonly role: iam.Role,
    private readonly description: string,
  ) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.policy) {
      this.policy = new iam.ManagedPolicy(this.scope, 'TaskPolicy', { description: this.description, roles: [this.role] });
      recordControls(this.policy, 'IAM-02');
    }
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

/** Collects every problem of the props and throws once, naming the field, the value and what is allowed. */
export function validateContainerServiceProps(scope: Construct, props: ContainerServiceProps): void {
  const problems: string[] = [];
  const known = (v: unknown) => !Token.isUnresolved(v);
  const isWhole = (v: number | undefined) => v === undefined || !known(v) || (Number.isInteger(v) && v >= 0);

  if (known(props.name) && !NAME_PATTERN.test(props.name)) {
    problems.push(`name is "${props.name}"; allowed: 1 to 32 lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen (e.g. "web", "api")`);
  }
  if (known(props.imageTag)) {
    if (props.imageTag.toLowerCase() === 'latest') {
      problems.push(`imageTag is "${props.imageTag}"; allowed: an immutable tag (a version or commit, e.g. "1.4.2" or "git-3f9c2ab") or a sha256: digest, never "latest" (the repository's tags are immutable)`);
    } else if (!TAG_PATTERN.test(props.imageTag)) {
      problems.push(`imageTag is "${props.imageTag}"; allowed: a Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-], up to 128 characters) or sha256:<64 hex digits>`);
    }
  }
  if (known(props.containerPort) && (!Number.isInteger(props.containerPort) || props.containerPort < 1024 || props.containerPort > 65535)) {
    problems.push(`containerPort is ${props.containerPort}; allowed: 1024 to 65535 (every capability is dropped, so the container cannot bind a port below 1024; map 443 to e.g. 8080 on the load balancer)`);
  }
  const cpu = props.cpu ?? 512;
  const memory = props.memoryMiB ?? 1024;
  if (known(cpu) && known(memory) && !fargateMemoryAllowed(cpu, memory)) {
    problems.push(`cpu ${cpu} with memoryMiB ${memory} is not a Fargate size; allowed (cpu: memoryMiB): ${describeFargateSizes()}`);
  }
  const counts = { desiredCount: props.desiredCount, minCount: props.minCount, maxCount: props.maxCount };
  for (const [field, value] of Object.entries(counts)) {
    if (!isWhole(value)) problems.push(`${field} is ${value}; allowed: a whole number of tasks, 0 or more`);
  }
  const min = props.minCount ?? 2;
  const max = props.maxCount ?? 4;
  if (known(min) && known(max)) {
    if (max < 1) problems.push(`maxCount is ${max}; allowed: 1 or more`);
    if (min > max) problems.push(`minCount ${min} is above maxCount ${max}; allowed: minCount <= maxCount`);
    const desired = props.desiredCount;
    if (desired !== undefined && known(desired) && (desired < min || desired > max)) {
      problems.push(`desiredCount is ${desired}; allowed: between minCount ${min} and maxCount ${max}`);
    }
  }
  const target = props.targetCpuUtilization;
  if (target !== undefined && known(target) && !(target >= 10 && target <= 90)) {
    problems.push(`targetCpuUtilization is ${target}; allowed: 10 to 90 (percent)`);
  }
  const path = props.healthCheckPath;
  if (path !== undefined && known(path) && !/^\/[\x21-\x7e]*$/.test(path)) {
    problems.push(`healthCheckPath is "${path}"; allowed: an absolute HTTP path such as "/health"`);
  }
  for (const p of props.writablePaths ?? []) {
    if (known(p) && (!p.startsWith('/') || p === '/' || p.includes('..'))) {
      problems.push(`writablePaths has "${p}"; allowed: absolute directories other than "/" (e.g. "/tmp")`);
    }
  }
  const retained = props.retainedImages;
  if (retained !== undefined && known(retained) && !(Number.isInteger(retained) && retained >= 1)) {
    problems.push(`retainedImages is ${retained}; allowed: a whole number, 1 or more`);
  }
  const stop = props.stopTimeout;
  if (stop !== undefined && !stop.isUnresolved() && (stop.toSeconds() < 2 || stop.toSeconds() > 120)) {
    problems.push(`stopTimeout is ${stop.toSeconds()} seconds; allowed: 2 to 120 seconds (Fargate limit)`);
  }
  for (const name of Object.keys(props.environment ?? {})) {
    if (name in (props.secrets ?? {})) problems.push(`${name} is both in environment and in secrets; allowed: one of them`);
  }
  if (problems.length > 0) {
    throw new Error(`${scope.node.path}: invalid container service settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
