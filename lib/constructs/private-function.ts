import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { recordControls } from '../controls';

/**
 * How the platform's functions are bundled (also used by `bench/lambdas.bench.ts`): the SDK clients are
 * bundled, pinned by package-lock.json, not taken from the runtime; ES module entry points let esbuild
 * drop the unused parts of the SDK.
 */
export const FUNCTION_BUNDLING = {
  mainFields: ['module', 'main'],
  minify: true,
  target: 'node24',
} as const;

export interface PrivateFunctionProps {
  /** Source file of the handler (`lambdas/<name>/index.ts`). */
  readonly entry: string;
  readonly description: string;
  /** What the role is for, as IAM shows it. */
  readonly roleDescription: string;
  /** Description of the role's managed policy. @default - the role's description */
  readonly policyDescription?: string;
  /**
   * The function's security group, when the caller adds rules of its own before the HTTPS egress
   * (its description is immutable once deployed). @default - a new group, described after the function
   */
  readonly securityGroup?: ec2.SecurityGroup;
  readonly vpc: ec2.IVpc;
  /** Isolated subnets: the function reaches AWS APIs through the VPC endpoints only (NET-02). */
  readonly subnets: ec2.SubnetSelection;
  /** Literal VPC CIDR: interface endpoints are reached inside it on 443. */
  readonly vpcCidr: string;
  /** Encrypts the function's log group and dead-letter queue (LOG-04, ENC-02). */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** The function's own permissions (the logging, dead-letter and network ones are added here). */
  readonly statements: readonly iam.PolicyStatement[];
  /**
   * Every IAM action the function's code calls (its `permissions.ts`); synth fails if one is not
   * allowed by `statements`, so code and policy cannot drift apart.
   */
  readonly requiredActions: readonly string[];
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly reservedConcurrentExecutions: number;
  /** Asynchronous invocations that fail land in an encrypted queue. @default true */
  readonly deadLetters?: boolean;
}

/** What `createPrivateFunction` made, all children of the scope it was given. */
export interface PrivateFunction {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  /** The one customer-managed policy that holds every permission of the role. */
  readonly policy: iam.ManagedPolicy;
  readonly logGroup: logs.LogGroup;
  readonly deadLetters?: sqs.Queue;
  readonly securityGroup: ec2.SecurityGroup;
}

/**
 * A Node.js function of the platform, in the isolated subnets: a KMS-encrypted, retained log group, an
 * encrypted dead-letter queue, a security group whose only egress is HTTPS to the VPC endpoints, and a
 * role whose permissions are all in one customer-managed policy (no inline policy; the function sees the
 * role as immutable, so CDK cannot add grants behind the policy's back).
 *
 * Children are created in `scope` with ids derived from `id` (`<id>`, `<id>Role`, `<id>Policy`, `<id>Logs`,
 * `<id>DeadLetters`, `<id>SecurityGroup`), so that a construct moving to this helper keeps its logical ids.
 */
export function createPrivateFunction(scope: Construct, id: string, props: PrivateFunctionProps): PrivateFunction {
  const securityGroup =
    props.securityGroup ??
    new ec2.SecurityGroup(scope, `${id}SecurityGroup`, {
      vpc: props.vpc,
      description: `${props.description}: AWS APIs through VPC endpoints only`,
      allowAllOutbound: false,
    });
  securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpcCidr), ec2.Port.tcp(443), 'Interface endpoints');
  // The S3 gateway endpoint is reached through its prefix list, whose id only exists at deploy time;
  // the subnets have no route to the internet, so HTTPS egress reaches AWS endpoints only.
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'S3 through the gateway endpoint');
  recordControls(securityGroup, 'NET-04');

  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    encryptionKey: props.logsKey,
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  recordControls(logGroup, 'LOG-04');
  const deadLetters =
    props.deadLetters === false
      ? undefined
      : new sqs.Queue(scope, `${id}DeadLetters`, {
          encryption: sqs.QueueEncryption.KMS,
          encryptionMasterKey: props.logsKey,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
          removalPolicy: RemovalPolicy.RETAIN,
        });

  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  const statements = [...props.statements, ...runtimeStatements(logGroup, props.logsKey, deadLetters)];
  const granted = new Set(statements.filter((s) => s.effect === iam.Effect.ALLOW).flatMap((s) => s.actions));
  const missing = props.requiredActions.filter((a) => !granted.has(a));
  if (missing.length > 0) {
    throw new Error(`${scope.node.path}/${id}: the function calls APIs its policy does not allow: ${missing.join(', ')}`);
  }
  const policy = new iam.ManagedPolicy(scope, `${id}Policy`, {
    description: props.policyDescription ?? props.roleDescription,
    roles: [role],
    statements,
  });

  const fn = new nodejs.NodejsFunction(scope, id, {
    entry: props.entry,
    runtime: lambda.Runtime.NODEJS_24_X,
    role: iam.Role.fromRoleArn(scope, `${id}RoleRef`, role.roleArn, { mutable: false }),
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    description: props.description,
    vpc: props.vpc,
    vpcSubnets: props.subnets,
    securityGroups: [securityGroup],
    logGroup,
    deadLetterQueue: deadLetters,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    environment: props.environment,
    bundling: {
      externalModules: [],
      mainFields: [...FUNCTION_BUNDLING.mainFields],
      minify: FUNCTION_BUNDLING.minify,
      target: FUNCTION_BUNDLING.target,
      sourceMap: false,
    },
  });
  fn.node.addDependency(policy);
  return { function: fn, role, policy, logGroup, deadLetters, securityGroup };
}

/** What every function needs to run: its own logs, its dead letters, its network interfaces. */
function runtimeStatements(logGroup: logs.ILogGroup, logsKey: kms.IKey, deadLetters: sqs.IQueue | undefined): iam.PolicyStatement[] {
  const statement = (sid: string, actions: string[], resources: string[]) => new iam.PolicyStatement({ sid, actions, resources });
  return [
    // A log group's ARN already ends with ':*' (all its streams).
    statement('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]),
    ...(deadLetters ? [statement('DeadLetters', ['sqs:SendMessage'], [deadLetters.queueArn])] : []),
    statement('EncryptLogsAndDeadLetters', ['kms:GenerateDataKey', 'kms:Decrypt'], [logsKey.keyArn]),
    // Lambda in a VPC manages its network interfaces; EC2 has no resource-level permissions for these.
    statement(
      'NetworkInterfacesInTheVpc',
      [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      ['*'],
    ),
    // Those network-interface permissions are for the Lambda service, not for the function's code:
    // calls made from inside the function carry lambda:SourceFunctionArn, and are denied.
    new iam.PolicyStatement({
      sid: 'FunctionCodeNeverTouchesNetworkInterfaces',
      effect: iam.Effect.DENY,
      actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: ['*'],
      conditions: { Null: { 'lambda:SourceFunctionArn': 'false' } },
    }),
  ];
}
