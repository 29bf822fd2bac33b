import { CfnParameter, Stack, type App } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG05-WafLogging';
const LOG_GROUP_ARN = 'arn:aws:logs:eu-west-3:111111111111:log-group:aws-waf-logs-hds';

function webAcl(scope: Construct, id = 'WebAcl'): wafv2.CfnWebACL {
  return new wafv2.CfnWebACL(scope, id, {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: id, sampledRequestsEnabled: true },
  });
}

function logging(scope: Construct, resourceArn: string, id = 'WafLogging'): wafv2.CfnLoggingConfiguration {
  return new wafv2.CfnLoggingConfiguration(scope, id, { resourceArn, logDestinationConfigs: [LOG_GROUP_ARN] });
}

function otherStack(app: App): Stack {
  return new Stack(app, 'Logging', { env: { account: '111111111111', region: 'eu-west-3' } });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a web ACL with no logging configuration', () => {
    expectNonCompliant(RULE, (stack) => webAcl(stack), ['TestStack/WebAcl']);
  });

  it('F2: a logging configuration for another web ACL only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        webAcl(stack);
        logging(stack, webAcl(stack, 'Other').attrArn);
      },
      ['TestStack/WebAcl'],
    );
  });

  it('F3: a logging configuration with a literal ARN (it cannot name a web ACL of the app)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        webAcl(stack);
        logging(stack, 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/WebAcl/1234');
      },
      ['TestStack/WebAcl'],
    );
  });

  it('F4: the only logging configuration takes its ARN from a template parameter: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => {
      webAcl(stack);
      logging(stack, new CfnParameter(stack, 'WebAclArn', { type: 'String' }).valueAsString);
    }, 'TestStack/WebAcl');
  });

  it('F5: ResourceArn given the web ACL Ref (name|id|scope), not its ARN', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const acl = webAcl(stack);
        logging(stack, acl.ref);
      },
      ['TestStack/WebAcl'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: the verbose pack names every logging configuration it could not evaluate, and their ResourceArn', () => {
    expectEvaluationErrorNaming(
      RULE,
      (stack) => {
        webAcl(stack);
        logging(stack, new CfnParameter(stack, 'WebAclArn', { type: 'String' }).valueAsString);
        logging(stack, new CfnParameter(stack, 'OtherArn', { type: 'String' }).valueAsString, 'OtherLogging');
      },
      'TestStack/WebAcl',
      /\[LOG-05\] WAF logging could not be evaluated: TestStack\/WafLogging ResourceArn cannot be evaluated at synth: \{"Ref":"WebAclArn"\}; TestStack\/OtherLogging ResourceArn cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a logging configuration referring to the web ACL', () => {
    expectCompliant(RULE, (stack) => logging(stack, webAcl(stack).attrArn));
  });

  it('P2: the logging configuration in another stack (a cross-stack reference)', () => {
    expectCompliant(RULE, (stack, app) => logging(otherStack(app), webAcl(stack).attrArn));
  });

  it('P3: a configuration that cannot be evaluated does not hide the one that logs the web ACL', () => {
    expectCompliant(RULE, (stack) => {
      logging(stack, webAcl(stack).attrArn);
      logging(stack, new CfnParameter(stack, 'WebAclArn', { type: 'String' }).valueAsString, 'Parameterised');
    });
  });

  it('P4: a raw logging configuration written as Fn::GetAtt of the web ACL (foreign template style)', () => {
    expectCompliant(RULE, (stack) => {
      const acl = webAcl(stack);
      logging(stack, 'placeholder').addPropertyOverride('ResourceArn', { 'Fn::GetAtt': [stack.resolve(acl.logicalId), 'Arn'] });
    });
  });
});
