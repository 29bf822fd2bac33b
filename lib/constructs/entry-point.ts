import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, type IConstruct } from 'constructs';
import { recordControls } from '../controls';

/**
 * The entry point's certificate: an existing ACM certificate of the stack's account and region, or one
 * the entry point requests for `domainName`, validated by DNS.
 */
export type EntryPointCertificate =
  | { readonly certificateArn: string }
  | {
      readonly domainName: string;
      /**
       * Where the DNS validation record is written.
       * @default - no zone: the stack waits (CREATE_IN_PROGRESS, up to 72 hours) until someone publishes the
       * CNAME record shown in the ACM console, or by `aws acm describe-certificate`, in the domain's DNS
       */
      readonly hostedZone?: route53.IHostedZone;
    };

export interface EntryPointProps {
  readonly vpc: ec2.IVpc;
  /** Public subnets of the load balancer (`PrivateNetwork.entrySubnets`): the only public resource of the platform. */
  readonly subnets: ec2.SubnetSelection;
  readonly certificate: EntryPointCertificate;
  /**
   * Receives the load balancer's access logs (LOG-05), under `entry-point/`. It must be SSE-S3 (ELB cannot
   * write to an SSE-KMS bucket: `LogArchive.accessLogs`) and a bucket of this app, so that the ELB log
   * delivery statements can be added to its policy.
   */
  readonly accessLogs: s3.IBucket;
  /** Encrypts the WAF log group (LOG-04). Its policy must let CloudWatch Logs use it for this account's log groups (`PlatformKeys.logs` does). */
  readonly logsKey: kms.IKey;
  /** Retention of the WAF log group (LOG-04: at least one year). */
  readonly logRetention: logs.RetentionDays;
  /** Requests per client IP per 5 minutes above which WAF blocks that IP (100 to 2,000,000,000). */
  readonly rateLimitPer5Minutes: number;
  /** Short name of the platform instance, used in names (`aws-waf-logs-<environment>`, the web ACL, metrics). */
  readonly environment: string;
}

/**
 * A service the entry point routes to: an ECS Fargate service (`ContainerService` matches this shape), its
 * security group (`connections`), the port its container listens on and the path the load balancer checks.
 */
export interface EntryPointService extends ec2.IConnectable {
  readonly service: ecs.FargateService;
  readonly containerPort: number;
  readonly healthCheckPath: string;
}

export interface AddServiceOptions {
  /** Priority of the HTTPS listener rule, 1 to 50,000, unique per entry point; the lowest matching rule wins. */
  readonly priority: number;
  /**
   * Paths routed to the service (e.g. `['/api/*']`).
   * @default - every path (`/*`) when `hostHeaders` is not given either
   */
  readonly pathPatterns?: string[];
  /**
   * Host names routed to the service (e.g. `['api.editor.example']`).
   * @default - any host
   */
  readonly hostHeaders?: string[];
  /**
   * Protocol from the load balancer to the tasks. The hop stays inside the VPC (public entry subnets to
   * isolated compute subnets, security group to security group); `HTTPS` when the container serves TLS on
   * `containerPort` (the load balancer does not validate the target's certificate: a self-signed one works).
   * @default 'HTTP'
   */
  readonly protocol?: 'HTTP' | 'HTTPS';
}

/** Managed rule groups of the web ACL, enforced as AWS publishes them (override none). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

/** TLS 1.2 (ECDHE with AES-GCM only) and TLS 1.3, with a post-quantum hybrid key exchange (ENC-03). */
export const ENTRY_POINT_SSL_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ;

/** Request headers WAF keeps out of its logs: credentials and session tokens. */
export const REDACTED_HEADERS = ['authorization', 'cookie'] as const;

/** Prefix of the load balancer's access logs in the access-log bucket. */
export const ACCESS_LOG_PREFIX = 'entry-point';

const ENVIRONMENT_PATTERN = /^[a-z][a-z0-9-]{1,19}$/;
const DOMAIN_PATTERN = /^(\*\.)?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CERTIFICATE_ARN = /^arn:(aws[a-z-]*):acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;

