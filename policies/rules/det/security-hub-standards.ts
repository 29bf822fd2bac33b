import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { defineRule } from '../rule';
import { asList, get, isTrue, literalText, properties, UnresolvableValueError } from '../util';
import { appResources, perApp, regionOfResource } from '../bak/support';

/** Standards a Security Hub must run (fragments of their StandardsArn). */
export const REQUIRED_STANDARDS = ['aws-foundational-security-best-practices', 'cis-aws-foundations-benchmark'] as const;

interface Standards {
  /** Region -> the ARNs of the standards enabled there. */
  readonly byRegion: Map<string, string[]>;
  readonly unknown: string[];
}

function readStandards(root: IConstruct): Standards {
  const byRegion = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const node of appResources(root, 'AWS::SecurityHub::Standard')) {
    try {
      const arn = literalText(properties(node).StandardsArn, node, `${node.node.path} StandardsArn`);
      const region = regionOfResource(node);
      byRegion.set(region, [...(byRegion.get(region) ?? []), arn]);
    } catch (error) {
      if (!(error instanceof UnresolvableValueError)) throw error;
      unknown.push(error.message);
    }
  }
  return { byRegion, unknown };
}

/** A recorder that records every supported resource type, or a declared list of them. */
function recordsDeclaredTypes(node: CfnResource): boolean {
  const group = properties(node).RecordingGroup;
  const path = node.node.path;
  // AWS Config records every supported type when no recording group is given.
  if (group === undefined) return true;
  const strategy = get(group, 'RecordingStrategy', 'UseOnly');
  if (strategy !== undefined && typeof strategy !== 'string') throw new UnresolvableValueError(`${path} RecordingStrategy.UseOnly`, strategy);
  const allSupported = get(group, 'AllSupported');
  if (allSupported !== undefined && typeof allSupported !== 'boolean' && allSupported !== 'true' && allSupported !== 'false') {
    throw new UnresolvableValueError(`${path} RecordingGroup.AllSupported`, allSupported);
  }
  if (isTrue(allSupported) && (strategy === undefined || strategy === 'ALL_SUPPORTED_RESOURCE_TYPES')) return true;
  const types = asList(get(group, 'ResourceTypes'), `${path} RecordingGroup.ResourceTypes`);
  const exclusions = asList(get(group, 'ExclusionByResourceTypes', 'ResourceTypes'), `${path} ExclusionByResourceTypes.ResourceTypes`);
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') return exclusions.length > 0;
  return types.length > 0 && (strategy === undefined || strategy === 'INCLUSION_BY_RESOURCE_TYPES');
}

function createRule(): (node: CfnResource) => NagRuleResult {
  const standardsOf = perApp(readStandards);
  const rule = (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType === 'AWS::Config::ConfigurationRecorder') {
      return recordsDeclaredTypes(node) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    if (node.cfnResourceType !== 'AWS::SecurityHub::Hub') return NagRuleCompliance.NOT_APPLICABLE;
    const { byRegion, unknown } = standardsOf(node);
    // Security Hub is regional: the standards must be enabled in the hub's region.
    const arns = byRegion.get(regionOfResource(node)) ?? [];
    if (REQUIRED_STANDARDS.every((s) => arns.some((arn) => arn.includes(`/${s}/`)))) return NagRuleCompliance.COMPLIANT;
    if (unknown.length > 0) throw new Error(`[DET-02] Security Hub standards could not be evaluated: ${unknown.join('; ')}`);
    return NagRuleCompliance.NON_COMPLIANT;
  };
  return Object.defineProperty(rule, 'name', { value: 'SecurityHubStandards' });
}

export const DET02_SECURITY_HUB_STANDARDS = defineRule({
  name: 'SecurityHubStandards',
  control: 'DET-02',
  problem:
    'Posture is not checked continuously: a Security Hub needs AWS::SecurityHub::Standard resources, in its region, for AWS Foundational Security Best Practices and the CIS AWS Foundations Benchmark; an AWS Config recorder must record every supported resource type (AllSupported) or a declared list.',
  fix: "add securityhub.CfnStandard with standardsArn 'arn:aws:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0' and the CIS one ('arn:aws:securityhub:<region>::standards/cis-aws-foundations-benchmark/v/3.0.0'); set recordingGroup { allSupported: true } (or resourceTypes) on the recorder.",
  explanation:
    'ISO 27001 A.8.16 (monitoring activities) and A.5.36: the configuration of the platform is compared continuously with recognised baselines, with evidence.',
  create: () => createRule(),
});
