import 'aws-sdk-client-mock-jest';
import { ListRestoreJobsCommand, PutRestoreValidationResultCommand, type RestoreJobsListMember } from '@aws-sdk/client-backup';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PLAN_ARN, NAMESPACE, awsError, backupMock, cloudwatchMock, harness, lambdaContext, resetAll, scheduledEvent } from './fixtures';

const NOW = new Date('2025-06-10T06:00:00Z');
const THIRTY_DAYS_AGO = new Date('2025-05-11T06:00:00Z');

function job(completedAt: string, ValidationStatus: RestoreJobsListMember['ValidationStatus'], Status: RestoreJobsListMember['Status'] = 'COMPLETED'): RestoreJobsListMember {
  return {
    RestoreJobId: `job-${completedAt}`,
    Status,
    ValidationStatus,
    CreationDate: new Date(new Date(completedAt).getTime() - 30 * 60 * 1000),
    CompletionDate: new Date(completedAt),
    CreatedBy: { RestoreTestingPlanArn: PLAN_ARN },
  };
}

function hoursMetric(value: number) {
  return { Namespace: NAMESPACE, MetricData: [{ MetricName: 'HoursSinceLastSuccessfulRestoreTest', Value: value, Unit: 'None' }] };
}

beforeEach(() => {
  resetAll();
  cloudwatchMock.on(PutMetricDataCommand).resolves({});
});

test('recent success: hours since the latest COMPLETED + SUCCESSFUL job', async () => {
  backupMock.on(ListRestoreJobsCommand).resolves({
    RestoreJobs: [
      job('2025-06-02T04:00:00Z', 'SUCCESSFUL'),
      job('2025-06-09T06:00:00Z', 'SUCCESSFUL'),
      job('2025-06-09T18:00:00Z', 'FAILED'),
      job('2025-06-09T20:00:00Z', 'TIMED_OUT'),
      job('2025-06-10T01:00:00Z', 'VALIDATING'),
    ],
  });
  const h = harness({ now: () => NOW });
  const result = await h.handler(scheduledEvent(), lambdaContext());

  expect(result).toEqual({
    outcome: 'watchdog',
    metricName: 'HoursSinceLastSuccessfulRestoreTest',
    hoursSinceLastSuccess: 24,
    lowerBound: false,
    lastSuccessAt: '2025-06-09T06:00:00.000Z',
  });
  expect(backupMock).toHaveReceivedCommandTimes(ListRestoreJobsCommand, 1);
  expect(backupMock.commandCalls(ListRestoreJobsCommand)[0].args[0].input).toEqual({
    ByRestoreTestingPlanArn: PLAN_ARN,
    ByCreatedAfter: THIRTY_DAYS_AGO,
    ByStatus: 'COMPLETED',
  });
  expect(cloudwatchMock.commandCalls(PutMetricDataCommand)[0].args[0].input).toEqual(hoursMetric(24));
  expect(backupMock).not.toHaveReceivedCommand(PutRestoreValidationResultCommand);
});

test('no success in the lookback: hours since the lookback start, logged as a lower bound', async () => {
  backupMock.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [job('2025-06-09T06:00:00Z', 'FAILED')] });
  const h = harness({ now: () => NOW });
  const result = await h.handler(scheduledEvent(), lambdaContext());

  expect(result).toEqual({ outcome: 'watchdog', metricName: 'HoursSinceLastSuccessfulRestoreTest', hoursSinceLastSuccess: 720, lowerBound: true });
  expect(cloudwatchMock).toHaveReceivedCommandWith(PutMetricDataCommand, hoursMetric(720));
  expect(h.logs).toContainEqual(
    expect.objectContaining({ level: 'warn', message: expect.stringMatching(/lower bound/), lowerBound: true, metricValue: 720, lookbackStart: THIRTY_DAYS_AGO.toISOString() }),
  );
});

