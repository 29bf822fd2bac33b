import { Duration, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { applyResidencyBoundary } from '../../lib/aspects/residency-boundary';
import { createPacks } from '../../lib/checks';
import { CONTAINER_INTERFACE_ENDPOINTS, ContainerService, type ContainerServiceProps } from '../../lib/constructs/container-service';
import { HealthDataStore } from '../../lib/constructs/health-data-store';
import { PlatformKeys } from '../../lib/constructs/platform-keys';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { SecureBucket } from '../../lib/constructs/secure-bucket';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { testApp, testStack } from '../support/app';

const CIDR = '10.40.0.0/16';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
  Metadata?: Record<string, unknown>;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

type Options = Partial<ContainerServiceProps> & {
  withStore?: boolean;
  withCluster?: boolean;
  /** Adds to the stack before it is synthesized. */
  extend?: (stack: Stack, service: ContainerService, vpc: ec2.Vpc) => void;
};

function build(options: Options = {}) {
  const { withStore, withCluster, extend, ...overrides } = options;
  const stack = testStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(CIDR),
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    natGateways: 0,
    subnetConfiguration: [
      { name: 'compute', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const repositoryKey = new kms.Key(stack, 'RepositoryKey');
  const logsKey = new kms.Key(stack, 'LogsKey');
  const secretKey = new kms.Key(stack, 'SecretKey');
  const secret = new secretsmanager.Secret(stack, 'ApiSecret', { encryptionKey: secretKey });
  const cluster = withCluster ? new ecs.Cluster(stack, 'SharedCluster', { vpc }) : undefined;
  const service = new ContainerService(stack, 'Web', {
    name: 'web',
    vpc,
    subnets: { subnetGroupName: 'compute' },
    vpcCidr: CIDR,
    cluster,
    imageTag: '1.4.2',
    containerPort: 8080,
    repositoryKey,
    logsKey,
    logRetention: logs.RetentionDays.ONE_YEAR,
    ...overrides,
  });
  let store: HealthDataStore | undefined;
  if (withStore) {
    const dataKey = new kms.Key(stack, 'DataKey');
    const accessLogs = new SecureBucket(stack, 'AccessLogs', {
      encryption: { s3Managed: true, reason: 'test: the access-log bucket of this fixture' },
      accessLogsReason: 'test: the access-log bucket itself',
    }).bucket;
    store = new HealthDataStore(stack, 'Store', {
      namePrefix: 'hds',
      vpc,
      dataSubnets: { subnetGroupName: 'data' },
      dataKey,
      logsKey,
      accessLogs,
      logRetention: logs.RetentionDays.ONE_YEAR,
      minCapacity: 0.5,
      maxCapacity: 2,
      readers: 0,
    });
    store.grantReadWrite(service, 'app');
  }
  extend?.(stack, service, vpc);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const id = (c: IConstruct) => stack.getLogicalId((c.node.defaultChild ?? c) as CfnElement);
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const only = (type: string) => {
    const found = ofType(type);
    expect(found).toHaveLength(1);
    return found[0][1];
  };
  return { stack: stack as Stack, vpc, service, store, secret, secretKey, repositoryKey, logsKey, cluster, template, resources, id, ofType, only };
}

const statementsOf = (policy: Resource) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
const actionsOf = (s: Statement) => [s.Action].flat();
const json = (v: unknown) => JSON.stringify(v);

const PORT_443 = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443 };

describe('ContainerService', () => {
  const built = build({ withStore: true, secrets: undefined });
  const { resources, id, only, ofType, service } = built;
  const taskDefinition = () => only('AWS::ECS::TaskDefinition');
  const container = () => (taskDefinition().Properties.ContainerDefinitions as Record<string, unknown>[])[0];
  const serviceProps = () => only('AWS::ECS::Service').Properties;

  describe('ECR repository (ENC-02)', () => {
    test('KMS with the repository key, immutable tags, scan on push, retained and never emptied', () => {
      expect(only('AWS::ECR::Repository')).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [id(built.repositoryKey), 'Arn'] } },
          ImageTagMutability: 'IMMUTABLE',
          ImageScanningConfiguration: { ScanOnPush: true },
          EmptyOnDelete: false,
        },
        Metadata: { [CONTROLS_METADATA_KEY]: ['ENC-02'] },
      });
    });

    test('keeps the 30 newest images, or the number given', () => {
      const rules = (r: Resource) => JSON.parse((r.Properties.LifecyclePolicy as { LifecyclePolicyText: string }).LifecyclePolicyText).rules;
      expect(rules(only('AWS::ECR::Repository'))).toEqual([
        expect.objectContaining({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } }),
      ]);
      const other = build({ retainedImages: 5 });
      expect(rules(other.only('AWS::ECR::Repository'))[0].selection.countNumber).toBe(5);
    });

    test('the container runs the given tag of that repository', () => {
      expect(json(container().Image)).toContain(`{"Ref":"${id(service.repository)}"},":1.4.2"`);
    });
  });

  describe('task definition', () => {
    test('Fargate, Linux X86_64 by default, 512 CPU units and 1024 MiB by default', () => {
      expect(taskDefinition().Properties).toMatchObject({
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '512',
        Memory: '1024',
        RuntimePlatform: { OperatingSystemFamily: 'LINUX', CpuArchitecture: 'X86_64' },
      });
      const arm = build({ cpu: 1024, memoryMiB: 3072, cpuArchitecture: ecs.CpuArchitecture.ARM64 });
      expect(arm.only('AWS::ECS::TaskDefinition').Properties).toMatchObject({
        Cpu: '1024',
        Memory: '3072',
        RuntimePlatform: { CpuArchitecture: 'ARM64' },
      });
    });

    test('read-only root file system, not privileged, every capability dropped, init process, stop timeout', () => {
      expect(container()).toMatchObject({
        Name: 'web',
        Essential: true,
        ReadonlyRootFilesystem: true,
        Privileged: false,
        LinuxParameters: { InitProcessEnabled: true, Capabilities: { Drop: ['ALL'] } },
        StopTimeout: 30,
        PortMappings: [{ ContainerPort: 8080, Protocol: 'tcp' }],
      });
      expect(container().User).toBeUndefined();
      expect(container().HealthCheck).toBeUndefined();
      const other = build({ user: '1000:1000', stopTimeout: Duration.seconds(90) });
      const c = (other.only('AWS::ECS::TaskDefinition').Properties.ContainerDefinitions as Record<string, unknown>[])[0];
      expect(c).toMatchObject({ User: '1000:1000', StopTimeout: 90 });
    });

    test('/tmp (or the given paths) is writable on task storage, nothing else', () => {
      expect(taskDefinition().Properties.Volumes).toEqual([{ Name: 'scratch-0' }]);
      expect(container().MountPoints).toEqual([{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'scratch-0' }]);
      const other = build({ writablePaths: [] });
      const c = (other.only('AWS::ECS::TaskDefinition').Properties.ContainerDefinitions as Record<string, unknown>[])[0];
      expect(c.MountPoints).toBeUndefined();
    });

    test('LOG-04: logs to its own log group (logs key, retention, retained), blocking mode', () => {
      const groupId = id(service.logGroup);
      expect(container().LogConfiguration).toEqual({
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': { Ref: groupId }, 'awslogs-stream-prefix': 'web', 'awslogs-region': 'eu-west-3', mode: 'blocking' },
      });
      expect(resources[groupId]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { KmsKeyId: { 'Fn::GetAtt': [id(built.logsKey), 'Arn'] }, RetentionInDays: 365 },
        Metadata: { [CONTROLS_METADATA_KEY]: ['LOG-04'] },
      });
    });

    test('no environment variables unless given (AwsSolutions-ECS2)', () => {
      expect(container().Environment).toBeUndefined();
      const other = build({ environment: { LOG_LEVEL: 'info' } });
      const c = (other.only('AWS::ECS::TaskDefinition').Properties.ContainerDefinitions as Record<string, unknown>[])[0];
      expect(c.Environment).toEqual([{ Name: 'LOG_LEVEL', Value: 'info' }]);
    });

    test('a container health check only when given', () => {
      const other = build({ containerHealthCheck: { command: ['CMD', '/app/healthcheck'] } });
      const c = (other.only('AWS::ECS::TaskDefinition').Properties.ContainerDefinitions as Record<string, unknown>[])[0];
      expect(c.HealthCheck).toMatchObject({ Command: ['CMD', '/app/healthcheck'] });
    });
  });

  describe('Fargate service', () => {
    test('NET-01: isolated compute subnets, no public IP, its own security group', () => {
      const compute = built.vpc.selectSubnets({ subnetGroupName: 'compute' }).subnets.map((s) => ({ Ref: id(s) }));
      expect(serviceProps().NetworkConfiguration).toEqual({
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          Subnets: compute,
          SecurityGroups: [{ 'Fn::GetAtt': [id(service.securityGroup), 'GroupId'] }],
        },
      });
    });

    test('circuit breaker with rollback, 100/200 %, ECS Exec off, latest platform, tags propagated', () => {
      expect(serviceProps()).toMatchObject({
        LaunchType: 'FARGATE',
        PlatformVersion: 'LATEST',
        DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 },
        EnableExecuteCommand: false,
        PropagateTags: 'SERVICE',
      });
      expect(serviceProps().DesiredCount).toBeUndefined();
      expect(build({ desiredCount: 3 }).only('AWS::ECS::Service').Properties.DesiredCount).toBe(3);
    });

    test('a cluster with enhanced Container Insights is created, unless one is given', () => {
      expect(only('AWS::ECS::Cluster').Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enhanced' }]);
      expect(serviceProps().Cluster).toEqual({ Ref: id(service.cluster as ecs.Cluster) });
      const shared = build({ withCluster: true });
      expect(shared.ofType('AWS::ECS::Cluster')).toHaveLength(1);
      expect(shared.only('AWS::ECS::Service').Properties.Cluster).toEqual({ Ref: shared.id(shared.cluster!) });
    });

    test('autoscaling between 2 and 4 tasks by default, on 70 % CPU', () => {
      expect(only('AWS::ApplicationAutoScaling::ScalableTarget').Properties).toMatchObject({ MinCapacity: 2, MaxCapacity: 4, ScalableDimension: 'ecs:service:DesiredCount' });
      expect(only('AWS::ApplicationAutoScaling::ScalingPolicy').Properties.TargetTrackingScalingPolicyConfiguration).toEqual({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 70,
      });
      const other = build({ minCount: 3, maxCount: 10, targetCpuUtilization: 50 });
      expect(other.only('AWS::ApplicationAutoScaling::ScalableTarget').Properties).toMatchObject({ MinCapacity: 3, MaxCapacity: 10 });
      expect(json(other.only('AWS::ApplicationAutoScaling::ScalingPolicy').Properties)).toContain('"TargetValue":50');
    });

    test('exposes the port, the health check path, connections and the grant principal', () => {
      expect(service.containerPort).toBe(8080);
      expect(service.healthCheckPath).toBe('/health');
      expect(build({ healthCheckPath: '/ready' }).service.healthCheckPath).toBe('/ready');
      expect(service.connections.securityGroups).toEqual([service.securityGroup]);
      expect(service.connections.defaultPort?.toString()).toBe('8080');
      expect(service.grantPrincipal.policyFragment.principalJson).toEqual(service.taskRole.policyFragment.principalJson);
    });
  });

  describe('security group (NET-04)', () => {
    test('no ingress; egress only HTTPS to the VPC (interface endpoints) and to S3 (gateway endpoint)', () => {
      const sg = resources[id(service.securityGroup)];
      expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
      const plain = build();
      expect(plain.resources[plain.id(plain.service.securityGroup)].Properties.SecurityGroupEgress).toEqual([
        { ...PORT_443, CidrIp: CIDR, Description: 'Interface endpoints' },
        { ...PORT_443, CidrIp: '0.0.0.0/0', Description: 'S3 through the gateway endpoint (image layers)' },
      ]);
      expect(plain.ofType('AWS::EC2::SecurityGroupEgress')).toEqual([]);
      expect(plain.ofType('AWS::EC2::SecurityGroupIngress')).toEqual([]);
      expect(sg.Metadata?.[CONTROLS_METADATA_KEY]).toEqual(['NET-04']);
    });

    test('with the S3 prefix list id, S3 egress is narrowed to it', () => {
      const other = build({ s3PrefixListId: 'pl-23ad484a' });
      const groupId = { 'Fn::GetAtt': [other.id(other.service.securityGroup), 'GroupId'] };
      expect(other.resources[other.id(other.service.securityGroup)].Properties.SecurityGroupEgress).toEqual([
        { ...PORT_443, CidrIp: CIDR, Description: 'Interface endpoints' },
      ]);
      // CloudFormation takes a prefix-list rule only as a resource of its own.
      expect(other.ofType('AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties)).toEqual([
        { ...PORT_443, GroupId: groupId, DestinationPrefixListId: 'pl-23ad484a', Description: 'S3 through the gateway endpoint (image layers)' },
      ]);
    });

    test('a load balancer is admitted on the container port only', () => {
      let lbGroup: ec2.SecurityGroup | undefined;
      const other = build({
        extend: (stack, s, vpc) => {
          lbGroup = new ec2.SecurityGroup(stack, 'LbGroup', { vpc, allowAllOutbound: false });
          s.connections.allowDefaultPortFrom(lbGroup, 'load balancer');
        },
      });
      expect(other.ofType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)).toEqual([
        {
          IpProtocol: 'tcp',
          FromPort: 8080,
          ToPort: 8080,
          Description: 'load balancer',
          GroupId: { 'Fn::GetAtt': [other.id(other.service.securityGroup), 'GroupId'] },
          SourceSecurityGroupId: { 'Fn::GetAtt': [other.id(lbGroup!), 'GroupId'] },
        },
      ]);
    });
  });

  describe('IAM (IAM-02)', () => {
    const plain = build();
    const trust = {
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-3:111111111111:*' } },
        },
      ],
      Version: '2012-10-17',
    };

    test('both roles are assumable by ECS tasks of this account only, and carry no inline policy', () => {
      for (const role of [plain.service.taskRole, plain.service.executionRole]) {
        const r = plain.resources[plain.id(role)];
        expect(r.Properties.AssumeRolePolicyDocument).toEqual(trust);
        expect(r.Properties.Policies).toBeUndefined();
        expect(r.Properties.ManagedPolicyArns).toBeUndefined();
      }
      expect(plain.ofType('AWS::IAM::Policy')).toEqual([]);
      expect(built.ofType('AWS::IAM::Policy')).toEqual([]);
    });

    test('the task role holds nothing until granted', () => {
      const attached = plain.ofType('AWS::IAM::ManagedPolicy').filter(([, p]) => json(p.Properties.Roles).includes(plain.id(plain.service.taskRole)));
      expect(attached).toEqual([]);
      expect(plain.resources[plain.id(plain.service.taskDefinition)].Properties.TaskRoleArn).toEqual({ 'Fn::GetAtt': [plain.id(plain.service.taskRole), 'Arn'] });
    });

    test('the execution role pulls from its repository, writes its log group, and nothing else', () => {
      const policy = plain.resources[plain.id(plain.service.executionPolicy)];
      expect(policy.Properties.Roles).toEqual([{ Ref: plain.id(plain.service.executionRole) }]);
      expect(statementsOf(policy)).toEqual([
        { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        {
          Sid: 'PullOwnImages',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: { 'Fn::GetAtt': [plain.id(plain.service.repository), 'Arn'] },
        },
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [plain.id(plain.service.logGroup), 'Arn'] },
        },
      ]);
      expect(plain.resources[plain.id(plain.service.taskDefinition)].Properties.ExecutionRoleArn).toEqual({
        'Fn::GetAtt': [plain.id(plain.service.executionRole), 'Arn'],
      });
      // No repository policy: the pull is granted on the role's side.
      expect(plain.resources[plain.id(plain.service.repository)].Properties.RepositoryPolicyText).toBeUndefined();
    });
  });

  describe('secrets', () => {
    test('are injected from Secrets Manager, read by the execution role only, through its key', () => {
      const stack = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'compute', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const secretKey = new kms.Key(stack, 'SecretKey');
      const secret = new secretsmanager.Secret(stack, 'ApiSecret', { encryptionKey: secretKey });
      const byName = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'hds/web/db');
      const s = new ContainerService(stack, 'Web', {
        name: 'web',
        vpc,
        subnets: { subnetGroupName: 'compute' },
        imageTag: 'git-3f9c2ab',
        containerPort: 8080,
        repositoryKey: new kms.Key(stack, 'RepoKey'),
        logsKey: new kms.Key(stack, 'LogsKey'),
        logRetention: logs.RetentionDays.ONE_YEAR,
        secrets: { API_KEY: secret, DB_NAME: byName },
      });
      const template = Template.fromStack(stack);
      const res = template.toJSON().Resources as Record<string, Resource>;
      const lid = (c: IConstruct) => stack.getLogicalId((c.node.defaultChild ?? c) as CfnElement);
      const def = Object.values(res).find((r) => r.Type === 'AWS::ECS::TaskDefinition')!;
      const secrets = (def.Properties.ContainerDefinitions as { Secrets: unknown[] }[])[0].Secrets;
      expect(secrets).toEqual([
        { Name: 'API_KEY', ValueFrom: { Ref: lid(secret) } },
        { Name: 'DB_NAME', ValueFrom: expect.anything() },
      ]);
      const statements = statementsOf(res[lid(s.executionPolicy)]);
      expect(statements.find((st) => st.Sid === 'ReadOwnSecrets')).toEqual({
        Sid: 'ReadOwnSecrets',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        // A secret known by name only: its ARN ends with a 6-character suffix.
        Resource: ['arn:aws:secretsmanager:eu-west-3:111111111111:secret:hds/web/db-??????', { Ref: lid(secret) }],
      });
      expect(statements.find((st) => st.Sid === 'DecryptOwnSecrets')).toEqual({
        Sid: 'DecryptOwnSecrets',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [lid(secretKey), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-3.amazonaws.com' } },
      });
      // Nothing lands in the secret's key policy or in an inline policy (no cross-stack edits, no cycles).
      expect(json(res[lid(secretKey)].Properties.KeyPolicy)).not.toContain(lid(s.executionRole));
      expect(Object.values(res).filter((r) => r.Type === 'AWS::IAM::Policy')).toEqual([]);
      expect(json(res[lid(s.taskRole)])).not.toContain('secretsmanager');
    });
  });

  describe('store.grantReadWrite(service, "app")', () => {
    const store = built.store!;
    const taskPolicies = ofType('AWS::IAM::ManagedPolicy').filter(([, p]) => json(p.Properties.Roles) === json([{ Ref: id(service.taskRole) }]));

    test('lands in one managed policy of the task role', () => {
      expect(taskPolicies).toHaveLength(1);
      expect(taskPolicies[0][1].Metadata?.[CONTROLS_METADATA_KEY]).toEqual(['IAM-02']);
    });

    test('reads and writes documents (no version purge), the data key through S3 only, connects as "app"', () => {
      const statements = statementsOf(taskPolicies[0][1]);
      const docs = id(store.documents);
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [docs, 'Arn'] } }),
          expect.objectContaining({
            Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [docs, 'Arn'] }, '/*']] },
          }),
          expect.objectContaining({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' } },
          }),
          expect.objectContaining({
            Action: 'rds-db:connect',
            Resource: {
              'Fn::Join': ['', ['arn:aws:rds-db:eu-west-3:111111111111:dbuser:', { 'Fn::GetAtt': [id(store.database), 'DBClusterResourceId'] }, '/app']],
            },
          }),
        ]),
      );
      expect(statements).toHaveLength(4);
      expect(statements.flatMap(actionsOf).filter((a) => a.includes('*') || /Version|Retention|LegalHold/.test(a))).toEqual([]);
    });

    test('the service reaches the database port, and the database admits the service on it', () => {
      const sg = { 'Fn::GetAtt': [id(service.securityGroup), 'GroupId'] };
      const dbSg = { 'Fn::GetAtt': [id(store.databaseSecurityGroup), 'GroupId'] };
      const port = { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 };
      expect(ofType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)).toEqual([
        expect.objectContaining({ ...port, GroupId: dbSg, SourceSecurityGroupId: sg }),
      ]);
      expect(ofType('AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties)).toEqual([
        expect.objectContaining({ ...port, GroupId: sg, DestinationSecurityGroupId: dbSg }),
      ]);
    });
  });

  describe('validation', () => {
    const make = (overrides: Partial<ContainerServiceProps>) => () => build(overrides);

    test.each([
      ['Web', /name is "Web"; allowed: 1 to 32 lower-case letters/],
      ['web_app', /name is "web_app"/],
      ['web-', /name is "web-"/],
      ['', /name is ""/],
    ])('refuses the name %j', (name, message) => {
      expect(make({ name })).toThrow(message);
    });

    test.each(['latest', 'LATEST'])('refuses the tag %s (immutable tags)', (imageTag) => {
      expect(make({ imageTag })).toThrow(new RegExp(`imageTag is "${imageTag}"; allowed: an immutable tag .* never "latest"`));
    });

    test('refuses a tag Docker would not accept, accepts a digest', () => {
      expect(make({ imageTag: 'v1 beta' })).toThrow(/imageTag is "v1 beta"; allowed: a Docker tag/);
      expect(make({ imageTag: `sha256:${'a'.repeat(64)}` })).not.toThrow();
    });

    test.each([
      [256, 1536],
      [512, 512],
      [1024, 9216],
      [300, 1024],
    ])('refuses cpu %i with memory %i', (cpu, memoryMiB) => {
      expect(make({ cpu, memoryMiB })).toThrow(new RegExp(`cpu ${cpu} with memoryMiB ${memoryMiB} is not a Fargate size; allowed \\(cpu: memoryMiB\\): 256: 512, 1024, 2048; 512: 1024 to 4096 by 1024`));
    });

    test.each([
      [256, 2048],
      [4096, 30720],
      [8192, 20480],
      [16384, 122880],
    ])('accepts cpu %i with memory %i', (cpu, memoryMiB) => {
      expect(make({ cpu, memoryMiB })).not.toThrow();
    });

    test('refuses minCount above maxCount, and a desiredCount outside them', () => {
      expect(make({ minCount: 5, maxCount: 3 })).toThrow(/minCount 5 is above maxCount 3; allowed: minCount <= maxCount/);
      expect(make({ minCount: 2, maxCount: 4, desiredCount: 6 })).toThrow(/desiredCount is 6; allowed: between minCount 2 and maxCount 4/);
      expect(make({ minCount: 1.5 })).toThrow(/minCount is 1.5; allowed: a whole number/);
    });

    test('refuses privileged ports, bad paths, a stop timeout beyond Fargate, a name in both environment and secrets', () => {
      expect(make({ containerPort: 80 })).toThrow(/containerPort is 80; allowed: 1024 to 65535/);
      expect(make({ healthCheckPath: 'health' })).toThrow(/healthCheckPath is "health"/);
      expect(make({ writablePaths: ['/'] })).toThrow(/writablePaths has "\/"/);
      expect(make({ stopTimeout: Duration.minutes(5) })).toThrow(/stopTimeout is 300 seconds; allowed: 2 to 120/);
      const secret = secretsmanager.Secret.fromSecretNameV2(testStack(), 'S', 'x');
      expect(make({ environment: { KEY: 'v' }, secrets: { KEY: secret } })).toThrow(/KEY is both in environment and in secrets/);
    });

    test('reports every problem at once', () => {
      expect(make({ name: 'Web', imageTag: 'latest', cpu: 256, memoryMiB: 4096, minCount: 3, maxCount: 1 })).toThrow(
        /TestStack\/Web: invalid container service settings:\n {2}- name is "Web".*\n {2}- imageTag is "latest".*\n {2}- cpu 256 with memoryMiB 4096.*\n {2}- minCount 3 is above maxCount 1/,
      );
    });
  });

  test('CONTAINER_INTERFACE_ENDPOINTS: ECR API, ECR registry and Systems Manager (the others are in the base network)', () => {
    expect(Object.fromEntries(Object.entries(CONTAINER_INTERFACE_ENDPOINTS).map(([k, v]) => [k, v.shortName]))).toEqual({
      EcrApi: 'ecr.api',
      EcrDocker: 'ecr.dkr',
      Ssm: 'ssm',
    });
  });
});

