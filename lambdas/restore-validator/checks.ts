import { DescribeKeyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { GetBucketEncryptionCommand, HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { isKmsAlias, parseKmsKeyArn, sameKey } from '../shared/keys';
import { type ApiCall, IAM_ACTION_BY_API_CALL } from './permissions';
import { AwsCallError, DeadlineExceededError, errorMessage, errorName } from '../shared/retry';
import { type CheckContext, callAws } from './runtime';
import { TcpConnectError } from './tcp';

/** What one group of checks found: problems fail the validation, facts make the success message precise. */
export interface CheckResult {
  readonly problems: readonly string[];
  readonly facts: readonly string[];
}

/** Time running out is not a finding about the resource: let it reach the deadline handler. */
function rethrowIfDeadline(ctx: CheckContext, err: unknown): void {
  if (ctx.signal.aborted || err instanceof DeadlineExceededError) throw err;
}

/** A precise, one-line account of a failed call: which call, on which resource, what came back. */
export function describeFault(err: unknown, resource: string): string {
  if (!(err instanceof AwsCallError)) {
    return `unexpected error while checking ${resource}: ${errorName(err)}: ${errorMessage(err, 200)}`;
  }
  const iamAction = IAM_ACTION_BY_API_CALL[err.api as ApiCall] ?? err.api;
  switch (err.kind) {
    case 'access-denied':
      return `access denied calling ${err.api} on ${resource} (${err.errorName}; the role needs IAM action ${iamAction})`;
    case 'throttled':
      return `${err.api} on ${resource} still throttled after ${err.attempts} attempts (${err.errorName})`;
    case 'transient':
      return `${err.api} on ${resource} still failing after ${err.attempts} attempts (${err.errorName}: ${errorMessage(err.cause, 200)})`;
    case 'not-found':
      return `${err.api} on ${resource} returned ${err.errorName} (not found)`;
    default:
      return `${err.api} on ${resource} failed: ${err.errorName}: ${errorMessage(err.cause, 200)}`;
  }
}

function isNotFound(err: unknown): err is AwsCallError {
  return err instanceof AwsCallError && err.kind === 'not-found';
}

/** The expected key itself: enabled, in an allowed Region, rotated. */
export async function checkExpectedKey(ctx: CheckContext): Promise<CheckResult> {
  const { expectedKeyArn, allowedRegions } = ctx.config;
  const problems: string[] = [];
  const facts: string[] = [];
  const key = parseKmsKeyArn(expectedKeyArn);
  if (!key) {
    return { problems: [`expected key ${expectedKeyArn} is not a KMS key ARN`], facts };
  }
  if (allowedRegions.includes(key.region)) {
    facts.push(`in allowed region ${key.region}`);
  } else {
    problems.push(`expected key ${expectedKeyArn} is in region ${key.region}, outside the allowed regions (${allowedRegions.join(', ')})`);
  }

  let state: string | undefined;
  let deletionDate: Date | undefined;
  try {
    const out = await callAws(ctx, 'kms:DescribeKey', (abortSignal) =>
      ctx.runtime.clients.kms.send(new DescribeKeyCommand({ KeyId: expectedKeyArn }), { abortSignal }),
    );
    state = out.KeyMetadata?.KeyState;
    deletionDate = out.KeyMetadata?.DeletionDate;
  } catch (err) {
    rethrowIfDeadline(ctx, err);
    problems.push(
      isNotFound(err) ? `expected key ${expectedKeyArn} not found (kms:DescribeKey returned ${err.errorName})` : describeFault(err, expectedKeyArn),
    );
    return { problems, facts };
  }
  if (state !== 'Enabled') {
    const deletion = deletionDate ? `, deletion scheduled for ${deletionDate.toISOString()}` : '';
    problems.push(`expected key ${expectedKeyArn} is ${state ?? 'in an unknown state'}${deletion}, expected Enabled`);
    // Rotation status cannot be read on a key that is not enabled (KMSInvalidStateException).
    return { problems, facts };
  }
  facts.push('Enabled');

  try {
    const out = await callAws(ctx, 'kms:GetKeyRotationStatus', (abortSignal) =>
      ctx.runtime.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: expectedKeyArn }), { abortSignal }),
    );
    if (out.KeyRotationEnabled === true) facts.push('rotation on');
    else problems.push(`automatic rotation is off on expected key ${expectedKeyArn} (KeyRotationEnabled ${String(out.KeyRotationEnabled)}), expected on`);
  } catch (err) {
    rethrowIfDeadline(ctx, err);
    problems.push(describeFault(err, expectedKeyArn));
  }
  return { problems, facts };
}

/** Resolves an alias to its key ARN so it can be compared; key ARNs and ids are returned as they are. */
async function resolveKeyReference(ctx: CheckContext, reference: string): Promise<string> {
  if (!isKmsAlias(reference)) return reference;
  const out = await callAws(ctx, 'kms:DescribeKey', (abortSignal) =>
    ctx.runtime.clients.kms.send(new DescribeKeyCommand({ KeyId: reference }), { abortSignal }),
  );
  return out.KeyMetadata?.Arn ?? reference;
}

