/**
 * One JSON object per line. The fields are a closed set of counts, durations, the (validated) context and
 * error codes: there is no field an identifier, a MAC message or a MAC could be put in, so none can be
 * logged by accident.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFields {
  /** The purpose slug, logged only once it has been validated (it is never an identifier). */
  readonly context?: string;
  readonly identifiers?: number;
  readonly distinct?: number;
  readonly kmsCalls?: number;
  readonly retries?: number;
  readonly problems?: number;
  readonly attempt?: number;
  readonly delayMs?: number;
  readonly durationMs?: number;
  readonly errorName?: string;
  readonly outcome?: 'ok' | 'invalid-request' | 'invalid-config' | 'key-unusable' | 'kms-failed' | 'deadline' | 'error';
}

export type Logger = (level: LogLevel, message: string, fields?: LogFields) => void;

/**
 * Writes straight to stdout: console.log would prefix timestamp and request id in the Lambda TEXT log
 * format, and the line would no longer be a JSON object.
 */
export const jsonLogger: Logger = (level, message, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
};

const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/**
 * An error's code (`ThrottlingException`, `ECONNRESET`), for logs and messages. Only code-shaped names are
 * kept: an arbitrary thrown value's name is not trusted to be free of data.
 */
export function errorCode(err: unknown): string {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; Code?: unknown };
  for (const candidate of [e.name, e.Code, e.code]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && candidate !== 'Unknown' && ERROR_CODE.test(candidate)) {
      return candidate;
    }
  }
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? `HTTP${status}` : 'Error';
}
