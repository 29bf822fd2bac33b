import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { SecurityAlerts } from '../constructs/security-alerts';
import { ThreatDetection } from '../constructs/threat-detection';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface DetectionStackProps extends HdsStackProps {
  /** The logs key: findings export, Config delivery. */
  readonly logsKey: kms.IKey;
  /** Every key of the platform, watched for disable, deletion and policy changes (ENC-01). */
  readonly keys: kms.IKey[];
  readonly accessLogs: s3.IBucket;
  readonly alertTopic: sns.ITopic;
  /** The audit trail's log group, which the multi-region trail fills from every region. */
  readonly trailLogGroup: logs.ILogGroup;
}

/**
 * Detection and alerting (DET-01..03): GuardDuty, Security Hub and AWS Config (or the account's own, per
 * config), and the security alerts to the alert topic. After the audit stack, whose trail it watches.
 */
export class DetectionStack extends HdsStack {
  public readonly detection: ThreatDetection;
  public readonly alerts: SecurityAlerts;

  constructor(scope: Construct, id: string, props: DetectionStackProps) {
    super(scope, id, { description: 'hds-blueprint detection: GuardDuty, Security Hub, AWS Config, security alerts', ...props });
    const detection = this.config.detection;
    this.detection = new ThreatDetection(this, 'Detection', {
      guardDuty: detection.guardDuty,
      securityHub: detection.securityHub,
      configRecorder: detection.configRecorder,
      key: props.logsKey,
      accessLogs: props.accessLogs,
      lockMode: this.lockMode,
      retention: Duration.days(this.config.traceRetentionDays),
      backupMinimumRetentionDays: this.config.backup.vaultLock.minRetentionDays,
    });
    this.alerts = new SecurityAlerts(this, 'Alerts', {
      topic: props.alertTopic,
      trailLogGroup: props.trailLogGroup,
      keys: props.keys,
      guardDutyMinSeverity: detection.guardDutyMinSeverity,
    });
  }
}
