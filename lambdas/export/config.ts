import { parseKmsKeyArn } from '../shared/keys';
import { ConfigError } from './errors';

export interface Config {
  readonly clusterIdentifier: string;
  readonly documentsBucket: string;
  readonly exportBucket: string;
  /** KMS key ARN of the RDS export task and of every object this function writes (SSE-KMS). */
  readonly exportKeyArn: string;
  /** Role RDS assumes to write the database export into EXPORT_BUCKET. */
  readonly exportRoleArn: string;
  /** At most this many objects copied or hashed at once. */
  readonly concurrency: number;
}

export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 32;

/** RDS DB cluster identifier: 1-63 letters, digits or hyphens, starts with a letter, no '--', no trailing '-'. */
const CLUSTER_IDENTIFIER = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * Reads and validates the environment at invocation. Collects every problem and throws once, each
 * message naming the variable, the value received and what is allowed (none of these is personal data).
 */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const required = (name: string, rule: string): string => {
    const value = env[name]?.trim() ?? '';
    if (value === '') problems.push(`${name} is missing or empty: set it to ${rule}`);
    return value;
  };

  const clusterRule = 'the DB cluster identifier (1 to 63 letters, digits or hyphens, starting with a letter, no "--", not ending with "-")';
  const clusterIdentifier = required('DB_CLUSTER_IDENTIFIER', clusterRule);
  if (clusterIdentifier && (clusterIdentifier.length > 63 || !CLUSTER_IDENTIFIER.test(clusterIdentifier) || clusterIdentifier.endsWith('-'))) {
    problems.push(`DB_CLUSTER_IDENTIFIER is '${clusterIdentifier}', expected ${clusterRule}`);
  }

  const bucketRule = 'an S3 bucket name (3 to 63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit)';
  const bucket = (name: string): string => {
    const value = required(name, bucketRule);
    if (value && (!BUCKET.test(value) || value.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(value))) {
      problems.push(`${name} is '${value}', expected ${bucketRule}`);
    }
    return value;
  };
  const documentsBucket = bucket('DOCUMENTS_BUCKET');
  const exportBucket = bucket('EXPORT_BUCKET');
  if (documentsBucket && documentsBucket === exportBucket) {
    problems.push(`EXPORT_BUCKET is '${exportBucket}', the same as DOCUMENTS_BUCKET: the export goes to its own bucket, encrypted with its own key`);
  }

  const exportKeyArn = required('EXPORT_KEY_ARN', 'the ARN of the export KMS key');
  const key = exportKeyArn ? parseKmsKeyArn(exportKeyArn) : undefined;
  if (exportKeyArn && !key) {
    problems.push(`EXPORT_KEY_ARN is '${exportKeyArn}', expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), not an alias or a bare key id`);
  }
  // RDS refuses an export key from another Region than the snapshot's; say so before a task is started.
  const region = env.AWS_REGION?.trim();
  if (key && region && key.region !== region) {
    problems.push(`EXPORT_KEY_ARN is '${exportKeyArn}', in Region ${key.region}; expected a key in the function's Region ${region}`);
  }

  const exportRoleArn = required('EXPORT_ROLE_ARN', 'the ARN of the IAM role RDS assumes to write the export');
  if (exportRoleArn && !ROLE_ARN.test(exportRoleArn)) {
    problems.push(`EXPORT_ROLE_ARN is '${exportRoleArn}', expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }

  let concurrency = DEFAULT_CONCURRENCY;
  const rawConcurrency = env.MAX_CONCURRENCY?.trim();
  if (rawConcurrency !== undefined && rawConcurrency !== '') {
    const value = /^\d+$/.test(rawConcurrency) ? Number(rawConcurrency) : NaN;
    if (!Number.isSafeInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
      problems.push(`MAX_CONCURRENCY is '${rawConcurrency}', expected an integer from 1 to ${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})`);
    } else {
      concurrency = value;
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { clusterIdentifier, documentsBucket, exportBucket, exportKeyArn, exportRoleArn, concurrency };
}
