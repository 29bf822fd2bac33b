import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * How the bucket is encrypted. A customer-managed KMS key is the rule (ENC-02); SSE-S3 is allowed
 * only with a reason, for the one documented exception (the server-access-log bucket, because S3
 * cannot deliver access logs to an SSE-KMS bucket).
 */
export type BucketEncryptionChoice =
  | { readonly key: kms.IKey }
  | { readonly s3Managed: true; readonly reason: string };

/** Bucket settings an editor may choose. Public access, TLS, versioning and retention are not among them. */
export interface SecureBucketProps {
  readonly encryption: BucketEncryptionChoice;
  /**
   * Where server access logs go (LOG-05).
   * @default - no server access logs: only for the access-log bucket itself, which must say why in `accessLogsReason`
   */
  readonly serverAccessLogs?: { readonly bucket: s3.IBucket; readonly prefix: string };
  /** Required when `serverAccessLogs` is absent: why this bucket does not log its own access. */
  readonly accessLogsReason?: string;
  /**
   * S3 Object Lock default retention (LOG-03, DATA-01).
   * @default - no Object Lock
   */
  readonly objectLock?: { readonly mode: 'COMPLIANCE' | 'GOVERNANCE'; readonly days: number };
  /** @default - no lifecycle rules */
  readonly lifecycleRules?: s3.LifecycleRule[];
}

/**
 * An S3 bucket hardened the same way everywhere in the platform: public access blocked, TLS 1.2+ only
 * (ENC-03), object ownership enforced, versioning on, retained on stack deletion, encrypted (ENC-02)
 * and logged (LOG-05).
 */
export class SecureBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (!props.serverAccessLogs && !props.accessLogsReason?.trim()) {
      throw new Error(
        `${this.node.path}: serverAccessLogs is missing. Every bucket logs its access (LOG-05); pass serverAccessLogs, or accessLogsReason for the access-log bucket itself`,
      );
    }
    if ('s3Managed' in props.encryption && !props.encryption.reason.trim()) {
      throw new Error(`${this.node.path}: encryption.reason is empty. SSE-S3 is an exception to ENC-02 and needs a reason`);
    }
    const kmsKey = 'key' in props.encryption ? props.encryption.key : undefined;
    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: kmsKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: kmsKey,
      bucketKeyEnabled: kmsKey ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.serverAccessLogs?.bucket,
      serverAccessLogsPrefix: props.serverAccessLogs?.prefix,
      objectLockEnabled: props.objectLock ? true : undefined,
      objectLockDefaultRetention: props.objectLock
        ? props.objectLock.mode === 'COMPLIANCE'
          ? s3.ObjectLockRetention.compliance(Duration.days(props.objectLock.days))
          : s3.ObjectLockRetention.governance(Duration.days(props.objectLock.days))
        : undefined,
      lifecycleRules: props.lifecycleRules,
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
    });
  }
}
