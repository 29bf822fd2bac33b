import { type Logger as SharedLogger, type LogLevel, withFields, writeJsonLine } from '../shared/log';

/**
 * One JSON object per line. The fields are a closed set of identifiers (export id, resource ARNs, object
 * keys), counts, durations and error codes: there is no field an object's content could go in.
 */
export type { LogLevel };

export interface LogFields {
  readonly action?: string;
  readonly exportId?: string;
  readonly outcome?: string;
  readonly api?: string;
  readonly attempt?: number;
  readonly delayMs?: number;
  readonly errorName?: string;
  readonly errorMessage?: string;
  readonly durationMs?: number;
  readonly snapshotArn?: string;
  readonly snapshotType?: string;
  readonly status?: string;
  /** The bucket and key, cluster or task a call was about (`s3://bucket/key`, `cluster <id>`). */
  readonly resource?: string;
  /** An object key: keys may be logged (CloudTrail data events carry them too), contents never. */
  readonly key?: string;
  readonly size?: number;
  readonly parts?: number;
  readonly pages?: number;
  readonly copied?: number;
  readonly files?: number;
  readonly bytes?: number;
  readonly part?: number;
  readonly done?: boolean;
  readonly stale?: number;
}

export type Logger = SharedLogger<LogFields>;

export const jsonLogger: Logger = writeJsonLine;

export { withFields };
