import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { createPacks } from '../../lib/checks';
import { EntryPoint, MANAGED_RULE_GROUPS, type EntryPointProps } from '../../lib/constructs/entry-point';
import { LogArchive } from '../../lib/constructs/log-archive';
import { PlatformKeys } from '../../lib/constructs/platform-keys';
import { PrivateNetwork } from '../../lib/constructs/private-network';
import { CONTROLS_METADATA_KEY } from '../../lib/controls';
import { ALLOWED_SSL_POLICIES } from '../../policies/rules/enc/load-balancer-tls';
import { findings, type FixtureBuilder } from '../policies/support';
import { testApp, testStack } from '../support/app';

const ACCOUNT = '111111111111';
const CERTIFICATE_ARN = `arn:aws:acm:eu-west-3:${ACCOUNT}:certificate/0a1b2c3d-0000-4000-8000-000000000000`;
/** The Elastic Load Balancing account of eu-west-3 that writes access logs. */
const ELB_ACCOUNT_PARIS = '009996457667';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; Metadata?: Record<string, unknown>; DeletionPolicy?: string };

/**
 * The shape `ContainerService` has (`service`, `containerPort`, `healthCheckPath`, `connections`), built
 * here so that the entry point is tested against the structure it asks for, not one implementation.
 */
class FakeService extends Construct {
  public readonly service: ecs.FargateService;
  public readonly connections: ec2.Connections;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(
    scope: Construct,
    id: string,
    vpc: ec2.IVpc,
    public readonly containerPort = 8080,
    public readonly healthCheckPath = '/health',
  ) {
    super(scope, id);
    const task = new ecs.FargateTaskDefinition(this, 'Task');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/app:1.0.0'), portMappings: [{ containerPort }] });
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', { vpc, allowAllOutbound: false });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: new ecs.Cluster(this, 'Cluster', { vpc }),
      taskDefinition: task,
      securityGroups: [this.securityGroup],
      vpcSubnets: { subnetGroupName: 'compute' },
      minHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(containerPort) });
  }
}

interface Built {
  stack: Stack;
  entry: EntryPoint;
  network: PrivateNetwork;
  keys: PlatformKeys;
  archive: LogArchive;
  template: () => Template;
}

/** The platform's pieces the entry point plugs into: keys, a network with public entry subnets, the log archive. */
function build(props: Partial<EntryPointProps> = {}, stack: Stack = testStack()): Built {
  const keys = new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' });
  const network = new PrivateNetwork(stack, 'Network', {
    cidr: '10.40.0.0/16',
    availabilityZones: [`${stack.region}a`, `${stack.region}b`],
    logsKey: keys.logs,
    flowLogRetention: logs.RetentionDays.ONE_YEAR,
    publicEntry: true,
  });
  const archive = new LogArchive(stack, 'LogArchive', { logsKey: keys.logs, retentionDays: 400, lockMode: 'GOVERNANCE' });
  const entry = new EntryPoint(stack, 'EntryPoint', {
    vpc: network.vpc,
    subnets: network.entrySubnets!,
    certificate: { certificateArn: CERTIFICATE_ARN },
    accessLogs: archive.accessLogs,
    logsKey: keys.logs,
    logRetention: logs.RetentionDays.ONE_YEAR,
    rateLimitPer5Minutes: 2000,
    environment: 'hds',
    ...props,
  });
  return { stack, entry, network, keys, archive, template: () => Template.fromStack(stack) };
}

