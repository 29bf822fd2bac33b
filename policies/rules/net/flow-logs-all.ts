import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { UnresolvableValueError } from '../util';
import { AppIndex, literal, optionalLiteral, named, readable } from './support';

/**
 * The log group a flow log delivers to: `LogGroupName` (a reference to a log group of the app, or its
 * literal name) or `LogDestination` (an ARN that refers to one). Throws when it is not a log group of the app.
 */
function logGroupOf(index: AppIndex, flowLog: CfnResource, props: Record<string, unknown>): CfnResource {
  const value = props.LogDestination ?? props.LogGroupName;
  const group = index.refsIn(value, flowLog).find((r) => r.target.cfnResourceType === 'AWS::Logs::LogGroup')?.target;
  if (group) return group;
  if (props.LogGroupName !== undefined && typeof props.LogGroupName === 'string') {
    const name = props.LogGroupName;
    const byName = index.ofType('AWS::Logs::LogGroup').find((g) => index.props(g).LogGroupName === name);
    if (byName) return byName;
  }
  throw new UnresolvableValueError(`${flowLog.node.path}: log destination (not a log group of the app)`, readable(value));
}

/** True when the flow log records all traffic to a KMS-encrypted log group or to S3; throws when it cannot tell. */
function recordsAllProtected(index: AppIndex, flowLog: CfnResource, props: Record<string, unknown>): boolean {
  if (literal(props.TrafficType, flowLog, 'TrafficType') !== 'ALL') return false;
  const destination = optionalLiteral(props.LogDestinationType, flowLog, 'LogDestinationType') ?? 'cloud-watch-logs';
  if (destination === 's3') return true;
  if (destination !== 'cloud-watch-logs') return false;
  return index.props(logGroupOf(index, flowLog, props)).KmsKeyId !== undefined;
}

/**
 * NET-03: every VPC of the app has a flow log (`ResourceId` referring to it) that records ALL traffic to a
 * CloudWatch Logs log group of the app encrypted with KMS (`KmsKeyId`), or to S3. A flow log of the VPC
 * that cannot be evaluated (an intrinsic traffic type, a log group outside the app) makes the rule throw
 * when no other flow log satisfies it.
 */
function createFlowLogsAllRule() {
  const indexOf = AppIndex.cache();
  return named('FlowLogsAll', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::EC2::VPC') return NagRuleCompliance.NOT_APPLICABLE;
    const index = indexOf(node);
    const unevaluable: string[] = [];
    for (const flowLog of index.ofType('AWS::EC2::FlowLog')) {
      const props = index.props(flowLog);
      if (index.refOf(props.ResourceId, flowLog)?.target !== node) continue;
      try {
        if (recordsAllProtected(index, flowLog, props)) return NagRuleCompliance.COMPLIANT;
      } catch (error) {
        unevaluable.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (unevaluable.length > 0) throw new Error(`[NET-03] flow logs of this VPC could not be evaluated: ${unevaluable.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  });
}

export const NET03_FLOW_LOGS_ALL = defineRule({
  name: 'FlowLogsAll',
  control: 'NET-03',
  problem: 'This VPC has no flow log that records ALL traffic to a KMS-encrypted log group (or to S3).',
  fix: 'vpc.addFlowLog with trafficType FlowLogTrafficType.ALL and FlowLogDestination.toCloudWatchLogs(a log group with encryptionKey) (PrivateNetwork does), or toS3.',
  explanation:
    'ISO 27001 A.8.15, A.8.16 and A.8.20, HDS v2 traceability (EXI 15–16), RGPD art. 32: network traces of every accepted and rejected flow are kept, protected by the logs key, to investigate an incident on health data.',
  create: () => createFlowLogsAllRule(),
});
