import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { permissionsBoundaryDocument } from '../../policies/guardrails';

/** Construct id of the boundary policy in each stack: part of the contract (changing it replaces the policy). */
export const RESIDENCY_BOUNDARY_ID = 'ResidencyBoundary';

/**
 * RES-03: creates the residency boundary (region deny and tamper protection, `policies/guardrails/`) as one
 * customer-managed policy of `stack`, and makes it the permissions boundary of every IAM role and user of the
 * stack, nested stacks included, through CDK's `PermissionsBoundary` aspect. The aspect overrides the
 * `PermissionsBoundary` property of every `AWS::IAM::Role`, whether an `iam.Role`, a `CfnRole` or a plain
 * `CfnResource` (the roles of custom-resource providers such as `restrictDefaultSecurityGroup`), including
 * roles added after this call. It replaces a boundary passed to a role's props; only another
 * `PermissionsBoundary.of(...).apply()` closer to a role would win, and the HDS rule RES03-RoleBounded
 * reports that in the synthesized templates.
 *
 * Call it once per stack; `allowedRegions` is the deployment's allow-list (a subset of the HDS EEA regions).
 */
export function applyResidencyBoundary(stack: Stack, allowedRegions: readonly string[]): iam.ManagedPolicy {
  const document = permissionsBoundaryDocument(allowedRegions);
  const policy = new iam.ManagedPolicy(stack, RESIDENCY_BOUNDARY_ID, {
    description: `hds-blueprint RES-03 permissions boundary: denies API calls outside ${allowedRegions.join(', ')}, and the destruction of traces, keys and vaults`,
    document: iam.PolicyDocument.fromJson(document),
  });
  // The template carries the generated document as is (policy minimisation would reorder its actions), so
  // that an auditor can compare it with policies/guardrails/permissions-boundary.json.
  (policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument = document;
  iam.PermissionsBoundary.of(stack).apply(policy);
  return policy;
}
