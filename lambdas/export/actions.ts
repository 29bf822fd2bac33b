/**
 * The export function of the reversibility control (DATA-03, HDS EXI 27): a Step Functions state machine
 * calls it once per step, and passes each result back in, with `action` set, until the export is whole.
 *
 *   start          -> the latest available cluster snapshot (automated, manual or AWS Backup) is exported
 *                     by RDS as Parquet to exports/<id>/database/
 *   status         -> running | complete | failed
 *   copy-documents -> every current document copied, server side, to exports/<id>/documents/<key>
 *   manifest       -> every object under exports/<id>/ hashed (SHA-256), one part file per invocation
 *   finalize       -> exports/<id>/manifest.json and manifest.json.sha256 (`sha256sum -c` format)
 *
 * Long steps stop before the Lambda timeout and return a continuation token; re-running a step from the
 * same token is idempotent. Everything written is SSE-KMS with the export key. Logs carry identifiers,
 * object keys, counts and error codes, never an object's content.
 */
import { ConfigError, InvalidRequestError } from './errors';
import { readConfig } from './config';
import { type StartResult, type StatusResult, exportStatus, startExport } from './database';
import { type CopyResult, copyDocuments } from './documents';
import { validateRequest } from './events';
import { type LogFields, withFields } from './log';
import { type FinalizeResult, type ManifestResult, buildManifestPart, finalizeManifest } from './manifest';
import { Deadline, type InvocationContext, type Runtime, type StepContext } from './runtime';

export type ExportResult = StartResult | StatusResult | CopyResult | ManifestResult | FinalizeResult;

/** Validates the environment and the event, runs the action, logs one summary line (or the failure). */
export async function handleRequest(event: unknown, env: NodeJS.ProcessEnv, runtime: Runtime, context?: InvocationContext): Promise<ExportResult> {
  const started = runtime.now().getTime();
  let log = runtime.log;
  const elapsed = () => runtime.now().getTime() - started;
  try {
    const config = readConfig(env);
    const request = validateRequest(event, runtime.now());
    log = withFields(runtime.log, { action: request.action, exportId: request.exportId });
    const deadline = new Deadline(context, runtime);
    const ctx: StepContext = { config, runtime, log, deadline };
    try {
      let result: ExportResult;
      switch (request.action) {
        case 'start':
          result = await startExport(ctx, request.exportId);
          break;
        case 'status':
          result = await exportStatus(ctx, request.exportId);
          break;
        case 'copy-documents':
          result = await copyDocuments(ctx, request.exportId, request.cursor);
          break;
        case 'manifest':
          result = await buildManifestPart(ctx, request.exportId, request.cursor, request.part);
          break;
        case 'finalize':
          result = await finalizeManifest(ctx, request.exportId, request);
          break;
      }
      log('info', 'action completed', { ...summary(result), durationMs: elapsed(), outcome: 'ok' });
      return result;
    } finally {
      deadline.dispose();
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const outcome = err instanceof InvalidRequestError ? 'invalid-request' : err instanceof ConfigError ? 'invalid-config' : 'failed';
    log('error', 'action failed', { outcome, errorName: e.name, errorMessage: e.message, durationMs: elapsed() });
    throw err;
  }
}

/** The counts of a result, for the log line (a result holds no content either; this keeps the line short). */
function summary(result: ExportResult): LogFields {
  const r = result as Partial<StatusResult & CopyResult & ManifestResult & FinalizeResult & StartResult>;
  return {
    ...(r.status !== undefined ? { status: r.status } : {}),
    ...(r.snapshotArn !== undefined ? { snapshotArn: r.snapshotArn } : {}),
    ...(r.copied !== undefined ? { copied: r.copied } : {}),
    ...(r.files !== undefined ? { files: r.files } : {}),
    ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
    ...(r.part !== undefined ? { part: r.part } : {}),
    ...(r.done !== undefined ? { done: r.done } : {}),
  };
}
