import { CfnResource, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { isControlId, type ControlId } from '../policies/catalogue';

/** Template metadata key naming the controls a resource implements; read by the evidence report. */
export const CONTROLS_METADATA_KEY = 'hds:controls';

/**
 * Template-level metadata key under which every platform stack states how it is checked (the HDS pack's
 * options) and who hosts the data (RES-04), so that the evidence report, run on the templates alone,
 * judges with the same options as synth did and prints the transfer map.
 */
export const PLATFORM_METADATA_KEY = 'hds:platform';

function cfnResourceOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  throw new Error(
    `${scope.node.path}: cannot record controls on a construct without a CloudFormation resource (pass the L1 resource or an L2 whose default child is one)`,
  );
}

/**
 * Records, in the synthesized template, which controls of the catalogue this resource implements,
 * so that an auditor (and the evidence report) can trace a control to the resources behind it from
 * the template alone.
 */
export function recordControls(scope: IConstruct, ...ids: ControlId[]): void {
  const resource = cfnResourceOf(scope);
  for (const id of ids) {
    if (!isControlId(id)) throw new Error(`${scope.node.path}: unknown control id "${id}"`);
  }
  const existing = (resource.getMetadata(CONTROLS_METADATA_KEY) as string[] | undefined) ?? [];
  resource.addMetadata(CONTROLS_METADATA_KEY, [...new Set([...existing, ...ids])].sort());
}

/** The controls recorded on a resource (empty when none). */
export function recordedControls(scope: IConstruct): string[] {
  return (cfnResourceOf(scope).getMetadata(CONTROLS_METADATA_KEY) as string[] | undefined) ?? [];
}

/** `arn:<partition>:<service>:<region>:<account>:` prefix for this stack. */
export function arnPrefix(scope: IConstruct, service: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:`;
}
