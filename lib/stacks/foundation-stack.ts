import type { Construct } from 'constructs';
import { LogArchive } from '../constructs/log-archive';
import { PlatformKeys } from '../constructs/platform-keys';
import { HdsStack, type HdsStackProps } from './hds-stack';

/** What every other stack builds on: the keys (ENC-01) and the buckets that keep traces (LOG-03, LOG-05). */
export class FoundationStack extends HdsStack {
  public readonly keys: PlatformKeys;
  public readonly logArchive: LogArchive;

  constructor(scope: Construct, id: string, props: HdsStackProps) {
    super(scope, id, { description: 'hds-blueprint foundation: KMS keys and log archive', ...props });
    this.keys = new PlatformKeys(this, 'Keys', { aliasPrefix: this.config.environment });
    this.logArchive = new LogArchive(this, 'LogArchive', {
      logsKey: this.keys.logs,
      retentionDays: this.config.traceRetentionDays,
      lockMode: this.lockMode,
    });
  }
}
