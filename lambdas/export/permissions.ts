/**
 * Every AWS API operation the export function calls, and the IAM actions each needs.
 *
 * Kept free of SDK imports so the CDK code can import it at synth time to write the role policy. A test
 * pins API_CALLS against the commands the code imports and sends. Some calls need actions on another
 * resource than the one named in the request (S3 calls KMS on the caller's behalf; StartExportTask passes a
 * role and creates a grant on the key): they are listed with the call, and RESOURCES says where each goes.
 */
export const API_CALLS = [
  'rds:DescribeDBClusterSnapshots',
  'rds:StartExportTask',
  'rds:DescribeExportTasks',
  's3:ListObjectsV2',
  's3:HeadObject',
  's3:CopyObject',
  's3:CreateMultipartUpload',
  's3:UploadPartCopy',
  's3:CompleteMultipartUpload',
  's3:AbortMultipartUpload',
  's3:GetObject',
  's3:PutObject',
] as const;

export type ApiCall = (typeof API_CALLS)[number];

/** IAM actions authorizing each API call (an S3 API name is not its IAM action name). */
export const IAM_ACTIONS_BY_API_CALL: Readonly<Record<ApiCall, readonly string[]>> = {
  'rds:DescribeDBClusterSnapshots': ['rds:DescribeDBClusterSnapshots'],
  // The caller of StartExportTask passes the export role to RDS and must be allowed CreateGrant and
  // DescribeKey on the export key (RDS API reference, StartExportTask, KmsKeyId).
  'rds:StartExportTask': ['rds:StartExportTask', 'iam:PassRole', 'kms:CreateGrant', 'kms:DescribeKey'],
  'rds:DescribeExportTasks': ['rds:DescribeExportTasks'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:HeadObject': ['s3:GetObject'],
  // Reads the source (decrypting with the documents bucket's key), writes SSE-KMS with the export key.
  's3:CopyObject': ['s3:GetObject', 's3:PutObject', 'kms:Decrypt', 'kms:GenerateDataKey'],
  's3:CreateMultipartUpload': ['s3:PutObject', 'kms:GenerateDataKey', 'kms:Decrypt'],
  's3:UploadPartCopy': ['s3:GetObject', 's3:PutObject', 'kms:Decrypt', 'kms:GenerateDataKey'],
  's3:CompleteMultipartUpload': ['s3:PutObject', 'kms:Decrypt'],
  's3:AbortMultipartUpload': ['s3:AbortMultipartUpload'],
  's3:GetObject': ['s3:GetObject', 'kms:Decrypt'],
  's3:PutObject': ['s3:PutObject', 'kms:GenerateDataKey'],
};

/** Deduplicated, sorted IAM actions for the function's role policy. */
export const IAM_ACTIONS: readonly string[] = [...new Set(Object.values(IAM_ACTIONS_BY_API_CALL).flat())].sort();

/**
 * Where each action is needed, for a least-privilege policy (placeholders name the environment variables).
 * Nothing here deletes data: the only delete-like action aborts the function's own multipart uploads.
 */
export const RESOURCES: Readonly<Record<string, readonly string[]>> = {
  'rds:DescribeDBClusterSnapshots': ['cluster DB_CLUSTER_IDENTIFIER', 'its cluster snapshots (cluster-snapshot:*)'],
  'rds:StartExportTask': ['cluster snapshots of DB_CLUSTER_IDENTIFIER (cluster-snapshot:*)'],
  'rds:DescribeExportTasks': ['*: the action supports no resource-level permission'],
  'iam:PassRole': ['EXPORT_ROLE_ARN, condition iam:PassedToService = export.rds.amazonaws.com'],
  'kms:CreateGrant': ['EXPORT_KEY_ARN'],
  'kms:DescribeKey': ['EXPORT_KEY_ARN'],
  'kms:Decrypt': ['EXPORT_KEY_ARN', 'the key of DOCUMENTS_BUCKET'],
  'kms:GenerateDataKey': ['EXPORT_KEY_ARN'],
  's3:ListBucket': ['DOCUMENTS_BUCKET', 'EXPORT_BUCKET'],
  's3:GetObject': ['DOCUMENTS_BUCKET/*', 'EXPORT_BUCKET/exports/*'],
  's3:PutObject': ['EXPORT_BUCKET/exports/*'],
  's3:AbortMultipartUpload': ['EXPORT_BUCKET/exports/*'],
};
