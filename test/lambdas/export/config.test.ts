import { readConfig } from '../../../lambdas/export/config';
import { ConfigError } from '../../../lambdas/export/errors';
import { CLUSTER, DOCS, ENV, EXPORT, EXPORT_ID, KEY_ARN, ROLE_ARN, harness, resetAll } from './fixtures';

beforeEach(resetAll);

test('reads a complete environment, with the default concurrency', () => {
  expect(readConfig({ ...ENV })).toEqual({
    clusterIdentifier: CLUSTER,
    documentsBucket: DOCS,
    exportBucket: EXPORT,
    exportKeyArn: KEY_ARN,
    exportRoleArn: ROLE_ARN,
    concurrency: 8,
  });
  expect(readConfig({ ...ENV, MAX_CONCURRENCY: ' 3 ', AWS_REGION: 'eu-west-3' })).toMatchObject({ concurrency: 3 });
});

test.each(Object.keys(ENV))('missing %s is named, with what to set', (name) => {
  const env: NodeJS.ProcessEnv = { ...ENV };
  delete env[name];
  expect(() => readConfig(env)).toThrow(new RegExp(`${name} is missing or empty: set it to`));
  expect(() => readConfig({ ...ENV, [name]: '  ' })).toThrow(ConfigError);
});

test.each([
  ['DB_CLUSTER_IDENTIFIER', '1db', /DB_CLUSTER_IDENTIFIER is '1db', expected the DB cluster identifier/],
  ['DB_CLUSTER_IDENTIFIER', 'hds--db', /DB_CLUSTER_IDENTIFIER is 'hds--db'/],
  ['DB_CLUSTER_IDENTIFIER', 'hds-db-', /DB_CLUSTER_IDENTIFIER is 'hds-db-'/],
  ['DB_CLUSTER_IDENTIFIER', 'a'.repeat(64), /DB_CLUSTER_IDENTIFIER is 'a{64}'/],
  ['DOCUMENTS_BUCKET', 'Docs_Bucket', /DOCUMENTS_BUCKET is 'Docs_Bucket', expected an S3 bucket name/],
  ['EXPORT_BUCKET', 'a..b', /EXPORT_BUCKET is 'a..b'/],
  ['EXPORT_BUCKET', '10.0.0.1', /EXPORT_BUCKET is '10.0.0.1'/],
  ['EXPORT_BUCKET', DOCS, /EXPORT_BUCKET is '.*', the same as DOCUMENTS_BUCKET/],
  ['EXPORT_KEY_ARN', 'alias/hds/export', /EXPORT_KEY_ARN is 'alias\/hds\/export', expected a KMS key ARN/],
  ['EXPORT_KEY_ARN', '1234abcd-12ab-34cd-56ef-1234567890ab', /not an alias or a bare key id/],
  ['EXPORT_ROLE_ARN', 'hds-export-rds', /EXPORT_ROLE_ARN is 'hds-export-rds', expected an IAM role ARN/],
  ['EXPORT_ROLE_ARN', 'arn:aws:iam::111122223333:user/alice', /EXPORT_ROLE_ARN is 'arn:aws:iam::111122223333:user\/alice'/],
  ['MAX_CONCURRENCY', '0', /MAX_CONCURRENCY is '0', expected an integer from 1 to 32/],
  ['MAX_CONCURRENCY', 'eight', /MAX_CONCURRENCY is 'eight'/],
  ['MAX_CONCURRENCY', '33', /MAX_CONCURRENCY is '33'/],
])('malformed %s=%s is refused with the value and what is allowed', (name, value, message) => {
  expect(() => readConfig({ ...ENV, [name]: value })).toThrow(message);
});

test('a key in another Region than the function is refused before RDS refuses it', () => {
  expect(() => readConfig({ ...ENV, AWS_REGION: 'eu-west-1' })).toThrow(/EXPORT_KEY_ARN is '.*', in Region eu-west-3; expected a key in the function's Region eu-west-1/);
});

test('every problem is reported at once', () => {
  expect(() => readConfig({ DOCUMENTS_BUCKET: 'X', MAX_CONCURRENCY: 'x' })).toThrow(
    /DB_CLUSTER_IDENTIFIER is missing.*DOCUMENTS_BUCKET is 'X'.*EXPORT_BUCKET is missing.*EXPORT_KEY_ARN is missing.*EXPORT_ROLE_ARN is missing.*MAX_CONCURRENCY is 'x'/,
  );
});

test('the handler refuses a bad environment before any AWS call, and logs it as invalid-config', async () => {
  delete process.env.EXPORT_ROLE_ARN;
  const { handler, logs } = harness();
  await expect(handler({ action: 'status', exportId: EXPORT_ID })).rejects.toThrow(ConfigError);
  expect(logs).toEqual([expect.objectContaining({ level: 'error', outcome: 'invalid-config', errorName: 'ConfigError' })]);
});