/** The logical id of an L1, or of an L2's default child. */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function only(template: Template, type: string): Resource {
  const found = Object.values(resourcesOf(template, type));
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every security-group rule of the template that involves `groupId`, inline or as its own resource. */
function rulesOf(template: Template, group: IConstruct): { ingress: unknown[]; egress: unknown[] } {
  const id = logicalId(group);
  const groupRef = { 'Fn::GetAtt': [id, 'GroupId'] };
  const props = resourcesOf(template, 'AWS::EC2::SecurityGroup')[id].Properties;
  const separate = (type: string) =>
    Object.values(resourcesOf(template, type))
      .map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify(groupRef));
  return {
    ingress: [...((props.SecurityGroupIngress as unknown[]) ?? []), ...separate('AWS::EC2::SecurityGroupIngress')],
    egress: [...((props.SecurityGroupEgress as unknown[]) ?? []), ...separate('AWS::EC2::SecurityGroupEgress')],
  };
}

const DISALLOW_ALL_EGRESS = { CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 };

describe('EntryPoint', () => {
  const built = build();
  const template = built.template();
  const lb = () => only(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const attribute = (key: string) => (lb().Properties.LoadBalancerAttributes as { Key: string; Value: unknown }[]).find((a) => a.Key === key)?.Value;

  describe('the load balancer (ENC-03, LOG-05)', () => {
    test('internet-facing, IPv4, in the public entry subnets only, with the entry point security group', () => {
      const entrySubnets = built.network.vpc.selectSubnets(built.network.entrySubnets).subnets.map((s) => ({ Ref: logicalId(s) }));
      expect(entrySubnets).toHaveLength(2);
      expect(lb().Properties).toMatchObject({
        Type: 'application',
        Scheme: 'internet-facing',
        IpAddressType: 'ipv4',
        Subnets: entrySubnets,
        SecurityGroups: [{ 'Fn::GetAtt': [logicalId(built.entry.securityGroup), 'GroupId'] }],
      });
    });

    test.each([
      ['deletion_protection.enabled', 'true'],
      ['routing.http.drop_invalid_header_fields.enabled', 'true'],
      ['routing.http.desync_mitigation_mode', 'defensive'],
      ['routing.http2.enabled', 'true'],
      ['idle_timeout.timeout_seconds', '60'],
      ['access_logs.s3.enabled', 'true'],
      ['access_logs.s3.prefix', 'entry-point'],
    ])('%s is %s', (key, value) => {
      expect(attribute(key)).toBe(value);
    });

    test('WAF fails closed (waf.fail_open.enabled is never set to true)', () => {
      expect(attribute('waf.fail_open.enabled')).not.toBe('true');
    });

    test('access logs go to the access-log bucket of the log archive, after its policy admits them', () => {
      expect(attribute('access_logs.s3.bucket')).toEqual({ Ref: logicalId(built.archive.accessLogs) });
      expect(lb().DependsOn).toContain(logicalId(built.archive.accessLogs.policy!));
    });

    test('the access-log bucket policy lets the eu-west-3 ELB account and the log delivery service write under the prefix only', () => {
      const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(built.archive.accessLogs), 'Arn'] }, `/entry-point/AWSLogs/${ACCOUNT}/*`]] };
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(built.archive.accessLogs) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Action: 's3:PutObject', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ELB_ACCOUNT_PARIS}:root` }, Resource: objects },
            {
              Action: 's3:PutObject',
              Effect: 'Allow',
              Principal: { Service: 'delivery.logs.amazonaws.com' },
              Resource: objects,
              Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
            },
          ]),
        },
      });
    });

    test('in a region opened after August 2022 (eu-south-2), the ELB log delivery service principal writes instead of an account', () => {
      const stack = new Stack(testApp(), 'Madrid', { env: { account: ACCOUNT, region: 'eu-south-2' } });
      const madrid = build({ certificate: { certificateArn: CERTIFICATE_ARN.replace('eu-west-3', 'eu-south-2') } }, stack);
      madrid.template().hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutObject', Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' } })]),
        },
      });
    });

    test('records NET-05, ENC-03 and LOG-05', () => {
      expect((lb().Metadata ?? {})[CONTROLS_METADATA_KEY]).toEqual(['ENC-03', 'LOG-05', 'NET-05']);
    });
  });

  describe('listeners (ENC-03)', () => {
    const listeners = () => Object.values(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::Listener'));

    test('exactly two: HTTPS 443 and HTTP 80', () => {
      expect(listeners().map((l) => [l.Properties.Port, l.Properties.Protocol]).sort()).toEqual([
        [443, 'HTTPS'],
        [80, 'HTTP'],
      ]);
    });

    test('HTTPS 443: a TLS 1.2/1.3 policy of the ENC-03 allow-list, the certificate, and a 404 until services are added', () => {
      const https = listeners().find((l) => l.Properties.Port === 443)!;
      expect(https.Properties).toMatchObject({
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
        Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } }],
      });
      expect(ALLOWED_SSL_POLICIES.has(https.Properties.SslPolicy as string)).toBe(true);
      expect(built.entry.certificateArn).toBe(CERTIFICATE_ARN);
      expect(built.entry.certificate).toBeUndefined();
    });

    test('HTTP 80 only answers a permanent redirect to HTTPS 443', () => {
      const http = listeners().find((l) => l.Properties.Port === 80)!;
      expect(http.Properties.DefaultActions).toEqual([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }]);
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    });

    test('both record ENC-03', () => {
      for (const l of listeners()) expect((l.Metadata ?? {})[CONTROLS_METADATA_KEY]).toEqual(['ENC-03']);
    });
  });

  describe('certificate', () => {
    test('for a domain with a hosted zone: requested from ACM and validated by a DNS record in that zone', () => {
      const stack = testStack();
      const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'editor.example' });
      const b = build({ certificate: { domainName: 'app.editor.example', hostedZone: zone } }, stack);
      const t = b.template();
      t.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'app.editor.example',
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: 'app.editor.example', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
      });
      t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Certificates: [{ CertificateArn: { Ref: logicalId(b.entry.certificate!) } }] });
    });

    test('for a domain without a zone: DNS validation whose records are published by hand', () => {
      const b = build({ certificate: { domainName: 'app.editor.example' } });
      const cert = only(b.template(), 'AWS::CertificateManager::Certificate');
      expect(cert.Properties).toEqual({
        DomainName: 'app.editor.example',
        ValidationMethod: 'DNS',
        Tags: [{ Key: 'Name', Value: 'TestStack/EntryPoint/Certificate' }],
      });
      expect((cert.Metadata ?? {})[CONTROLS_METADATA_KEY]).toEqual(['ENC-03']);
    });

    test('an existing certificate creates no ACM resource', () => {
      template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    });
  });

  describe('security group (NET-04)', () => {
    test('admits TCP 443 and TCP 80 (redirected) from any IPv4 address, nothing else, no IPv6', () => {
      const { ingress } = rulesOf(template, built.entry.securityGroup);
      expect(ingress).toEqual([
        { CidrIp: '0.0.0.0/0', Description: 'HTTPS from the internet', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
        { CidrIp: '0.0.0.0/0', Description: 'HTTP from the internet, only redirected to HTTPS', FromPort: 80, IpProtocol: 'tcp', ToPort: 80 },
      ]);
    });

    test('sends nothing until a service is added (no allowAllOutbound)', () => {
      expect(rulesOf(template, built.entry.securityGroup).egress).toEqual([DISALLOW_ALL_EGRESS]);
    });

    test('records NET-04', () => {
      expect(resourcesOf(template, 'AWS::EC2::SecurityGroup')[logicalId(built.entry.securityGroup)].Metadata?.[CONTROLS_METADATA_KEY]).toEqual(['NET-04']);
    });
  });

  describe('WAF (NET-05, LOG-05)', () => {
    const acl = () => only(template, 'AWS::WAFv2::WebACL');
    type Rule = { Name: string; Priority: number; Statement: Record<string, unknown>; Action?: unknown; OverrideAction?: unknown; VisibilityConfig: unknown };
    const rules = () => acl().Properties.Rules as Rule[];

    test('a regional web ACL that allows by default, with metrics and sampled requests', () => {
      expect(acl().Properties).toMatchObject({
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Name: 'hds-entry-point',
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'hds-entry-point' },
      });
      expect((acl().Metadata ?? {})[CONTROLS_METADATA_KEY]).toEqual(['NET-05']);
    });

    test('the AWS managed rule groups, enforced (override none)', () => {
      const managed = rules().filter((r) => 'ManagedRuleGroupStatement' in r.Statement);
      expect(managed.map((r) => r.Statement.ManagedRuleGroupStatement)).toEqual(MANAGED_RULE_GROUPS.map((Name) => ({ VendorName: 'AWS', Name })));
      expect(MANAGED_RULE_GROUPS).toEqual(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet']);
      for (const r of managed) {
        expect(r.OverrideAction).toEqual({ None: {} });
        expect(r.VisibilityConfig).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `hds-${r.Name}` });
      }
    });

    test('a per-IP rate limit that blocks, evaluated first', () => {
      const rate = rules().find((r) => 'RateBasedStatement' in r.Statement)!;
      expect(rate).toEqual({
        Name: 'RateLimitPerIp',
        Priority: 0,
        Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: 300 } },
        Action: { Block: {} },
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'hds-rate-limit-per-ip' },
      });
      expect(new Set(rules().map((r) => r.Priority)).size).toBe(rules().length);
    });

    test('the rate limit comes from the props', () => {
      const b = build({ rateLimitPer5Minutes: 100 });
      const rate = (only(b.template(), 'AWS::WAFv2::WebACL').Properties.Rules as Rule[]).find((r) => r.Name === 'RateLimitPerIp')!;
      expect(rate.Statement).toEqual({ RateBasedStatement: { AggregateKeyType: 'IP', Limit: 100, EvaluationWindowSec: 300 } });
    });

    test('associated with the load balancer', () => {
      const association = only(template, 'AWS::WAFv2::WebACLAssociation');
      expect(association.Properties).toEqual({
        ResourceArn: { Ref: logicalId(built.entry.loadBalancer) },
        WebACLArn: { 'Fn::GetAtt': [logicalId(built.entry.webAcl), 'Arn'] },
      });
    });

    test('logs to aws-waf-logs-<environment>, encrypted with the logs key, retained, for the configured time', () => {
      const group = resourcesOf(template, 'AWS::Logs::LogGroup')[logicalId(built.entry.wafLogGroup)];
      expect(group.Properties).toEqual({ LogGroupName: 'aws-waf-logs-hds', KmsKeyId: { 'Fn::GetAtt': [logicalId(built.keys.logs), 'Arn'] }, RetentionInDays: 365 });
      expect(group.DeletionPolicy).toBe('Retain');
      expect(group.Metadata?.[CONTROLS_METADATA_KEY]).toEqual(['LOG-04', 'LOG-05']);
    });

    test('the logging configuration names the group by its ARN without ":*" and redacts the authorization and cookie headers', () => {
      const logging = only(template, 'AWS::WAFv2::LoggingConfiguration');
      expect(logging.Properties).toEqual({
        ResourceArn: { 'Fn::GetAtt': [logicalId(built.entry.webAcl), 'Arn'] },
        LogDestinationConfigs: [{ 'Fn::Join': ['', [`arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:`, { Ref: logicalId(built.entry.wafLogGroup) }]] }],
        RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
      });
      expect(logging.Metadata?.[CONTROLS_METADATA_KEY]).toEqual(['LOG-05', 'NET-05']);
    });

    test('a resource policy lets the log delivery service of this account write to this group only, before logging is turned on', () => {
      const policy = only(template, 'AWS::Logs::ResourcePolicy');
      const document = JSON.parse(
        ((policy.Properties.PolicyDocument as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] as unknown[])
          .map((part) => (typeof part === 'string' ? part : `<${(part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'].join('.')}>`))
          .join(''),
      ) as { Statement: unknown[] };
      expect(document.Statement).toEqual([
        {
          Sid: 'WafLogDeliveryToThisGroup',
          Effect: 'Allow',
          Principal: { Service: 'delivery.logs.amazonaws.com' },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `<${logicalId(built.entry.wafLogGroup)}.Arn>`,
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:logs:eu-west-3:${ACCOUNT}:*` } },
        },
      ]);
      const [id] = Object.keys(resourcesOf(template, 'AWS::Logs::ResourcePolicy'));
      expect(only(template, 'AWS::WAFv2::LoggingConfiguration').DependsOn).toEqual([id]);
    });

    test('the logs key lets CloudWatch Logs encrypt this account’s log groups, the WAF group included', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'CloudWatchLogsForThisAccountLogGroups',
              Principal: { Service: 'logs.eu-west-3.amazonaws.com' },
              Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-3:${ACCOUNT}:log-group:*` } },
            }),
          ]),
        },
      });
    });
  });

  describe('addService', () => {
    function withServices(add: (entry: EntryPoint, vpc: ec2.IVpc, stack: Stack) => void): Built & { t: Template } {
      const b = build();
      add(b.entry, b.network.vpc, b.stack);
      return { ...b, t: b.template() };
    }

    test('a target group of the tasks’ IPs on the container port, HTTP inside the VPC, checked on the health path', () => {
      const b = withServices((entry, vpc, stack) => entry.addService(new FakeService(stack, 'Web', vpc, 8080, '/healthz'), { priority: 10 }));
      const group = only(b.t, 'AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(group.Properties).toMatchObject({
        TargetType: 'ip',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: { Ref: logicalId(b.network.vpc) },
        HealthCheckPath: '/healthz',
        HealthCheckProtocol: 'HTTP',
        Matcher: { HttpCode: '200' },
        HealthCheckIntervalSeconds: 15,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 3,
      });
      b.t.hasResourceProperties('AWS::ECS::Service', {
        LoadBalancers: [{ ContainerName: 'app', ContainerPort: 8080, TargetGroupArn: { Ref: Object.keys(resourcesOf(b.t, 'AWS::ElasticLoadBalancingV2::TargetGroup'))[0] } }],
      });
    });

    test('HTTPS to the tasks when asked (the container serves TLS)', () => {
      const b = withServices((entry, vpc, stack) => entry.addService(new FakeService(stack, 'Web', vpc, 8443), { priority: 10, protocol: 'HTTPS' }));
      expect(only(b.t, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties).toMatchObject({ Protocol: 'HTTPS', Port: 8443, HealthCheckProtocol: 'HTTPS' });
    });

    test('a rule of the HTTPS listener with the priority and conditions; every path by default', () => {
      const b = withServices((entry, vpc, stack) => {
        entry.addService(new FakeService(stack, 'Web', vpc), { priority: 20 });
        entry.addService(new FakeService(stack, 'Api', vpc, 9000), { priority: 10, pathPatterns: ['/api/*'], hostHeaders: ['app.editor.example'] });
      });
      const rules = Object.values(resourcesOf(b.t, 'AWS::ElasticLoadBalancingV2::ListenerRule')).map((r) => r.Properties);
      const https = { Ref: logicalId(b.entry.httpsListener) };
      expect(rules).toEqual([
        expect.objectContaining({ ListenerArn: https, Priority: 20, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }] }),
        expect.objectContaining({
          ListenerArn: https,
          Priority: 10,
          Conditions: [
            { Field: 'host-header', HostHeaderConfig: { Values: ['app.editor.example'] } },
            { Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } },
          ],
        }),
      ]);
      for (const r of rules) expect((r.Actions as { Type: string }[]).map((a) => a.Type)).toEqual(['forward']);
    });

    test('a host condition alone routes every path of that host', () => {
      const b = withServices((entry, vpc, stack) => entry.addService(new FakeService(stack, 'Web', vpc), { priority: 1, hostHeaders: ['app.editor.example'] }));
      expect(only(b.t, 'AWS::ElasticLoadBalancingV2::ListenerRule').Properties.Conditions).toEqual([{ Field: 'host-header', HostHeaderConfig: { Values: ['app.editor.example'] } }]);
    });

    test('security groups: load balancer to each service on its container port only, and nothing else', () => {
      let web!: FakeService;
      let api!: FakeService;
      const b = withServices((entry, vpc, stack) => {
        web = new FakeService(stack, 'Web', vpc, 8080);
        api = new FakeService(stack, 'Api', vpc, 9000);
        entry.addService(web, { priority: 10, pathPatterns: ['/*'] });
        entry.addService(api, { priority: 5, pathPatterns: ['/api/*'] });
      });
      const lbGroup = { 'Fn::GetAtt': [logicalId(b.entry.securityGroup), 'GroupId'] };
      const groupOf = (s: FakeService) => ({ 'Fn::GetAtt': [logicalId(s.securityGroup), 'GroupId'] });
      const lbRules = rulesOf(b.t, b.entry.securityGroup);
      expect(lbRules.ingress).toHaveLength(2);
      expect(lbRules.egress).toEqual(
        expect.arrayContaining([
          { Description: 'Load balancer to target', DestinationSecurityGroupId: groupOf(web), FromPort: 8080, GroupId: lbGroup, IpProtocol: 'tcp', ToPort: 8080 },
          { Description: 'Load balancer to target', DestinationSecurityGroupId: groupOf(api), FromPort: 9000, GroupId: lbGroup, IpProtocol: 'tcp', ToPort: 9000 },
        ]),
      );
      expect(lbRules.egress).toHaveLength(2);
      for (const [service, port] of [
        [web, 8080],
        [api, 9000],
      ] as const) {
        const r = rulesOf(b.t, service.securityGroup);
        expect(r.ingress).toEqual([{ Description: 'Load balancer to target', FromPort: port, GroupId: groupOf(service), IpProtocol: 'tcp', SourceSecurityGroupId: lbGroup, ToPort: port }]);
        expect(r.egress).toEqual([DISALLOW_ALL_EGRESS]);
      }
    });

    test('refuses a priority out of range or already used, too many conditions, a duplicate id, a relative health path; all at once', () => {
      expect(() =>
        withServices((entry, vpc, stack) => {
          entry.addService(new FakeService(stack, 'Web', vpc), { priority: 10 });
          entry.addService(new FakeService(stack, 'Api', vpc), { priority: 10 });
        }),
      ).toThrow(/cannot route service "Api":\n- priority 10 is already used by another service/);
      expect(() => withServices((entry, vpc, stack) => entry.addService(new FakeService(stack, 'Web', vpc), { priority: 0 }))).toThrow(/priority is 0; allowed: a whole number from 1 to 50,000/);
      expect(() => withServices((entry, vpc, stack) => entry.addService(new FakeService(stack, 'Web', vpc), { priority: 50_001 }))).toThrow(/priority is 50001/);
      expect(() =>
        withServices((entry, vpc, stack) => entry.addService(new FakeService(stack, 'Web', vpc, 8080, 'health'), { priority: 1, pathPatterns: ['/a', '/b', '/c'], hostHeaders: ['x.example', 'y.example', 'z.example'] })),
      ).toThrow(/healthCheckPath is "health"; allowed: an absolute HTTP path[\s\S]*have 6 values together; allowed: at most 5/);
      expect(() =>
        withServices((entry, vpc, stack) => {
          const web = new FakeService(stack, 'Web', vpc);
          entry.addService(web, { priority: 1 });
          entry.addService(web, { priority: 2 });
        }),
      ).toThrow(/a service with construct id "Web" is already routed/);
      expect(() => withServices((entry, vpc, stack) => entry.addService(new FakeService(stack, 'Web', vpc), { priority: 1, pathPatterns: ['api/*'] }))).toThrow(/pathPatterns has "api\/\*"/);
    });

    test('refuses a container port the task does not map', () => {
      expect(() =>
        withServices((entry, vpc, stack) => {
          const web = new FakeService(stack, 'Web', vpc, 8080);
          const mismatched = Object.assign(new Construct(stack, 'Mismatched'), { service: web.service, connections: web.connections, containerPort: 9999, healthCheckPath: '/health' });
          entry.addService(mismatched, { priority: 1 });
        }),
      ).toThrow(/service "Mismatched" has no container that maps TCP 9999 \(containerPort\)/);
    });
  });

  describe('validation', () => {
    test.each([99, 2_000_000_001, 1500.5])('rateLimitPer5Minutes %p is refused', (rate) => {
      expect(() => build({ rateLimitPer5Minutes: rate })).toThrow(new RegExp(`rateLimitPer5Minutes is ${rate}; allowed: a whole number of requests per IP per 5 minutes from 100 to 2,000,000,000`));
    });

    test.each([100, 2_000_000_000])('rateLimitPer5Minutes %p is accepted', (rate) => {
      expect(() => build({ rateLimitPer5Minutes: rate })).not.toThrow();
    });

    test('a certificate of another region or account, or not an ACM ARN, is refused', () => {
      expect(() => build({ certificate: { certificateArn: CERTIFICATE_ARN.replace('eu-west-3', 'us-east-1') } })).toThrow(
        /certificate.certificateArn is in us-east-1; a load balancer only uses ACM certificates of its own region: import or request the certificate in eu-west-3/,
      );
      expect(() => build({ certificate: { certificateArn: CERTIFICATE_ARN.replace(ACCOUNT, '222222222222') } })).toThrow(/belongs to account 222222222222; .* own account \(111111111111\)/);
      expect(() => build({ certificate: { certificateArn: 'arn:aws:iam::111111111111:server-certificate/app' } })).toThrow(
        /certificate.certificateArn is "arn:aws:iam::111111111111:server-certificate\/app"; allowed: an ACM certificate ARN such as "arn:aws:acm:eu-west-3:/,
      );
    });

    test('a malformed domain name, a bad environment and a KMS-encrypted access-log bucket are refused together', () => {
      const stack = testStack();
      const kmsBucket = new s3.Bucket(stack, 'KmsBucket', { encryptionKey: new kms.Key(stack, 'BucketKey') });
      expect(() => build({ certificate: { domainName: 'App.Editor' }, environment: 'Prod_1', accessLogs: kmsBucket }, stack)).toThrow(
        /invalid entry point:\n- environment is "Prod_1"; allowed: .*\n- accessLogs is encrypted with a KMS key; .*SSE-S3.*\n- certificate.domainName is "App.Editor"; allowed: a lower-case domain name/,
      );
    });

    test('a stack without an explicit region and account is refused', () => {
      const stack = new Stack(testApp(), 'Agnostic');
      const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'entry', subnetType: ec2.SubnetType.PUBLIC }] });
      const bucket = new s3.Bucket(stack, 'Logs');
      expect(
        () =>
          new EntryPoint(stack, 'EntryPoint', {
            vpc,
            subnets: { subnetGroupName: 'entry' },
            certificate: { domainName: 'app.editor.example' },
            accessLogs: bucket,
            logsKey: new kms.Key(stack, 'Key'),
            logRetention: logs.RetentionDays.ONE_YEAR,
            rateLimitPer5Minutes: 2000,
            environment: 'hds',
          }),
      ).toThrow(/the stack has no explicit account and region/);
    });
  });

  test('passes CloudFormation’s own validation (resource schemas: e.g. WAF refuses parentheses in a description)', () => {
    const app = testApp({ cloudFormationValidation: true });
    const stack = testStack(app);
    const b = build({ certificate: { domainName: 'app.editor.example' } }, stack);
    b.entry.addService(new FakeService(stack, 'Web', b.network.vpc), { priority: 10, pathPatterns: ['/api/*'], hostHeaders: ['app.editor.example'] });
    expect(() => app.synth()).not.toThrow();
  });

  test('exposes its parts', () => {
    expect(built.entry.loadBalancer).toBeInstanceOf(elbv2.ApplicationLoadBalancer);
    expect(built.entry.httpsListener.node.path).toBe('TestStack/EntryPoint/LoadBalancer/Https');
    expect(built.entry.httpListener.node.path).toBe('TestStack/EntryPoint/LoadBalancer/Http');
    expect(built.entry.webAcl.node.path).toBe('TestStack/EntryPoint/WebAcl');
    expect(built.entry.securityGroup.node.path).toBe('TestStack/EntryPoint/SecurityGroup');
    expect(built.entry.wafLogGroup.node.path).toBe('TestStack/EntryPoint/WafLogs');
  });
});

