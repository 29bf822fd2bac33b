import { Fn, Token, type Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, internetVpc, otherStack, parameterRef, rawNetwork } from './net-fixtures';

const RULE = 'HDS-NET05-InternetEntryFiltered';
const VISIBILITY = { cloudWatchMetricsEnabled: true, metricName: 'acl', sampledRequestsEnabled: true };

interface AclOptions {
  readonly scope?: string;
  /** The AWS managed rule group: enforced, overridden to Count, from another vendor, or absent. */
  readonly managed?: 'enforced' | 'count' | 'other-vendor' | 'none';
  /** The rate limit: a rate-based rule that blocks, one that only counts, none, or a blocking rule that is not rate-based. */
  readonly rate?: 'block' | 'count' | 'none' | 'not-rate-based';
  readonly logged?: boolean;
  readonly id?: string;
}

/** A web ACL as the platform would declare it (L1: WAF has no L2), compliant unless told otherwise. */
function webAcl(scope: Construct, o: AclOptions = {}): wafv2.CfnWebACL {
  const id = o.id ?? 'Acl';
  const rules: wafv2.CfnWebACL.RuleProperty[] = [];
  if ((o.managed ?? 'enforced') !== 'none') {
    rules.push({
      name: 'Common',
      priority: 0,
      statement: { managedRuleGroupStatement: { vendorName: o.managed === 'other-vendor' ? 'F5' : 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
      overrideAction: o.managed === 'count' ? { count: {} } : { none: {} },
      visibilityConfig: VISIBILITY,
    });
  }
  if ((o.rate ?? 'block') !== 'none') {
    rules.push({
      name: 'RateLimit',
      priority: 1,
      statement:
        o.rate === 'not-rate-based'
          ? { geoMatchStatement: { countryCodes: ['KP'] } }
          : { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
      action: o.rate === 'count' ? { count: {} } : { block: {} },
      visibilityConfig: VISIBILITY,
    });
  }
  const acl = new wafv2.CfnWebACL(scope, id, { scope: o.scope ?? 'REGIONAL', defaultAction: { allow: {} }, visibilityConfig: VISIBILITY, rules });
  if (o.logged ?? true) {
    new wafv2.CfnLoggingConfiguration(scope, `${id}Logging`, {
      resourceArn: acl.attrArn,
      logDestinationConfigs: ['arn:aws:logs:eu-west-3:111111111111:log-group:aws-waf-logs-platform'],
    });
  }
  return acl;
}

function associate(scope: Construct, resourceArn: string, acl: wafv2.CfnWebACL | string, id = 'Association'): void {
  new wafv2.CfnWebACLAssociation(scope, id, { resourceArn, webAclArn: typeof acl === 'string' ? acl : acl.attrArn });
}

function alb(scope: Construct, internetFacing = true, id = 'Lb', vpc: ec2.IVpc = internetVpc(scope)): elbv2.ApplicationLoadBalancer {
  return new elbv2.ApplicationLoadBalancer(scope, id, { vpc, internetFacing });
}

function restApi(scope: Construct, props: apigw.RestApiProps = {}): apigw.RestApi {
  const api = new apigw.RestApi(scope, 'Api', props);
  api.root.addMethod('GET', new apigw.MockIntegration());
  return api;
}

/** Raw L1: a REST API deployed by a Deployment with a StageName (which creates the stage), as older templates do. */
function rawDeployment(scope: Construct): apigw.CfnRestApi {
  const api = new apigw.CfnRestApi(scope, 'RawApi', { name: 'raw' });
  const method = new apigw.CfnMethod(scope, 'RawMethod', {
    restApiId: api.ref,
    resourceId: api.attrRootResourceId,
    httpMethod: 'GET',
    authorizationType: 'NONE',
    integration: { type: 'MOCK' },
  });
  new apigw.CfnDeployment(scope, 'Deployment', { restApiId: api.ref, stageName: 'prod' }).addDependency(method);
  return api;
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an internet-facing ALB with no web ACL', () => {
    expectNonCompliant(RULE, (stack) => alb(stack), ['TestStack/Lb/Resource']);
  });

  const broken: [string, AclOptions][] = [
    ['F2: its web ACL has no AWS managed rule group', { managed: 'none' }],
    ['F3: its web ACL has no rate-based rule', { rate: 'none' }],
    ['F4: its web ACL is not logged', { logged: false }],
    ['F5: its AWS managed rule group is overridden to Count', { managed: 'count' }],
    ['F6: its rate-based rule only counts', { rate: 'count' }],
    ['F7: its managed rule group is from another vendor', { managed: 'other-vendor' }],
    ['F8: its web ACL has Scope CLOUDFRONT', { scope: 'CLOUDFRONT' }],
    ['F15: its only blocking rule besides the managed group is not rate-based', { rate: 'not-rate-based' }],
  ];
  for (const [name, options] of broken) {
    it(`${name} (internet-facing ALB)`, () => {
      expectNonCompliant(
        RULE,
        (stack) => {
          const lb = alb(stack);
          associate(stack, lb.loadBalancerArn, webAcl(stack, options));
        },
        ['TestStack/Lb/Resource'],
      );
    });
  }

  it('F9: a REST API (RestApi) with no web ACL on its stage', () => {
    expectNonCompliant(RULE, (stack) => restApi(stack), ['TestStack/Api/DeploymentStage.prod/Resource']);
  });

  it('F10: an HTTP API stage, even with an association (AWS WAF cannot protect HTTP APIs)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const api = new apigwv2.CfnApi(stack, 'HttpApi', { name: 'http', protocolType: 'HTTP' });
        const stage = new apigwv2.CfnStage(stack, 'HttpStage', { apiId: api.ref, stageName: '$default', autoDeploy: true });
        associate(stack, Fn.sub('arn:aws:apigateway:${AWS::Region}::/apis/${HttpApi}/stages/${HttpStage}'), webAcl(stack));
        stage.addDependency(api);
      },
      ['TestStack/HttpStage'],
    );
  });

  it('F11: raw L1: a CfnLoadBalancer with neither Type nor Scheme (an internet-facing ALB) and no web ACL', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const { subnet } = rawNetwork(stack);
        new elbv2.CfnLoadBalancer(stack, 'RawLb', { subnets: [subnet.ref] });
      },
      ['TestStack/RawLb'],
    );
  });

  it('F12: raw L1: a Deployment with a StageName and no web ACL', () => {
    expectNonCompliant(RULE, (stack) => rawDeployment(stack), ['TestStack/Deployment']);
  });

  it('F13: the web ACL protects another load balancer', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = internetVpc(stack);
        const protectedLb = alb(stack, true, 'Protected', vpc);
        alb(stack, true, 'Unprotected', vpc);
        associate(stack, protectedLb.loadBalancerArn, webAcl(stack));
      },
      ['TestStack/Unprotected/Resource'],
    );
  });

  it('F14: a raw Deployment: the association names another stage of its REST API', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawDeployment(stack);
        associate(stack, Fn.sub('arn:aws:apigateway:${AWS::Region}::/restapis/${RawApi}/stages/test'), webAcl(stack));
      },
      ['TestStack/Deployment'],
    );
  });

  it('F16: a REST API stage, while the only web ACL association protects a load balancer', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        restApi(stack);
        associate(stack, alb(stack).loadBalancerArn, webAcl(stack));
      },
      ['TestStack/Api/DeploymentStage.prod/Resource'],
    );
  });

  it('F17: a raw Deployment: the association names the prod stage of another REST API', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawDeployment(stack);
        new apigw.CfnRestApi(stack, 'OtherApi', { name: 'other' });
        associate(stack, Fn.sub('arn:aws:apigateway:${AWS::Region}::/restapis/${OtherApi}/stages/prod'), webAcl(stack));
      },
      ['TestStack/Deployment'],
    );
  });

  it('F18: a regional (not private) REST API with no web ACL', () => {
    expectNonCompliant(RULE, (stack) => restApi(stack, { endpointTypes: [apigw.EndpointType.REGIONAL] }), ['TestStack/Api/DeploymentStage.prod/Resource']);
  });

  it('F19: the only logging configuration logs another web ACL', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        associate(stack, alb(stack).loadBalancerArn, webAcl(stack, { logged: false }));
        webAcl(stack, { id: 'Other' });
      },
      ['TestStack/Lb/Resource'],
    );
  });

  it('F20: the logging configuration of the web ACL has no destination', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const acl = webAcl(stack, { logged: false });
        new wafv2.CfnLoggingConfiguration(stack, 'EmptyLogging', { resourceArn: acl.attrArn, logDestinationConfigs: [] });
        associate(stack, alb(stack).loadBalancerArn, acl);
      },
      ['TestStack/Lb/Resource'],
    );
  });
});

