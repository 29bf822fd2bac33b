import type { EventBridgeEvent, ScheduledEvent } from 'aws-lambda';

/** Only restoreJobId is read: everything else is re-read from DescribeRestoreJob, not trusted from the event. */
export interface RestoreJobStateChangeDetail {
  readonly restoreJobId: string;
  readonly status?: string;
  readonly resourceType?: string;
  readonly createdResourceArn?: string;
}

export type RestoreJobStateChangeEvent = EventBridgeEvent<'Restore Job State Change', RestoreJobStateChangeDetail>;

export type ValidatorEvent = RestoreJobStateChangeEvent | ScheduledEvent;

interface EventShape {
  source?: unknown;
  'detail-type'?: unknown;
  detail?: { restoreJobId?: unknown };
}

export function isRestoreJobStateChange(event: unknown): event is RestoreJobStateChangeEvent {
  const e = (event ?? {}) as EventShape;
  if (e.source !== 'aws.backup' || e['detail-type'] !== 'Restore Job State Change') return false;
  const id = e.detail?.restoreJobId;
  if (typeof id !== 'string' || id.trim() === '') {
    throw new Error('Restore Job State Change event from aws.backup has no detail.restoreJobId');
  }
  return true;
}

export function isScheduledEvent(event: unknown): event is ScheduledEvent {
  const e = (event ?? {}) as EventShape;
  return e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

export function describeEvent(event: unknown): string {
  const e = (event ?? {}) as EventShape;
  return `source '${String(e.source)}', detail-type '${String(e['detail-type'])}'`;
}
