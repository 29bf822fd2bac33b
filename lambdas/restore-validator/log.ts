/**
 * One JSON object per line. Fields are a closed set of primitives so that object contents, data or
 * personal identifiers cannot be logged by accident: only AWS resource ARNs and job ids.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

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

export type Logger = (level: LogLevel, message: string, fields?: LogFields) => void;

/**
 * Writes straight to stdout: console.log would prefix timestamp and request id in the Lambda TEXT
 * log format, and the line would no longer be a JSON object.
 */
export const jsonLogger: Logger = (level, message, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
};

/** A logger that adds the same fields (job id, resource) to every line. */
export function withFields(log: Logger, base: LogFields): Logger {
  return (level, message, fields = {}) => log(level, message, { ...base, ...fields });
}
