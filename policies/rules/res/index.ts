import type { HdsRule } from '../rule';
import { RES03_ROLE_BOUNDED } from './boundary';
import { RES02_BACKUP_COPY_IN_REGION } from './backup-copy-in-region';
import { RES02_DYNAMODB_REPLICAS_IN_REGION } from './dynamodb-replicas-in-region';
import { RES02_ECR_REPLICATION_IN_REGION } from './ecr-replication-in-region';
import { RES02_KMS_MULTI_REGION } from './kms-multi-region';
import { RES02_NO_CLOUDFRONT } from './no-cloudfront';
import { RES02_RDS_REPLICAS_IN_REGION } from './rds-replicas-in-region';
import { RES02_S3_REPLICATION_IN_REGION } from './s3-replication-in-region';

export { RES01_STACK_REGION, checkStackRegions, type StackRegionProblem } from './stack-region';

/**
 * RES rules of the HDS pack, in control order. RES-01 (the region of every stack) is stack-wide:
 * `checkStackRegions`, called from the pack's `validateScope`.
 */
export const RES_RULES: readonly HdsRule[] = [
  RES02_S3_REPLICATION_IN_REGION,
  RES02_BACKUP_COPY_IN_REGION,
  RES02_DYNAMODB_REPLICAS_IN_REGION,
  RES02_KMS_MULTI_REGION,
  RES02_RDS_REPLICAS_IN_REGION,
  RES02_ECR_REPLICATION_IN_REGION,
  RES02_NO_CLOUDFRONT,
  RES03_ROLE_BOUNDED,
];
