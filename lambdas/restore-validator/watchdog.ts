import { ListRestoreJobsCommand } from '@aws-sdk/client-backup';
import type { Config } from './config';
import { withFields } from './log';
import { type InvocationContext, METRIC_HOURS_SINCE_SUCCESS, putMetric, runBounded } from './report';
import { callAws, type Runtime } from './runtime';

export interface WatchdogOutcome {
  readonly outcome: 'watchdog';
  readonly metricName: string;
  readonly hoursSinceLastSuccess: number;
  /** True when no successful test was found in the lookback: the value is then only a lower bound. */
  readonly lowerBound: boolean;
  readonly lastSuccessAt?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** A guard against a NextToken that never ends, far above what a weekly plan produces in a year. */
export const MAX_PAGES = 200;

/**
 * Publishes the hours elapsed since the latest restore test of the plan that completed and was
 * validated SUCCESSFUL, so that an alarm fires when restore tests silently stop succeeding.
 */
export async function runWatchdog(config: Config, runtime: Runtime, context: InvocationContext): Promise<WatchdogOutcome> {
  const log = withFields(runtime.log, { restoreTestingPlanArn: config.restoreTestingPlanArn });
  const now = runtime.now();
  const lookbackStart = new Date(now.getTime() - config.freshnessLookbackDays * DAY_MS);

  return runBounded(config, runtime, context, log, 'backup:ListRestoreJobs', async (ctx) => {
    let latest: Date | undefined;
    let nextToken: string | undefined;
    let pages = 0;
    const seenTokens = new Set<string>();
    do {
      const page = await callAws(ctx, 'backup:ListRestoreJobs', (abortSignal) =>
        runtime.clients.backup.send(
          new ListRestoreJobsCommand({
            ByRestoreTestingPlanArn: config.restoreTestingPlanArn,
            ByCreatedAfter: lookbackStart,
            ByStatus: 'COMPLETED',
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
          { abortSignal },
        ),
      );
      pages++;
      for (const job of page.RestoreJobs ?? []) {
        if (job.Status !== 'COMPLETED' || job.ValidationStatus !== 'SUCCESSFUL') continue;
        const at = job.CompletionDate ?? job.CreationDate;
        if (at && (!latest || at > latest)) latest = at;
      }
      nextToken = page.NextToken;
      if (nextToken && (seenTokens.has(nextToken) || pages >= MAX_PAGES)) {
        throw new Error(`backup:ListRestoreJobs pagination did not end after ${pages} pages for ${config.restoreTestingPlanArn}`);
      }
      if (nextToken) seenTokens.add(nextToken);
    } while (nextToken);

    const since = latest ?? lookbackStart;
    const hours = Math.max(0, Math.round(((now.getTime() - since.getTime()) / HOUR_MS) * 100) / 100);
    await putMetric(ctx, METRIC_HOURS_SINCE_SUCCESS, hours, 'None');

    if (latest) {
      log('info', 'latest successful restore test found', {
        metricName: METRIC_HOURS_SINCE_SUCCESS,
        metricValue: hours,
        lastSuccessAt: latest.toISOString(),
        lowerBound: false,
        pages,
      });
      return { outcome: 'watchdog', metricName: METRIC_HOURS_SINCE_SUCCESS, hoursSinceLastSuccess: hours, lowerBound: false, lastSuccessAt: latest.toISOString() };
    }
    log('warn', `no successful restore test in the last ${config.freshnessLookbackDays} days: the value is a lower bound, measured from the start of the lookback`, {
      metricName: METRIC_HOURS_SINCE_SUCCESS,
      metricValue: hours,
      lookbackStart: lookbackStart.toISOString(),
      lowerBound: true,
      pages,
    });
    return { outcome: 'watchdog', metricName: METRIC_HOURS_SINCE_SUCCESS, hoursSinceLastSuccess: hours, lowerBound: true };
  });
}
