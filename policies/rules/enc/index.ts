import type { HdsRule } from '../rule';
import { ENC02_BACKUP_VAULT_ENCRYPTED_WITH_CMK } from './backup-vault-encrypted-with-cmk';
import { ENC02_DYNAMODB_ENCRYPTED_WITH_CMK } from './dynamodb-encrypted-with-cmk';
import { ENC02_EBS_ENCRYPTED_WITH_CMK } from './ebs-encrypted-with-cmk';
import { ENC02_ECR_ENCRYPTED_WITH_CMK } from './ecr-encrypted-with-cmk';
import { ENC02_EFS_ENCRYPTED_WITH_CMK } from './efs-encrypted-with-cmk';
import { ENC01_KEY_DELETION_WINDOW } from './key-deletion-window';
import { ENC01_KEY_POLICY_SCOPED } from './key-policy-scoped';
import { ENC01_KEY_RETAINED } from './key-retained';
import { ENC01_KEY_ROTATION } from './key-rotation';
import { ENC03_LOAD_BALANCER_TLS } from './load-balancer-tls';
import { ENC02_LOG_GROUP_ENCRYPTED_WITH_CMK } from './log-group-encrypted-with-cmk';
import { ENC02_RDS_ENCRYPTED_WITH_CMK } from './rds-encrypted-with-cmk';
import { ENC03_RDS_FORCE_SSL } from './rds-force-ssl';
import { ENC02_S3_ENCRYPTED_WITH_CMK } from './s3-encrypted-with-cmk';
import { ENC03_S3_TLS_ONLY } from './s3-tls-only';
import { ENC02_SECRET_ENCRYPTED_WITH_CMK } from './secret-encrypted-with-cmk';
import { ENC02_SNS_ENCRYPTED_WITH_CMK } from './sns-encrypted-with-cmk';
import { ENC02_SQS_ENCRYPTED_WITH_CMK } from './sqs-encrypted-with-cmk';
import { ENC03_TRANSFER_SECURITY_POLICY } from './transfer-security-policy';

/** ENC rules of the HDS pack, in control order. */
export const ENC_RULES: readonly HdsRule[] = [
  ENC01_KEY_ROTATION,
  ENC01_KEY_DELETION_WINDOW,
  ENC01_KEY_RETAINED,
  ENC01_KEY_POLICY_SCOPED,
  ENC02_S3_ENCRYPTED_WITH_CMK,
  ENC02_RDS_ENCRYPTED_WITH_CMK,
  ENC02_EBS_ENCRYPTED_WITH_CMK,
  ENC02_DYNAMODB_ENCRYPTED_WITH_CMK,
  ENC02_SQS_ENCRYPTED_WITH_CMK,
  ENC02_SNS_ENCRYPTED_WITH_CMK,
  ENC02_LOG_GROUP_ENCRYPTED_WITH_CMK,
  ENC02_SECRET_ENCRYPTED_WITH_CMK,
  ENC02_BACKUP_VAULT_ENCRYPTED_WITH_CMK,
  ENC02_EFS_ENCRYPTED_WITH_CMK,
  ENC02_ECR_ENCRYPTED_WITH_CMK,
  ENC03_S3_TLS_ONLY,
  ENC03_RDS_FORCE_SSL,
  ENC03_LOAD_BALANCER_TLS,
  ENC03_TRANSFER_SECURITY_POLICY,
];