/**
 * The platform's one internet entry point (NET-04, NET-05, ENC-03, LOG-05): an internet-facing Application
 * Load Balancer in the public entry subnets, behind an AWS WAF web ACL.
 *
 * - ENC-03: HTTPS on 443 with a TLS 1.2/1.3 forward-secret policy (`ENTRY_POINT_SSL_POLICY`); port 80 only
 *   answers a permanent redirect to HTTPS 443. Invalid header fields are dropped, HTTP desync is mitigated
 *   (defensive mode), deletion protection is on.
 * - NET-05: the web ACL enforces the AWS managed rule groups of `MANAGED_RULE_GROUPS` and a per-IP rate
 *   limit, and logs to a KMS-encrypted log group `aws-waf-logs-<environment>` without the `authorization`
 *   and `cookie` headers. A resource policy of CloudWatch Logs lets the WAF log delivery write to that
 *   group only, so that WAF does not edit the account's shared `AWSWAF-LOGS` policy at deploy time.
 * - LOG-05: access logs to the access-log bucket; WAF logs as above.
 * - NET-04: the load balancer's security group admits TCP 443 and 80 from the internet (80 only redirects,
 *   which NET04-NoOpenIngress checks) and sends only to the services added, on their container port.
 *
 * Until a service is added, every HTTPS request gets a 404 from the load balancer itself. `addService`
 * routes paths or host names to an ECS Fargate service.
 */
