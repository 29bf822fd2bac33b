/**
 * Every AWS API operation the restore validator may call, and the IAM actions they need.
 *
 * Kept free of SDK imports so the CDK code can import it at synth time to write the role policy.
 * The validator never deletes or modifies anything: the only writes are the validation result
 * and the metric (WRITE_API_CALLS); a test pins this list against the code.
 */
export const API_CALLS = [
  'backup:DescribeRestoreJob',
  'backup:ListRestoreJobs',
  'backup:PutRestoreValidationResult',
  'kms:DescribeKey',
  'kms:GetKeyRotationStatus',
  's3:HeadBucket',
  's3:GetBucketEncryption',
  's3:ListObjectsV2',
  'rds:DescribeDBClusters',
  'cloudwatch:PutMetricData',
] as const;

export type ApiCall = (typeof API_CALLS)[number];

/** The only calls that change state, and neither touches a restored or source resource. */
export const WRITE_API_CALLS: readonly ApiCall[] = ['backup:PutRestoreValidationResult', 'cloudwatch:PutMetricData'];

/** IAM action authorizing each API call (an S3 API name is not its IAM action name). */
export const IAM_ACTION_BY_API_CALL: Readonly<Record<ApiCall, string>> = {
  'backup:DescribeRestoreJob': 'backup:DescribeRestoreJob',
  'backup:ListRestoreJobs': 'backup:ListRestoreJobs',
  'backup:PutRestoreValidationResult': 'backup:PutRestoreValidationResult',
  'kms:DescribeKey': 'kms:DescribeKey',
  'kms:GetKeyRotationStatus': 'kms:GetKeyRotationStatus',
  's3:HeadBucket': 's3:ListBucket',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:ListObjectsV2': 's3:ListBucket',
  'rds:DescribeDBClusters': 'rds:DescribeDBClusters',
  'cloudwatch:PutMetricData': 'cloudwatch:PutMetricData',
};

/** Deduplicated, sorted IAM actions for the function's role policy. */
export const IAM_ACTIONS: readonly string[] = [...new Set(Object.values(IAM_ACTION_BY_API_CALL))].sort();
