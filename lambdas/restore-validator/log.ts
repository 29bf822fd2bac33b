import { type Logger as SharedLogger, type LogLevel, withFields, writeJsonLine } from '../shared/log';

/**
 * One JSON object per line. Fields are a closed set of primitives so that object contents, data or
 * personal identifiers cannot be logged by accident: only AWS resource ARNs and job ids.
 */
export type { LogLevel };

export interface LogFields {
  readonly restoreJobId?: string;
  readonly resourceType?: string;
  readonly resourceArn?: string;
  readonly restoreTestingPlanArn?: string;
  readonly outcome?: string;
  readonly reason?: string;
  readonly api?: string;
  readonly attempt?: number;
  readonly delayMs?: number;
  readonly errorName?: string;
  readonly errorMessage?: string;
  readonly durationMs?: number;
  readonly metricName?: string;
  readonly metricValue?: number;
  readonly lowerBound?: boolean;
  readonly pages?: number;
  readonly lastSuccessAt?: string;
  readonly lookbackStart?: string;
}

export type Logger = SharedLogger<LogFields>;

export const jsonLogger: Logger = writeJsonLine;

export { withFields };
