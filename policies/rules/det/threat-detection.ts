import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { defineRule } from '../rule';
import { asList, get, properties, UnresolvableValueError } from '../util';

/** GuardDuty protections DET-01 asks for, by feature name, with their legacy DataSources equivalent. */
const REQUIRED_FEATURES: Readonly<Record<string, readonly (string | number)[] | undefined>> = {
  S3_DATA_EVENTS: ['S3Logs', 'Enable'],
  RDS_LOGIN_EVENTS: undefined,
  EBS_MALWARE_PROTECTION: ['MalwareProtection', 'ScanEc2InstanceWithFindings', 'EbsVolumes'],
};

/** A literal boolean (or its string form); throws for an intrinsic. */
function flag(value: unknown, what: string): boolean {
  if (value === undefined) return false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new UnresolvableValueError(what, value);
}

function threatDetection(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::GuardDuty::Detector') return NagRuleCompliance.NOT_APPLICABLE;
  const props = properties(node);
  const path = node.node.path;
  if (!flag(props.Enable, `${path} Enable`)) return NagRuleCompliance.NON_COMPLIANT;
  const features = new Map<string, unknown>();
  for (const feature of asList(props.Features, `${path} Features`)) {
    const name = get(feature, 'Name');
    if (typeof name !== 'string') throw new UnresolvableValueError(`${path} Features Name`, name);
    features.set(name, get(feature, 'Status'));
  }
  for (const [name, legacy] of Object.entries(REQUIRED_FEATURES)) {
    let enabled: boolean;
    if (features.has(name)) {
      // A feature listed decides, whatever the legacy data source says.
      const status = features.get(name);
      if (status !== 'ENABLED' && status !== 'DISABLED') throw new UnresolvableValueError(`${path} Features ${name} Status`, status);
      enabled = status === 'ENABLED';
    } else {
      enabled = legacy !== undefined && flag(get(props.DataSources, ...legacy), `${path} DataSources.${legacy.join('.')}`);
    }
    if (!enabled) return NagRuleCompliance.NON_COMPLIANT;
  }
  return NagRuleCompliance.COMPLIANT;
}

export const DET01_THREAT_DETECTION = defineRule({
  name: 'ThreatDetection',
  control: 'DET-01',
  problem:
    'This GuardDuty detector is off or lacks a protection: it must be enabled with S3_DATA_EVENTS, RDS_LOGIN_EVENTS and EBS_MALWARE_PROTECTION (Features, or the legacy DataSources S3Logs and MalwareProtection; RDS login events exist only as a feature).',
  fix: "set enable: true and features [{ name: 'S3_DATA_EVENTS', status: 'ENABLED' }, { name: 'RDS_LOGIN_EVENTS', status: 'ENABLED' }, { name: 'EBS_MALWARE_PROTECTION', status: 'ENABLED' }] on the CfnDetector.",
  explanation:
    'ISO 27001 A.8.7 (protection against malware) and A.8.16 (monitoring): access to health data in S3 and the databases, and malware on compute, must be detected.',
  create: () => threatDetection,
});
