import { Annotations, CfnDeletionPolicy, CfnResource, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Resource types that hold data, keys or traces. Deleting one of them loses something that cannot be
 * recreated, so each must be retained when removed from its stack or replaced.
 */
export const STATEFUL_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::Logs::LogGroup',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::EFS::FileSystem',
  'AWS::Backup::BackupVault',
  'AWS::SecretsManager::Secret',
  'AWS::ECR::Repository',
  'AWS::SQS::Queue',
]);

/** A standalone DB instance is stateful; an instance of an Aurora cluster keeps no data of its own. */
function isStateful(resource: CfnResource): boolean {
  if (STATEFUL_RESOURCE_TYPES.has(resource.cfnResourceType)) return true;
  if (resource.cfnResourceType === 'AWS::RDS::DBInstance') {
    const props = (resource as unknown as { dbClusterIdentifier?: unknown }).dbClusterIdentifier;
    return props === undefined;
  }
  return false;
}

const KEPT: ReadonlySet<CfnDeletionPolicy> = new Set([CfnDeletionPolicy.RETAIN, CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE]);
/** Databases may instead leave a final snapshot (DESIGN.md: RETAIN or SNAPSHOT). */
const SNAPSHOT_ALLOWED: ReadonlySet<string> = new Set(['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance']);

function isKept(resource: CfnResource, policy: CfnDeletionPolicy | undefined): boolean {
  if (policy === undefined) return false;
  return KEPT.has(policy) || (policy === CfnDeletionPolicy.SNAPSHOT && SNAPSHOT_ALLOWED.has(resource.cfnResourceType));
}

/**
 * Checks that every stateful resource is retained on stack deletion and on replacement ("nothing is
 * lost"). It reports an error on the resource; it never changes it (STYLE.md 9).
 */
export class StatefulResourcesRetained implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || !isStateful(node)) return;
    const { deletionPolicy, updateReplacePolicy } = node.cfnOptions;
    const problems: string[] = [];
    if (!isKept(node, deletionPolicy)) problems.push(`DeletionPolicy is ${deletionPolicy ?? 'Delete'}`);
    if (!isKept(node, updateReplacePolicy)) {
      problems.push(`UpdateReplacePolicy is ${updateReplacePolicy ?? 'Delete'}`);
    }
    if (problems.length > 0) {
      Annotations.of(node).addError(
        `${node.cfnResourceType} holds data, keys or traces and must be retained: ${problems.join(', ')}. ` +
          `Pass removalPolicy: ${SNAPSHOT_ALLOWED.has(node.cfnResourceType) ? 'RemovalPolicy.RETAIN or RemovalPolicy.SNAPSHOT' : 'RemovalPolicy.RETAIN'} to the construct that creates it (DESIGN.md, "Stateful resources are never lost").`,
      );
    }
  }
}
