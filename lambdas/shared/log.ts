/**
 * One JSON object per line, written straight to stdout: console.log would prefix timestamp and request id in
 * the Lambda TEXT log format, and the line would no longer be a JSON object. Each function declares its own
 * closed set of fields (`LogFields` in its `log.ts`), so that data cannot be logged by accident.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type Logger<Fields extends object> = (level: LogLevel, message: string, fields?: Fields) => void;

/** Writes `{ level, message, ...fields }` as one line. */
export function writeJsonLine(level: LogLevel, message: string, fields: object = {}): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...fields })}\n`);
}

/** A logger that adds the same fields to every line. */
export function withFields<Fields extends object>(log: Logger<Fields>, base: NoInfer<Fields>): Logger<Fields> {
  return (level, message, fields) => log(level, message, { ...base, ...(fields ?? {}) });
}
