import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, properties } from '../util';
import { isSet } from './support';

/**
 * LOG-05, AWS Transfer Family: a server sends structured logs (every connection, authentication, file opened,
 * read, written, deleted) to a log group of the app (StructuredLogDestinations, a log group ARN). That log
 * group's key and retention are judged by the LOG-04 and ENC-02 rules.
 *
 * A LoggingRole alone does not count: the service then writes to /aws/transfer/<server id>, a log group it
 * creates at run time, with no customer-managed key and no retention, outside the template.
 */
function transferLogging(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::Transfer::Server') return NagRuleCompliance.NOT_APPLICABLE;
  const what = `${node.node.path} StructuredLogDestinations`;
  const destinations = properties(node).StructuredLogDestinations;
  return isSet(destinations, what) && asList(destinations, what).length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const LOG05_TRANSFER_LOGGING = defineRule({
  name: 'TransferLogging',
  control: 'LOG-05',
  problem: 'This Transfer Family server has no structured log destination: who connected and which files were read, written or deleted is not traced.',
  fix: 'set StructuredLogDestinations to the ARN of a log group of the platform (encrypted with the logs key, retained as traces are).',
  explanation:
    'HDS v2 EXI 15-16, ISO 27001 A.8.15 and PGSSI-S (imputabilité): every exchange of health data with a partner is traced: who, when, which file.',
  create: () => transferLogging,
});
