import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { judge, literalString } from '../log/support';
import { defineRule } from '../rule';
import { asList, properties } from '../util';

/**
 * The server security policies this pack accepts, reviewed on 2026-11-22 against "Security policies for AWS
 * Transfer Family servers" (https://docs.aws.amazon.com/transfer/latest/userguide/security-policies.html):
 * the policies of 2024 or later whose SSH algorithms are all current (no SHA-1 MAC, key exchange or host key
 * algorithm, no UMAC, no chacha20-poly1305). A policy published later is refused until it is reviewed here.
 *
 * Not accepted: everything before 2024 (2018-11, the CloudFormation default, still offers SHA-1 MACs and
 * diffie-hellman-group14-sha1); the PQ-SSH-*-Experimental-2023-04 policies (deprecated by AWS for the 2025
 * ones); FIPS-2024-01 (identical to FIPS-2024-05 except that it still allows the ssh-rsa host key algorithm,
 * SHA-1 signatures); Restricted-2024-06 (listed by the API but not described on the page above: not reviewed).
 */
export const CURRENT_SECURITY_POLICIES: ReadonlySet<string> = new Set([
  // The latest general policy: adds hybrid post-quantum key exchanges (ML-KEM with X25519 or NIST curves).
  'TransferSecurityPolicy-2025-03',
  // The same, FIPS 140-3 algorithms only (no curve25519).
  'TransferSecurityPolicy-FIPS-2025-03',
  // 2025-03 without 3DES and SHA-1 for AS2 content; the same SSH and TLS algorithms.
  'TransferSecurityPolicy-AS2Restricted-2025-07',
  // 2024-01 without the NIST ECDH curves, built to pass ssh-audit; no post-quantum key exchange.
  'TransferSecurityPolicy-SshAuditCompliant-2025-02',
  // The default of the console, API and CLI since 2024: AES-GCM/CTR, ETM SHA-2 MACs, no SHA-1 anywhere in SSH.
  'TransferSecurityPolicy-2024-01',
  // FIPS variant of 2024-01 without the ssh-rsa host key algorithm.
  'TransferSecurityPolicy-FIPS-2024-05',
]);

/** The protocols a server offers (CloudFormation's default is SFTP alone). FTP sends credentials and files in clear text. */
const CLEAR_TEXT_PROTOCOL = 'FTP';

/**
 * ENC-03, AWS Transfer Family: a server names a reviewed security policy of 2024 or later (absent, it gets
 * TransferSecurityPolicy-2018-11 from CloudFormation) and does not offer FTP.
 */
function transferSecurityPolicy(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::Transfer::Server') return NagRuleCompliance.NOT_APPLICABLE;
  const props = properties(node);
  const path = node.node.path;
  return judge([
    () => CURRENT_SECURITY_POLICIES.has(literalString(props.SecurityPolicyName, `${path} SecurityPolicyName`) ?? 'TransferSecurityPolicy-2018-11'),
    () => {
      const protocols = asList(props.Protocols, `${path} Protocols`);
      if (protocols.includes(CLEAR_TEXT_PROTOCOL)) return false;
      protocols.forEach((protocol, i) => literalString(protocol, `${path} Protocols[${i}]`));
      return true;
    },
  ]);
}

export const ENC03_TRANSFER_SECURITY_POLICY = defineRule({
  name: 'TransferSecurityPolicy',
  control: 'ENC-03',
  problem:
    'This Transfer Family server uses an outdated or unreviewed security policy (absent, CloudFormation assigns TransferSecurityPolicy-2018-11, with SHA-1 algorithms), or offers FTP, which sends credentials and files in clear text.',
  fix: `set SecurityPolicyName to one of ${[...CURRENT_SECURITY_POLICIES].join(', ')}, and Protocols to SFTP (or FTPS) without FTP.`,
  explanation:
    'HDS v2 EXI 05 ("flux compromis"), ISO 27001 A.8.24 and RGPD art. 32: health data exchanged with partners travels only over current encryption (SSH or TLS with current algorithms), never in clear text.',
  create: () => transferSecurityPolicy,
});
