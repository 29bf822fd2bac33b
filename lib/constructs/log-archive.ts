import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { recordControls } from '../controls';
import { SecureBucket } from './secure-bucket';

export interface LogArchiveProps {
  /** Encrypts the archived traces (ENC-02, LOG-01). */
  readonly logsKey: kms.IKey;
  /** How long traces are kept and locked, in days (LOG-03, DATA-01: at least 365). */
  readonly retentionDays: number;
  /**
   * Object Lock mode: `COMPLIANCE` (nobody, root included, can shorten or remove the lock) in
   * production, `GOVERNANCE` elsewhere (a principal with `s3:BypassGovernanceRetention` can).
   */
  readonly lockMode: 'COMPLIANCE' | 'GOVERNANCE';
}

/**
 * Where traces are kept (LOG-03, LOG-05): an access-log bucket that receives the server access
 * logs of every other bucket, and a log-archive bucket for CloudTrail with S3 Object Lock, so that
 * traces cannot be altered or deleted during their retention.
 */
export class LogArchive extends Construct {
  /** Receives S3 server access logs. SSE-S3: the one documented exception of ENC-02. */
  public readonly accessLogs: s3.Bucket;
  /** Receives CloudTrail log files; Object Lock with retention = trace retention. */
  public readonly archive: s3.Bucket;

  constructor(scope: Construct, id: string, props: LogArchiveProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 365) {
      throw new Error(
        `${this.node.path}: retentionDays is ${props.retentionDays}; traces are kept and locked at least 365 days (LOG-03, DATA-01). Pass a whole number of days >= 365`,
      );
    }
    // Versions are kept as long as the traces: deleting a current object only adds a delete marker.
    const expireAfterRetention: s3.LifecycleRule = {
      id: 'expire-after-trace-retention',
      expiration: Duration.days(props.retentionDays),
      noncurrentVersionExpiration: Duration.days(props.retentionDays),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    };

    this.accessLogs = new SecureBucket(this, 'AccessLogs', {
      encryption: {
        s3Managed: true,
        reason: 'ENC-02 exception: S3 cannot deliver server access logs to a bucket encrypted with SSE-KMS',
      },
      accessLogsReason: 'This is the access-log bucket; logging it into itself would loop',
      lifecycleRules: [expireAfterRetention],
    }).bucket;
    recordControls(this.accessLogs, 'LOG-05');

    this.archive = new SecureBucket(this, 'Archive', {
      encryption: { key: props.logsKey },
      serverAccessLogs: { bucket: this.accessLogs, prefix: 'log-archive/' },
      objectLock: { mode: props.lockMode, days: props.retentionDays },
      lifecycleRules: [expireAfterRetention],
    }).bucket;
    recordControls(this.archive, 'LOG-01', 'LOG-03', 'ENC-02', 'ENC-03');
  }
}
