import { parseKmsKeyArn } from '../shared/keys';

export interface Config {
  /** ARN of the KMS key restored resources must be encrypted with. */
  readonly expectedKeyArn: string;
  readonly allowedRegions: readonly string[];
  readonly metricNamespace: string;
  readonly restoreTestingPlanArn: string;
  readonly freshnessLookbackDays: number;
  readonly dbConnectTimeoutMs: number;
}

export const DEFAULT_FRESHNESS_LOOKBACK_DAYS = 30;
export const DEFAULT_DB_CONNECT_TIMEOUT_MS = 5000;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const RESTORE_TESTING_PLAN_ARN = /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:restore-testing-plan:[A-Za-z0-9_-]+$/;

/**
 * Reads and validates the environment at invocation. Collects every problem and throws once, each
 * message naming the variable, the value received and what is allowed.
 */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is missing or empty`);
    return value ?? '';
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} is '${raw}', expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const expectedKeyArn = required('EXPECTED_KEY_ARN');
  if (expectedKeyArn && !parseKmsKeyArn(expectedKeyArn)) {
    problems.push(
      `EXPECTED_KEY_ARN is '${expectedKeyArn}', expected a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), not an alias or a bare key id`,
    );
  }

  const regionsRaw = required('ALLOWED_REGIONS');
  const allowedRegions = regionsRaw
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const badRegions = allowedRegions.filter((r) => !REGION.test(r));
  if (regionsRaw && (allowedRegions.length === 0 || badRegions.length > 0)) {
    problems.push(`ALLOWED_REGIONS is '${regionsRaw}', expected comma-separated region names such as 'eu-west-3,eu-west-1'`);
  }

  const metricNamespace = required('METRIC_NAMESPACE');
  if (metricNamespace && (metricNamespace.length > 255 || metricNamespace.startsWith(':') || /^AWS\//i.test(metricNamespace))) {
    problems.push(`METRIC_NAMESPACE is '${metricNamespace}', expected 1 to 255 characters, not starting with ':' or 'AWS/'`);
  }

  const restoreTestingPlanArn = required('RESTORE_TESTING_PLAN_ARN');
  if (restoreTestingPlanArn && !RESTORE_TESTING_PLAN_ARN.test(restoreTestingPlanArn)) {
    problems.push(
      `RESTORE_TESTING_PLAN_ARN is '${restoreTestingPlanArn}', expected arn:aws:backup:<region>:<account>:restore-testing-plan:<name>`,
    );
  }

  const freshnessLookbackDays = integer('FRESHNESS_LOOKBACK_DAYS', DEFAULT_FRESHNESS_LOOKBACK_DAYS, 1, 365);
  const dbConnectTimeoutMs = integer('DB_CONNECT_TIMEOUT_MS', DEFAULT_DB_CONNECT_TIMEOUT_MS, 100, 60_000);

  if (problems.length > 0) {
    throw new Error(`restore-validator configuration is invalid: ${problems.join('; ')}`);
  }
  return { expectedKeyArn, allowedRegions, metricNamespace, restoreTestingPlanArn, freshnessLookbackDays, dbConnectTimeoutMs };
}
