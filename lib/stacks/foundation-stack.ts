import type { Construct } from 'constructs';
import { AlertTopic } from '../constructs/alert-topic';
import { LogArchive } from '../constructs/log-archive';
import { PlatformKeys } from '../constructs/platform-keys';
import { HdsStack, type HdsStackProps } from './hds-stack';

/**
 * What every other stack builds on: the keys (ENC-01), the buckets that keep traces (LOG-03, LOG-05)
 * and the alert topic (DET-03).
 */
export class FoundationStack extends HdsStack {
  public readonly keys: PlatformKeys;
  public readonly logArchive: LogArchive;
  public readonly alerts: AlertTopic;

  constructor(scope: Construct, id: string, props: HdsStackProps) {
    super(scope, id, { description: 'hds-blueprint foundation: KMS keys, log archive, alert topic', ...props });
    this.keys = new PlatformKeys(this, 'Keys', { aliasPrefix: this.config.environment });
    this.logArchive = new LogArchive(this, 'LogArchive', {
      logsKey: this.keys.logs,
      retentionDays: this.config.traceRetentionDays,
      lockMode: this.lockMode,
    });
    this.alerts = new AlertTopic(this, 'Alerts', {
      key: this.keys.logs,
      email: this.config.alertEmail,
      httpsEndpoint: this.config.alertHttpsEndpoint,
    });
  }
}