describe(`${RULE}: evaluation errors`, () => {
  it('E1: the association names a web ACL that is not a resource of the app', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const lb = alb(stack);
        associate(stack, lb.loadBalancerArn, 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/shared/abc');
      },
      ['TestStack/Lb/Resource'],
      /WebACLArn \(not a AWS::WAFv2::WebACL of the app\)/,
    );
  });

  it('E2: the web ACL scope given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const lb = alb(stack);
        associate(stack, lb.loadBalancerArn, webAcl(stack, { scope: parameterRef(stack) }));
      },
      ['TestStack/Lb/Resource'],
      /Scope cannot be evaluated/,
    );
  });

  it('E3: the scheme of the load balancer given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => {
        const { subnet } = rawNetwork(stack);
        new elbv2.CfnLoadBalancer(stack, 'RawLb', { subnets: [subnet.ref], scheme: parameterRef(stack) });
      },
      ['TestStack/RawLb'],
      /Scheme cannot be evaluated/,
    );
  });

  /** A raw stage of a raw REST API, with the given properties (and no other entry point). */
  const rawStage = (stack: Construct, props: Partial<apigw.CfnStageProps> = {}) => {
    const api = new apigw.CfnRestApi(stack, 'RawApi', { name: 'raw' });
    return new apigw.CfnStage(stack, 'Stage', { restApiId: api.ref, stageName: 'live', ...props });
  };

  it.each<[string, (stack: Stack) => void, string, RegExp]>([
    ['the stage name given by a parameter', (stack) => rawStage(stack, { stageName: parameterRef(stack) }), 'TestStack/Stage', /Stage: StageName cannot be evaluated/],
    [
      'the REST API of a stage not in the app (literal id)',
      (stack) => new apigw.CfnStage(stack, 'Stage', { restApiId: 'a1b2c3d4e5', stageName: 'live' }),
      'TestStack/Stage',
      /TestStack\/Stage: RestApiId is not a REST API of the app/,
    ],
    [
      'the endpoint types of the REST API given by an Fn::If',
      (stack) => {
        const api = new apigw.CfnRestApi(stack, 'RawApi', { name: 'raw', endpointConfiguration: { types: Token.asList(Fn.conditionIf('Private', ['PRIVATE'], ['REGIONAL'])) } });
        new apigw.CfnStage(stack, 'Stage', { restApiId: api.ref, stageName: 'live' });
      },
      'TestStack/Stage',
      /RawApi: EndpointConfiguration\.Types cannot be evaluated.*Fn::If/,
    ],
    [
      'an endpoint type of the REST API given by a parameter',
      (stack) => {
        const api = new apigw.CfnRestApi(stack, 'RawApi', { name: 'raw', endpointConfiguration: { types: [parameterRef(stack)] } });
        new apigw.CfnStage(stack, 'Stage', { restApiId: api.ref, stageName: 'live' });
      },
      'TestStack/Stage',
      /RawApi: EndpointConfiguration\.Types cannot be evaluated.*Unknown/,
    ],
    [
      'the stage ARN of an association built with a parameter',
      (stack) => {
        rawDeployment(stack);
        associate(stack, Fn.sub('arn:aws:apigateway:${AWS::Region}::/restapis/${RawApi}/stages/${Stage}', { Stage: parameterRef(stack) }), webAcl(stack));
      },
      'TestStack/Deployment',
      /Association: ResourceArn cannot be evaluated/,
    ],
    [
      'the load balancer type given by a parameter',
      (stack) => {
        const { subnet } = rawNetwork(stack);
        new elbv2.CfnLoadBalancer(stack, 'RawLb', { subnets: [subnet.ref], type: parameterRef(stack) });
      },
      'TestStack/RawLb',
      /RawLb: Type cannot be evaluated/,
    ],
    [
      'the rules of the web ACL given by an Fn::If',
      (stack) => {
        const acl = webAcl(stack);
        acl.rules = Token.asAny(Fn.conditionIf('Filtered', [], []));
        associate(stack, alb(stack).loadBalancerArn, acl);
      },
      'TestStack/Lb/Resource',
      /Acl: Rules cannot be evaluated/,
    ],
    [
      'the vendor of the managed rule group given by a parameter',
      (stack) => {
        const acl = webAcl(stack, { managed: 'none' });
        acl.rules = [
          {
            name: 'Common',
            priority: 0,
            statement: { managedRuleGroupStatement: { vendorName: parameterRef(stack), name: 'AWSManagedRulesCommonRuleSet' } },
            overrideAction: { none: {} },
            visibilityConfig: VISIBILITY,
          },
        ];
        associate(stack, alb(stack).loadBalancerArn, acl);
      },
      'TestStack/Lb/Resource',
      /Acl: ManagedRuleGroupStatement\.VendorName cannot be evaluated/,
    ],
    [
      'the log destinations of the web ACL given by an Fn::If',
      (stack) => {
        const acl = webAcl(stack, { logged: false });
        new wafv2.CfnLoggingConfiguration(stack, 'Logging', { resourceArn: acl.attrArn, logDestinationConfigs: Token.asList(Fn.conditionIf('Logged', ['arn:aws:logs:eu-west-3:111111111111:log-group:aws-waf-logs-x'], [])) });
        associate(stack, alb(stack).loadBalancerArn, acl);
      },
      'TestStack/Lb/Resource',
      /Logging: LogDestinationConfigs cannot be evaluated/,
    ],
    [
      'two associations, neither of which can be evaluated',
      (stack) => {
        const lb = alb(stack);
        associate(stack, lb.loadBalancerArn, 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/shared/abc');
        associate(stack, lb.loadBalancerArn, webAcl(stack, { scope: parameterRef(stack) }), 'Second');
      },
      'TestStack/Lb/Resource',
      /WebACLArn \(not a AWS::WAFv2::WebACL of the app\).*; .*Scope cannot be evaluated/,
    ],
  ])('E4: %s', (_what, build, path, reason) => {
    expectEvaluationErrors(RULE, build, [path], reason);
  });
});