describe('EntryPoint under the packs', () => {
  const platform: FixtureBuilder = (stack) => {
    const b = build({}, stack);
    b.entry.addService(new FakeService(stack, 'Web', b.network.vpc), { priority: 10, pathPatterns: ['/*'] });
  };
  const entryFindings = (pack: ReturnType<typeof createPacks>[number], builder: FixtureBuilder = platform) =>
    findings(builder, pack)
      .map((f) => `${f.rule} ${f.path}${f.evaluationError ? ' (could not be evaluated)' : ''}`)
      .sort();
  const ENTRY_CONTROLS = /^HDS-(NET04|NET05|ENC03|LOG05)-/;

  test('the HDS rules of NET-04, NET-05, ENC-03 and LOG-05 report nothing of the entry point and its service', () => {
    const [hds] = createPacks();
    expect(entryFindings(hds).filter((f) => ENTRY_CONTROLS.test(f))).toEqual([
      // The access-log bucket does not log into itself (LogArchive's documented exception, acknowledged by the platform).
      'HDS-LOG05-BucketAccessLogs TestStack/LogArchive/AccessLogs/Resource/Resource',
    ]);
    expect(entryFindings(hds).filter((f) => f.includes('TestStack/EntryPoint/'))).toEqual([]);
  });

  test('the rules do judge it: without the WAF association NET-05 fails, with a forwarding port-80 listener NET-04 and ENC-03 fail', () => {
    const [hds] = createPacks();
    const withoutAcl = entryFindings(hds, (stack) => {
      build({}, stack).entry.node.tryRemoveChild('WebAclAssociation');
    }).filter((f) => ENTRY_CONTROLS.test(f));
    expect(withoutAcl).toContain('HDS-NET05-InternetEntryFiltered TestStack/EntryPoint/LoadBalancer/Resource');
    const clearText = entryFindings(hds, (stack) => {
      const { entry } = build({}, stack);
      (entry.httpListener.node.defaultChild as elbv2.CfnListener).defaultActions = [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '200' } }];
    }).filter((f) => ENTRY_CONTROLS.test(f));
    expect(clearText).toEqual(
      expect.arrayContaining(['HDS-ENC03-LoadBalancerTls TestStack/EntryPoint/LoadBalancer/Http/Resource', 'HDS-NET04-NoOpenIngress TestStack/EntryPoint/SecurityGroup/Resource']),
    );
  });

  test('AwsSolutions and HIPAA: only the findings inherent to a public HTTPS entry point remain (to acknowledge)', () => {
    const [, awsSolutions, hipaa] = createPacks();
    const ofEntry = (found: string[]) => found.filter((f) => f.includes('TestStack/EntryPoint/'));
    expect(ofEntry(entryFindings(awsSolutions))).toEqual(['AwsSolutions-EC23 TestStack/EntryPoint/SecurityGroup/Resource']);
    expect(ofEntry(entryFindings(hipaa))).toEqual(['HIPAA.Security-ELBv2ACMCertificateRequired TestStack/EntryPoint/LoadBalancer/Http/Resource']);
  });
});