/** The service in a platform-like stack (keys, network with the container endpoints, store, boundary), through the three packs. */
function packFindings(options: { vpcCidr?: string; environment?: Record<string, string> } = {}): string[] {
  const app = testApp();
  const stack = testStack(app);
  const keys = new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' });
  const network = new PrivateNetwork(stack, 'Network', {
    cidr: CIDR,
    availabilityZones: ['eu-west-3a', 'eu-west-3b'],
    logsKey: keys.logs,
    flowLogRetention: logs.RetentionDays.ONE_YEAR,
  });
  for (const [name, endpoint] of Object.entries(CONTAINER_INTERFACE_ENDPOINTS)) network.addInterfaceEndpoint(name, endpoint);
  const accessLogs = new SecureBucket(stack, 'AccessLogs', {
    encryption: { s3Managed: true, reason: 'test: the access-log bucket of this fixture' },
    accessLogsReason: 'test: the access-log bucket itself',
  }).bucket;
  const store = new HealthDataStore(stack, 'Store', {
    namePrefix: 'hds',
    vpc: network.vpc,
    dataSubnets: network.dataSubnets,
    dataKey: keys.data,
    logsKey: keys.logs,
    accessLogs,
    logRetention: logs.RetentionDays.ONE_YEAR,
    minCapacity: 0.5,
    maxCapacity: 2,
    readers: 0,
  });
  const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'ApiSecret', 'arn:aws:secretsmanager:eu-west-3:111111111111:secret:hds/web/api-AbCdEf');
  const service = new ContainerService(stack, 'Web', {
    name: 'web',
    vpc: network.vpc,
    subnets: network.computeSubnets,
    vpcCidr: options.vpcCidr,
    imageTag: '1.4.2',
    containerPort: 8080,
    repositoryKey: keys.data,
    logsKey: keys.logs,
    logRetention: logs.RetentionDays.ONE_YEAR,
    environment: options.environment,
    secrets: { API_KEY: secret },
  });
  store.grantReadWrite(service, 'app');
  applyResidencyBoundary(stack, ['eu-west-3']);
  app.synth();
  const found: string[] = [];
  for (const pack of createPacks(undefined, { allowedRegions: ['eu-west-3'], minTraceRetentionDays: 365 })) {
    for (const v of pack.validateScope(app).violations) {
      for (const r of v.violatingResources) {
        // Only what the service and the grant bring: the fixture's other findings belong to their own constructs.
        if (r.constructPath?.startsWith('TestStack/Web/') || /Store\/DatabaseSecurityGroup/.test(r.constructPath ?? '')) {
          found.push(`${v.ruleName} ${r.constructPath}`);
        }
      }
    }
  }
  return found.sort();
}

describe('ContainerService through the packs (AwsSolutions, HIPAA.Security, HDS)', () => {
  const INHERENT = ['AwsSolutions-IAM5[Resource::*] TestStack/Web/ExecutionPolicy/Resource', 'AwsSolutions-IAM5[Resource::<StoreDocumentsB4752E79.Arn>/*] TestStack/Web/TaskPolicy/Resource'];

  test('only the inherent findings remain: the ECR token and the object ARNs of the documents bucket', () => {
    expect(packFindings({ vpcCidr: CIDR })).toEqual(INHERENT);
  });

  test('environment variables add AwsSolutions-ECS2; a token VPC CIDR adds nothing that throws', () => {
    expect(packFindings({ environment: { LOG_LEVEL: 'info' } })).toEqual(
      [...INHERENT, 'AwsSolutions-ECS2 TestStack/Web/TaskDefinition/Resource'].sort(),
    );
  });
});