export class EntryPoint extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly httpsListener: elbv2.ApplicationListener;
  /** Port 80: a permanent redirect to HTTPS 443, nothing else. */
  public readonly httpListener: elbv2.ApplicationListener;
  /** The certificate the entry point requested, when `certificate` names a domain. */
  public readonly certificate?: acm.Certificate;
  public readonly certificateArn: string;
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly wafLogGroup: logs.LogGroup;
  public readonly wafLogging: wafv2.CfnLoggingConfiguration;
  private readonly vpc: ec2.IVpc;
  private readonly services: Construct;
  private readonly priorities = new Set<number>();

  constructor(scope: Construct, id: string, props: EntryPointProps) {
    super(scope, id);
    validateEntryPointProps(this, props);
    this.vpc = props.vpc;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Entry point load balancer: HTTPS (and HTTP, redirected) from the internet; out only to its services',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet, only redirected to HTTPS');
    recordControls(this.securityGroup, 'NET-04');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      ipAddressType: elbv2.IpAddressType.IPV4,
      securityGroup: this.securityGroup,
      deletionProtection: true,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
      http2Enabled: true,
      idleTimeout: Duration.seconds(60),
      // Fail closed: if WAF cannot inspect a request, the load balancer refuses it.
      wafFailOpen: false,
    });
    this.loadBalancer.logAccessLogs(props.accessLogs, ACCESS_LOG_PREFIX);
    recordControls(this.loadBalancer, 'NET-05', 'ENC-03', 'LOG-05');

    if ('certificateArn' in props.certificate) {
      this.certificateArn = props.certificate.certificateArn;
    } else {
      this.certificate = new acm.Certificate(this, 'Certificate', {
        domainName: props.certificate.domainName,
        validation: acm.CertificateValidation.fromDns(props.certificate.hostedZone),
      });
      recordControls(this.certificate, 'ENC-03');
      this.certificateArn = this.certificate.certificateArn;
    }

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      sslPolicy: ENTRY_POINT_SSL_POLICY,
      certificates: [elbv2.ListenerCertificate.fromArn(this.certificateArn)],
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
      open: false,
    });
    this.httpListener = this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      open: false,
    });
    recordControls(this.httpsListener, 'ENC-03');
    recordControls(this.httpListener, 'ENC-03');

    this.webAcl = this.createWebAcl(props);
    const association = new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.loadBalancer.loadBalancerArn,
      webAclArn: this.webAcl.attrArn,
    });
    recordControls(association, 'NET-05');

    const stack = Stack.of(this);
    this.wafLogGroup = new logs.LogGroup(this, 'WafLogs', {
      // WAF delivers only to log groups whose name starts with aws-waf-logs-.
      logGroupName: `aws-waf-logs-${props.environment}`,
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    recordControls(this.wafLogGroup, 'LOG-04', 'LOG-05');
    // Without it, enabling logging makes WAF add this group to the account-wide AWSWAF-LOGS policy, which
    // needs logs:PutResourcePolicy at deploy time and stops growing at 5,120 characters. CloudWatch Logs
    // resource policies are per account and region (10 at most): this is one of them.
    const delivery = this.wafLogGroup.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'WafLogDeliveryToThisGroup',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The Arn attribute ends with ":*": every log stream of the group.
        resources: [this.wafLogGroup.logGroupArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:*` },
        },
      }),
    );
    this.wafLogging = new wafv2.CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      // The group's ARN without the ":*" that its Arn attribute ends with.
      logDestinationConfigs: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: this.wafLogGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      // SingleHeader is untyped in the L1: CloudFormation's own key names.
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
    });
    if (delivery.policyDependable) this.wafLogging.node.addDependency(delivery.policyDependable);
    recordControls(this.wafLogging, 'LOG-05', 'NET-05');

    this.services = new Construct(this, 'Services');
  }

  /**
   * Routes the requests that match `options` (paths and/or host names) on HTTPS 443 to `service`: a target
   * group of its tasks (IP targets, `containerPort`, health check on `healthCheckPath`), a listener rule of
   * `options.priority`, and security-group rules from the load balancer to the service on `containerPort`
   * only. Its resources live under `Services/<the service's construct id>`: that id is unique per entry point.
   */
  public addService(service: EntryPointService & IConstruct, options: AddServiceOptions): elbv2.ApplicationTargetGroup {
    const name = service.node.id;
    validateServiceRoute(this, name, service, options, this.priorities, this.services.node.tryFindChild(name) !== undefined);
    this.priorities.add(options.priority);
    const scope = new Construct(this.services, name);

    const container = service.service.taskDefinition.defaultContainer;
    if (!container?.findPortMapping(service.containerPort, ecs.Protocol.TCP)) {
      throw new Error(`${this.node.path}: service "${name}" has no container that maps TCP ${service.containerPort} (containerPort); map that port in its default container, or pass the port it maps`);
    }
    const protocol = options.protocol === 'HTTPS' ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP;
    const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'TargetGroup', {
      vpc: this.vpc,
      targetType: elbv2.TargetType.IP,
      protocol,
      port: service.containerPort,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: service.healthCheckPath,
        protocol: protocol === elbv2.ApplicationProtocol.HTTPS ? elbv2.Protocol.HTTPS : elbv2.Protocol.HTTP,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      targets: [service.service.loadBalancerTarget({ containerName: container.containerName, containerPort: service.containerPort })],
    });

    const conditions: elbv2.ListenerCondition[] = [];
    if (options.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(options.hostHeaders));
    if (options.pathPatterns?.length || !options.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(options.pathPatterns?.length ? options.pathPatterns : ['/*']));
    new elbv2.ApplicationListenerRule(scope, 'Rule', {
      listener: this.httpsListener,
      priority: options.priority,
      conditions,
      action: elbv2.ListenerAction.forward([targetGroup]),
    });
    // The target registration opens the same port; stated here so that the rule does not depend on it.
    this.loadBalancer.connections.allowTo(service, ec2.Port.tcp(service.containerPort), `Load balancer to ${name}`);
    return targetGroup;
  }

  private createWebAcl(props: EntryPointProps): wafv2.CfnWebACL {
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'RateLimitPerIp',
        priority: 0,
        statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.rateLimitPer5Minutes, evaluationWindowSec: 300 } },
        action: { block: {} },
        visibilityConfig: visibility(`${props.environment}-rate-limit-per-ip`),
      },
      ...MANAGED_RULE_GROUPS.map(
        (name, i): wafv2.CfnWebACL.RuleProperty => ({
          name,
          priority: i + 1,
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          overrideAction: { none: {} },
          visibilityConfig: visibility(`${props.environment}-${name}`),
        }),
      ),
    ];
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.environment}-entry-point`,
      // WAF descriptions admit letters, digits, spaces and + = : # @ / - , . only.
      description: 'hds-blueprint entry point - AWS managed rules and a per-IP rate limit - NET-05',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${props.environment}-entry-point`),
      rules,
    });
    recordControls(acl, 'NET-05');
    return acl;
  }
}