describe(`${RULE}: passing fixtures`, () => {
  it('P1: an internet-facing ALB with a logged regional web ACL (AWS managed rules, rate limit)', () => {
    expectCompliant(RULE, (stack) => {
      const lb = alb(stack);
      associate(stack, lb.loadBalancerArn, webAcl(stack));
    });
  });

  it('P2: a REST API stage associated through stage.stageArn', () => {
    expectCompliant(RULE, (stack) => associate(stack, restApi(stack).deploymentStage.stageArn, webAcl(stack)));
  });

  it('P3: an internal ALB and a network load balancer are not internet entries of this rule', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = internetVpc(stack);
      alb(stack, false, 'Internal', vpc);
      new elbv2.NetworkLoadBalancer(stack, 'Nlb', { vpc, internetFacing: true });
    });
  });

  it('P4: a private REST API is not an internet entry', () => {
    expectCompliant(RULE, (stack) =>
      restApi(stack, {
        endpointTypes: [apigw.EndpointType.PRIVATE],
        policy: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] })],
        }),
      }),
    );
  });

  it('P5: raw L1: a Deployment with StageName prod, associated by Fn::Sub of its REST API and stage name', () => {
    expectCompliant(RULE, (stack) => {
      rawDeployment(stack);
      associate(stack, Fn.sub('arn:aws:apigateway:${AWS::Region}::/restapis/${RawApi}/stages/prod'), webAcl(stack));
    });
  });

  it('P6: the web ACL, its logging and the association in another stack than the load balancer', () => {
    expectCompliant(RULE, (stack, app) => {
      const lb = alb(stack);
      const waf = otherStack(app, 'WafStack');
      associate(waf, lb.loadBalancerArn, webAcl(waf));
    });
  });
});
