import { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { recordControls } from '../controls';

export interface AuditTrailProps {
  /** Name of the trail (unique in the account). */
  readonly trailName: string;
  /** Hardened, Object-Locked bucket the trail delivers to (LOG-03). */
  readonly archive: s3.IBucket;
  /** Encrypts log files and the trail's log group (LOG-01, LOG-04). */
  readonly logsKey: kms.IKey;
  /** Retention of the trail's log group (LOG-04). */
  readonly retention: logs.RetentionDays;
  /** Buckets holding health data: every object read and write is recorded (LOG-02). */
  readonly healthDataBuckets: s3.IBucket[];
}

/**
 * The platform's audit trail (LOG-01, LOG-02): a multi-region CloudTrail trail with log file
 * validation, encrypted with the logs key, delivered to the log archive and to CloudWatch Logs, that
 * records management events of every region and data events (read and write) on every health-data
 * bucket.
 */
export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.Trail;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    if (props.healthDataBuckets.length === 0) {
      throw new Error(
        `${this.node.path}: healthDataBuckets is empty; LOG-02 requires data events on every bucket that holds health data. Pass the platform's health-data buckets`,
      );
    }
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: props.logsKey,
      retention: props.retention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    recordControls(this.logGroup, 'LOG-01', 'LOG-04');

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: props.archive,
      encryptionKey: props.logsKey,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
    this.trail.addS3EventSelector(
      props.healthDataBuckets.map((bucket) => ({ bucket })),
      { readWriteType: cloudtrail.ReadWriteType.ALL, includeManagementEvents: false },
    );
    recordControls(this.trail, 'LOG-01', 'LOG-02');
  }
}
