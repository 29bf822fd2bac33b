import type { HdsRule } from '../rule';
import { LOG05_BUCKET_ACCESS_LOGS } from './bucket-access-logs';
import { LOG05_DATABASE_LOGS_EXPORTED } from './database-logs-exported';
import { LOG02_HEALTH_DATA_EVENTS_TRACED } from './health-data-events-traced';
import { LOG05_LOAD_BALANCER_ACCESS_LOGS } from './load-balancer-access-logs';
import { LOG04_LOG_GROUP_ENCRYPTED_AND_RETAINED } from './log-group-encrypted-and-retained';
import { LOG06_PRIVILEGED_ACCESS_WITH_REASON } from './privileged-access-with-reason';
import { LOG03_TRACE_ARCHIVE_LOCKED } from './trace-archive-locked';
import { LOG01_TRAIL_HARDENED } from './trail-hardened';
import { LOG05_TRANSFER_LOGGING } from './transfer-logging';
import { LOG05_WAF_LOGGING } from './waf-logging';

/** LOG rules of the HDS pack, in control order. */
export const LOG_RULES: readonly HdsRule[] = [
  LOG01_TRAIL_HARDENED,
  LOG02_HEALTH_DATA_EVENTS_TRACED,
  LOG03_TRACE_ARCHIVE_LOCKED,
  LOG04_LOG_GROUP_ENCRYPTED_AND_RETAINED,
  LOG05_BUCKET_ACCESS_LOGS,
  LOG05_DATABASE_LOGS_EXPORTED,
  LOG05_LOAD_BALANCER_ACCESS_LOGS,
  LOG05_WAF_LOGGING,
  LOG05_TRANSFER_LOGGING,
  LOG06_PRIVILEGED_ACCESS_WITH_REASON,
];