/** Collects every problem of the props and throws once, naming the field, the value and what is allowed. */
export function validateEntryPointProps(scope: Construct, props: EntryPointProps): void {
  const problems: string[] = [];
  const known = (v: unknown) => !Token.isUnresolved(v);
  const stack = Stack.of(scope);

  if (known(props.rateLimitPer5Minutes) && !(Number.isInteger(props.rateLimitPer5Minutes) && props.rateLimitPer5Minutes >= 100 && props.rateLimitPer5Minutes <= 2_000_000_000)) {
    problems.push(`rateLimitPer5Minutes is ${props.rateLimitPer5Minutes}; allowed: a whole number of requests per IP per 5 minutes from 100 to 2,000,000,000 (AWS WAF's bounds)`);
  }
  if (known(props.environment) && !ENVIRONMENT_PATTERN.test(props.environment)) {
    problems.push(`environment is "${props.environment}"; allowed: 2 to 20 lower-case letters, digits and hyphens, starting with a letter (it names the log group aws-waf-logs-<environment>)`);
  }
  if (!known(stack.region) || !known(stack.account)) {
    problems.push('the stack has no explicit account and region; the entry point needs both (ELB access-log delivery and the certificate are regional): pass env: { account, region } to the stack');
  }
  if (props.accessLogs.encryptionKey) {
    problems.push('accessLogs is encrypted with a KMS key; load balancer access logs can only be delivered to an SSE-S3 bucket: pass LogArchive.accessLogs');
  }
  if ('certificateArn' in props.certificate) {
    const arn = props.certificate.certificateArn;
    if (known(arn)) {
      const match = CERTIFICATE_ARN.exec(arn);
      if (!match) {
        problems.push(`certificate.certificateArn is "${arn}"; allowed: an ACM certificate ARN such as "arn:aws:acm:${known(stack.region) ? stack.region : 'eu-west-3'}:123456789012:certificate/0a1b2c3d-..."`);
      } else {
        if (known(stack.region) && match[2] !== stack.region) {
          problems.push(`certificate.certificateArn is in ${match[2]}; a load balancer only uses ACM certificates of its own region: import or request the certificate in ${stack.region}`);
        }
        if (known(stack.account) && match[3] !== stack.account) {
          problems.push(`certificate.certificateArn belongs to account ${match[3]}; a load balancer only uses ACM certificates of its own account (${stack.account})`);
        }
      }
    }
  } else if (known(props.certificate.domainName) && !DOMAIN_PATTERN.test(props.certificate.domainName)) {
    problems.push(`certificate.domainName is "${props.certificate.domainName}"; allowed: a lower-case domain name such as "app.editor.example" (or "*.editor.example")`);
  }
  if (problems.length > 0) throw new Error(`${scope.node.path}: invalid entry point:\n- ${problems.join('\n- ')}`);
}

function validateServiceRoute(scope: Construct, name: string, service: EntryPointService, options: AddServiceOptions, priorities: ReadonlySet<number>, taken: boolean): void {
  const problems: string[] = [];
  const known = (v: unknown) => !Token.isUnresolved(v);
  if (taken) problems.push(`a service with construct id "${name}" is already routed; give each service a distinct id`);
  const p = options.priority;
  if (known(p)) {
    if (!(Number.isInteger(p) && p >= 1 && p <= 50_000)) problems.push(`priority is ${p}; allowed: a whole number from 1 to 50,000`);
    else if (priorities.has(p)) problems.push(`priority ${p} is already used by another service; allowed: a priority no other service of this entry point uses`);
  }
  const port = service.containerPort;
  if (known(port) && !(Number.isInteger(port) && port >= 1 && port <= 65535)) problems.push(`containerPort is ${port}; allowed: 1 to 65535`);
  const path = service.healthCheckPath;
  if (known(path) && !/^\/[\x21-\x7e]*$/.test(path)) problems.push(`healthCheckPath is "${path}"; allowed: an absolute HTTP path such as "/health"`);
  const values = (options.pathPatterns?.length ?? 0) + (options.hostHeaders?.length ?? 0);
  if (values > 5) problems.push(`pathPatterns and hostHeaders have ${values} values together; allowed: at most 5 per listener rule (add the service twice with other priorities)`);
  for (const pattern of options.pathPatterns ?? []) {
    if (known(pattern) && !/^\/[\x21-\x7e]{0,127}$/.test(pattern)) problems.push(`pathPatterns has "${pattern}"; allowed: an absolute path pattern such as "/api/*"`);
  }
  for (const host of options.hostHeaders ?? []) {
    if (known(host) && !/^(\*\.)?[a-z0-9*?.-]{1,128}$/i.test(host)) problems.push(`hostHeaders has "${host}"; allowed: a host name such as "api.editor.example"`);
  }
  if (problems.length > 0) throw new Error(`${scope.node.path}: cannot route service "${name}":\n- ${problems.join('\n- ')}`);
}