test('no restore job at all, with FRESHNESS_LOOKBACK_DAYS=7', async () => {
  process.env.FRESHNESS_LOOKBACK_DAYS = '7';
  backupMock.on(ListRestoreJobsCommand).resolves({});
  const result = await harness({ now: () => NOW }).handler(scheduledEvent(), lambdaContext());
  expect(result).toMatchObject({ hoursSinceLastSuccess: 168, lowerBound: true });
  expect(backupMock).toHaveReceivedCommandWith(ListRestoreJobsCommand, { ByCreatedAfter: new Date('2025-06-03T06:00:00Z') });
});

test('pagination: every page is read, the latest success may be on any page', async () => {
  backupMock
    .on(ListRestoreJobsCommand)
    .resolvesOnce({ RestoreJobs: [job('2025-06-02T04:00:00Z', 'SUCCESSFUL')], NextToken: 'page-2' })
    .resolvesOnce({ RestoreJobs: [job('2025-06-10T03:30:00Z', 'SUCCESSFUL')], NextToken: 'page-3' })
    .resolvesOnce({ RestoreJobs: [job('2025-05-20T04:00:00Z', 'SUCCESSFUL')] });
  const h = harness({ now: () => NOW });
  const result = await h.handler(scheduledEvent(), lambdaContext());

  expect(result).toMatchObject({ hoursSinceLastSuccess: 2.5, lowerBound: false, lastSuccessAt: '2025-06-10T03:30:00.000Z' });
  const inputs = backupMock.commandCalls(ListRestoreJobsCommand).map((c) => c.args[0].input);
  expect(inputs).toEqual([
    { ByRestoreTestingPlanArn: PLAN_ARN, ByCreatedAfter: THIRTY_DAYS_AGO, ByStatus: 'COMPLETED' },
    { ByRestoreTestingPlanArn: PLAN_ARN, ByCreatedAfter: THIRTY_DAYS_AGO, ByStatus: 'COMPLETED', NextToken: 'page-2' },
    { ByRestoreTestingPlanArn: PLAN_ARN, ByCreatedAfter: THIRTY_DAYS_AGO, ByStatus: 'COMPLETED', NextToken: 'page-3' },
  ]);
  expect(h.logs).toContainEqual(expect.objectContaining({ level: 'info', pages: 3, lastSuccessAt: '2025-06-10T03:30:00.000Z' }));
});

test('a page throttled once is retried', async () => {
  backupMock.on(ListRestoreJobsCommand).rejectsOnce(awsError('ThrottlingException')).resolves({ RestoreJobs: [job('2025-06-09T06:00:00Z', 'SUCCESSFUL')] });
  const h = harness({ now: () => NOW });
  await expect(h.handler(scheduledEvent(), lambdaContext())).resolves.toMatchObject({ hoursSinceLastSuccess: 24 });
  expect(h.sleeps).toEqual([150]);
});

test('ListRestoreJobs denied: the invocation fails loudly, no metric is made up', async () => {
  backupMock.on(ListRestoreJobsCommand).rejects(awsError('AccessDeniedException', 403));
  await expect(harness({ now: () => NOW }).handler(scheduledEvent(), lambdaContext())).rejects.toThrow(
    /backup:ListRestoreJobs failed after 1 attempt\(s\): AccessDeniedException/,
  );
  expect(cloudwatchMock).not.toHaveReceivedCommand(PutMetricDataCommand);
});

test('a NextToken that repeats ends in an error, not a loop', async () => {
  backupMock.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [], NextToken: 'same' });
  await expect(harness({ now: () => NOW }).handler(scheduledEvent(), lambdaContext())).rejects.toThrow(/pagination did not end after 2 pages/);
});

test('PutMetricData failing: the invocation fails', async () => {
  backupMock.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
  cloudwatchMock.on(PutMetricDataCommand).rejects(awsError('AccessDenied', 403));
  await expect(harness({ now: () => NOW }).handler(scheduledEvent(), lambdaContext())).rejects.toThrow(/cloudwatch:PutMetricData failed after 1 attempt\(s\): AccessDenied/);
});