/** The restored bucket exists, is encrypted by default with the expected key, and holds objects. */
export async function checkS3Bucket(ctx: CheckContext, bucketArn: string, bucket: string, accountId?: string): Promise<CheckResult> {
  const { expectedKeyArn } = ctx.config;
  const { s3 } = ctx.runtime.clients;
  // Bucket names are global: make sure the bucket checked is still the account's own restored copy.
  const owner = accountId ? { ExpectedBucketOwner: accountId } : {};
  const problems: string[] = [];
  const facts: string[] = [];

  try {
    await callAws(ctx, 's3:HeadBucket', (abortSignal) => s3.send(new HeadBucketCommand({ Bucket: bucket, ...owner }), { abortSignal }));
    facts.push('exists');
  } catch (err) {
    rethrowIfDeadline(ctx, err);
    problems.push(
      isNotFound(err) ? `restored bucket ${bucketArn} does not exist (s3:HeadBucket returned ${err.errorName})` : describeFault(err, bucketArn),
    );
    return { problems, facts };
  }

  try {
    const out = await callAws(ctx, 's3:GetBucketEncryption', (abortSignal) =>
      s3.send(new GetBucketEncryptionCommand({ Bucket: bucket, ...owner }), { abortSignal }),
    );
    const byDefault = (out.ServerSideEncryptionConfiguration?.Rules ?? []).find((r) => r.ApplyServerSideEncryptionByDefault)
      ?.ApplyServerSideEncryptionByDefault;
    if (!byDefault) {
      problems.push(`restored bucket ${bucketArn} has no default encryption rule, expected aws:kms with key ${expectedKeyArn}`);
    } else if (byDefault.SSEAlgorithm !== 'aws:kms') {
      problems.push(`restored bucket ${bucketArn} default encryption is ${byDefault.SSEAlgorithm}, expected aws:kms with key ${expectedKeyArn}`);
    } else if (!byDefault.KMSMasterKeyID) {
      problems.push(`restored bucket ${bucketArn} default encryption is aws:kms with the AWS managed key (no KMSMasterKeyID), expected key ${expectedKeyArn}`);
    } else {
      const seen = await resolveKeyReference(ctx, byDefault.KMSMasterKeyID);
      if (sameKey(seen, expectedKeyArn)) facts.push('default encryption aws:kms with the expected key');
      else problems.push(`restored bucket ${bucketArn} default encryption uses key ${byDefault.KMSMasterKeyID}, expected ${expectedKeyArn}`);
    }
  } catch (err) {
    rethrowIfDeadline(ctx, err);
    problems.push(
      err instanceof AwsCallError && err.errorName === 'ServerSideEncryptionConfigurationNotFoundError'
        ? `restored bucket ${bucketArn} has no default encryption (${err.errorName}), expected aws:kms with key ${expectedKeyArn}`
        : describeFault(err, bucketArn),
    );
  }

  try {
    const out = await callAws(ctx, 's3:ListObjectsV2', (abortSignal) =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, ...owner }), { abortSignal }),
    );
    const count = out.KeyCount ?? out.Contents?.length ?? 0;
    if (count > 0) facts.push('holds objects');
    else problems.push(`restored bucket ${bucketArn} holds no objects (s3:ListObjectsV2 KeyCount ${count}), expected at least 1`);
  } catch (err) {
    rethrowIfDeadline(ctx, err);
    problems.push(describeFault(err, bucketArn));
  }
  return { problems, facts };
}

/** The restored cluster is available, encrypted with the expected key, and its endpoint accepts TCP connections. */
export async function checkAuroraCluster(ctx: CheckContext, clusterArn: string): Promise<CheckResult> {
  const { expectedKeyArn, dbConnectTimeoutMs } = ctx.config;
  const problems: string[] = [];
  const facts: string[] = [];

  let cluster;
  try {
    const out = await callAws(ctx, 'rds:DescribeDBClusters', (abortSignal) =>
      ctx.runtime.clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }), { abortSignal }),
    );
    cluster = out.DBClusters?.[0];
  } catch (err) {
    rethrowIfDeadline(ctx, err);
    problems.push(
      isNotFound(err) ? `restored cluster ${clusterArn} does not exist (rds:DescribeDBClusters returned ${err.errorName})` : describeFault(err, clusterArn),
    );
    return { problems, facts };
  }
  if (!cluster) {
    return { problems: [`restored cluster ${clusterArn} does not exist (rds:DescribeDBClusters returned no cluster)`], facts };
  }

  const available = cluster.Status === 'available';
  if (available) facts.push('available');
  else problems.push(`restored cluster ${clusterArn} status is '${cluster.Status ?? 'unknown'}', expected 'available' (endpoint not tested)`);

  if (cluster.StorageEncrypted !== true) {
    problems.push(`restored cluster ${clusterArn} storage is not encrypted (StorageEncrypted ${String(cluster.StorageEncrypted)}), expected encrypted with key ${expectedKeyArn}`);
  } else if (!cluster.KmsKeyId || !sameKey(cluster.KmsKeyId, expectedKeyArn)) {
    problems.push(`restored cluster ${clusterArn} is encrypted with key ${cluster.KmsKeyId ?? '(none)'}, expected ${expectedKeyArn}`);
  } else {
    facts.push('encrypted with the expected key');
  }

  if (available) {
    const { Endpoint: host, Port: port } = cluster;
    if (!host || !port) {
      problems.push(`restored cluster ${clusterArn} reports no endpoint or port`);
    } else {
      ctx.progress.step = `TCP connection to the cluster endpoint on port ${port}`;
      try {
        await ctx.runtime.connect(host, port, dbConnectTimeoutMs, ctx.signal);
        facts.push(`endpoint answers on port ${port}`);
      } catch (err) {
        rethrowIfDeadline(ctx, err);
        const code = err instanceof TcpConnectError ? err.code : errorName(err);
        // A cluster restored without a DB instance has an endpoint name but nothing behind it.
        const hint = (cluster.DBClusterMembers ?? []).length === 0 ? '; the cluster has no DB instance' : '';
        problems.push(`endpoint of restored cluster ${clusterArn} did not answer on port ${port} within ${dbConnectTimeoutMs} ms (${code})${hint}`);
      }
    }
  }
  return { problems, facts };
}
