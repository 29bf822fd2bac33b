import { readConfig } from '../../../lambdas/restore-validator/config';
import { ENV, KEY_ARN, PLAN_ARN } from './fixtures';

test('reads a complete environment, with defaults for the optional variables', () => {
  expect(readConfig({ ...ENV })).toEqual({
    expectedKeyArn: KEY_ARN,
    allowedRegions: ['eu-west-3', 'eu-west-1'],
    metricNamespace: 'HdsBlueprint/RestoreTests',
    restoreTestingPlanArn: PLAN_ARN,
    freshnessLookbackDays: 30,
    dbConnectTimeoutMs: 5000,
  });
  expect(readConfig({ ...ENV, ALLOWED_REGIONS: ' eu-west-3 , ', FRESHNESS_LOOKBACK_DAYS: '14', DB_CONNECT_TIMEOUT_MS: '3000' })).toMatchObject({
    allowedRegions: ['eu-west-3'],
    freshnessLookbackDays: 14,
    dbConnectTimeoutMs: 3000,
  });
});

test.each(Object.keys(ENV))('missing %s is named', (name) => {
  const env: NodeJS.ProcessEnv = { ...ENV };
  delete env[name];
  expect(() => readConfig(env)).toThrow(new RegExp(`${name} is missing or empty`));
  expect(() => readConfig({ ...ENV, [name]: '  ' })).toThrow(new RegExp(`${name} is missing or empty`));
});

test.each([
  ['EXPECTED_KEY_ARN', 'alias/hds-backup', /EXPECTED_KEY_ARN is 'alias\/hds-backup', expected a KMS key ARN/],
  ['EXPECTED_KEY_ARN', '1234abcd-12ab-34cd-56ef-1234567890ab', /EXPECTED_KEY_ARN is '1234abcd.*not an alias or a bare key id/],
  ['ALLOWED_REGIONS', 'eu-west-3;eu-west-1', /ALLOWED_REGIONS is 'eu-west-3;eu-west-1', expected comma-separated region names/],
  ['ALLOWED_REGIONS', ',', /ALLOWED_REGIONS is ','/],
  ['METRIC_NAMESPACE', 'AWS/Backup', /METRIC_NAMESPACE is 'AWS\/Backup'/],
  ['RESTORE_TESTING_PLAN_ARN', 'arn:aws:backup:eu-west-3:111122223333:backup-plan:x', /RESTORE_TESTING_PLAN_ARN is 'arn:aws:backup:.*backup-plan:x'/],
  ['FRESHNESS_LOOKBACK_DAYS', 'thirty', /FRESHNESS_LOOKBACK_DAYS is 'thirty', expected an integer from 1 to 365/],
  ['FRESHNESS_LOOKBACK_DAYS', '0', /FRESHNESS_LOOKBACK_DAYS is '0'/],
  ['DB_CONNECT_TIMEOUT_MS', '5s', /DB_CONNECT_TIMEOUT_MS is '5s', expected an integer from 100 to 60000/],
  ['DB_CONNECT_TIMEOUT_MS', '-1', /DB_CONNECT_TIMEOUT_MS is '-1'/],
])('malformed %s=%s is refused with the value and what is allowed', (name, value, message) => {
  expect(() => readConfig({ ...ENV, [name]: value })).toThrow(message);
});

test('every problem is reported at once', () => {
  expect(() => readConfig({ ALLOWED_REGIONS: 'eu-west-3', DB_CONNECT_TIMEOUT_MS: 'x' })).toThrow(
    /EXPECTED_KEY_ARN is missing.*METRIC_NAMESPACE is missing.*RESTORE_TESTING_PLAN_ARN is missing.*DB_CONNECT_TIMEOUT_MS is 'x'/,
  );
});
