import { CfnResource } from 'aws-cdk-lib';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { asString, at, listAt, type RenderedResource, renderingCache, resourceRule } from './support';

/**
 * Security policies with TLS 1.2 or 1.3 only and forward-secret (ECDHE or TLS 1.3) AEAD or SHA-2 suites, from
 * aws-cdk-lib's `SslPolicy`. Left out: the `Ext*` policies (RSA key exchange or SHA-1 suites),
 * `ELBSecurityPolicy-TLS-1-2-*` (RSA key exchange), `FS-1-2-2019-08` (SHA-1 suites), and everything that
 * accepts TLS 1.0 or 1.1, including CloudFormation's default, `ELBSecurityPolicy-2016-08`.
 */
export const ALLOWED_SSL_POLICIES: ReadonlySet<string> = new Set([
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
]);

const LISTENER = 'AWS::ElasticLoadBalancingV2::Listener';
const LISTENER_RULE = 'AWS::ElasticLoadBalancingV2::ListenerRule';

/** Every action redirects to HTTPS (and there is at least one). */
function onlyRedirectsToHttps(resource: RenderedResource, property: string): boolean {
  const actions = listAt(resource.properties, [property], property);
  return (
    actions.length > 0 &&
    actions.every((action, i) => {
      const what = `${property}[${i}]`;
      return asString(at(action, ['Type'], what), `${what}.Type`) === 'redirect' && asString(at(action, ['RedirectConfig', 'Protocol'], what), `${what}.RedirectConfig.Protocol`) === 'HTTPS';
    })
  );
}

function createLoadBalancerTls() {
  const render = renderingCache();
  const protocolOf = (listener: RenderedResource) => asString(listener.properties.Protocol, 'Protocol')?.toUpperCase();
  return resourceRule('LoadBalancerTls', [LISTENER, LISTENER_RULE], (resource) => {
    if (resource.node.cfnResourceType === LISTENER_RULE) {
      // A rule of an HTTP listener must redirect too, or it would serve that path in clear text.
      const listener = resource.designate(resource.properties.ListenerArn, 'ListenerArn');
      const element = 'target' in listener ? listener.target.element : undefined;
      if (!(element instanceof CfnResource) || element.cfnResourceType !== LISTENER) {
        throw new UnresolvableValueError('ListenerArn (a listener outside the app)', resource.properties.ListenerArn);
      }
      return protocolOf(render(element)) === 'HTTP' ? onlyRedirectsToHttps(resource, 'Actions') : undefined;
    }
    const protocol = protocolOf(resource);
    if (protocol === 'HTTP') return onlyRedirectsToHttps(resource, 'DefaultActions');
    if (protocol === 'HTTPS' || protocol === 'TLS') {
      const policy = asString(resource.properties.SslPolicy, 'SslPolicy');
      return policy !== undefined && ALLOWED_SSL_POLICIES.has(policy);
    }
    // TCP, UDP, TCP_UDP, GENEVE, or no protocol (a Gateway Load Balancer): no TLS at the load balancer.
    return undefined;
  });
}

/**
 * ENC-03, Elastic Load Balancing v2: HTTPS and TLS listeners use a TLS 1.2+ forward-secret security policy of
 * the allow-list (absent, CloudFormation uses ELBSecurityPolicy-2016-08, which accepts TLS 1.0); HTTP
 * listeners, and the rules of HTTP listeners, only redirect to HTTPS. TCP, UDP and Gateway listeners carry no
 * TLS of the load balancer's and are not applicable.
 */
export const ENC03_LOAD_BALANCER_TLS = defineRule({
  name: 'LoadBalancerTls',
  control: 'ENC-03',
  problem:
    'This load balancer listener accepts TLS below 1.2 or ciphers without forward secrecy (SslPolicy not in the allow-list), or serves HTTP instead of only redirecting to HTTPS.',
  fix: 'HTTPS/TLS listeners: sslPolicy: SslPolicy.RECOMMENDED_TLS (or TLS13_RES, TLS13_13, FORWARD_SECRECY_TLS12_RES_GCM, a PQ or FIPS TLS13 policy); HTTP listeners: only ListenerAction.redirect({ protocol: "HTTPS", port: "443" }), e.g. alb.addRedirect().',
  explanation:
    'HDS v2 EXI 05, ISO 27001 A.8.24 and RGPD art. 32: health data in transit is protected by TLS 1.2 or later with forward secrecy; clear-text HTTP only sends the client to HTTPS.',
  create: () => createLoadBalancerTls(),
});
