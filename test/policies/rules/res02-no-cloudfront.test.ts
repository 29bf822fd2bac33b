import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RES02_NO_CLOUDFRONT } from '../../../policies/rules/res/no-cloudfront';
import { expectNonCompliant, expectNotApplicable, stackIn } from './res-fixtures';

const RULE = RES02_NO_CLOUDFRONT;

describe(`HDS-${RULE.id}: failing fixtures`, () => {
  it('F1: a distribution (L2) in front of an origin, in a stack in eu-west-3: the region does not matter, the edge does', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new cloudfront.Distribution(stack, 'Distribution', { defaultBehavior: { origin: new origins.HttpOrigin('app.example.com') } });
      },
      ['TestStack/Distribution/Resource'],
    );
  });

  it('F2: a raw L1 distribution, as a foreign template declares it, in a stack in eu-west-1', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => {
        new cloudfront.CfnDistribution(stackIn(app, 'Ireland', 'eu-west-1'), 'Distribution', {
          distributionConfig: {
            enabled: true,
            origins: [{ id: 'app', domainName: 'app.example.com', customOriginConfig: { originProtocolPolicy: 'https-only' } }],
            defaultCacheBehavior: { targetOriginId: 'app', viewerProtocolPolicy: 'https-only' },
          },
        });
      },
      ['Ireland/Distribution'],
    );
  });

  it('F3: a distribution tenant and a (legacy) streaming distribution also serve from the edge', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new cloudfront.CfnDistributionTenant(stack, 'Tenant', { distributionId: 'E1234567890', domains: ['app.example.com'], name: 'tenant' });
        new cloudfront.CfnStreamingDistribution(stack, 'Streaming', {
          streamingDistributionConfig: {
            comment: 'legacy',
            enabled: true,
            s3Origin: { domainName: 'media.s3.amazonaws.com', originAccessIdentity: '' },
            trustedSigners: { enabled: false },
          },
        });
      },
      ['TestStack/Streaming', 'TestStack/Tenant'],
    );
  });
});

describe(`HDS-${RULE.id}: passing fixtures`, () => {
  it('P1: the fix: an internet-facing load balancer in the region, no distribution', () => {
    expectNotApplicable(RULE, (stack) => {
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
      new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    });
  });

  it('P2: CloudFront resources that serve nothing by themselves (a cache policy, an origin access control)', () => {
    expectNotApplicable(RULE, (stack) => {
      new cloudfront.CachePolicy(stack, 'CachePolicy');
      new cloudfront.S3OriginAccessControl(stack, 'Oac');
    });
  });
});
