import { Duration, Fn, Token, type Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LogArchive } from '../../../lib/constructs/log-archive';
import { lockDays } from '../../../policies/rules/data/lock-within-expiry';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-DATA01-LockWithinExpiry';
const BUCKET = 'TestStack/Bucket/Resource';
const RAW = 'TestStack/Raw';

function locked(stack: Stack, lifecycleRules: s3.LifecycleRule[], retention = s3.ObjectLockRetention.governance(Duration.days(365))): s3.Bucket {
  return new s3.Bucket(stack, 'Bucket', { versioned: true, objectLockEnabled: true, objectLockDefaultRetention: retention, lifecycleRules });
}

/** A raw bucket (L1) locked `days`, with one lifecycle rule. */
function rawBucket(stack: Stack, days: number, rule: Partial<s3.CfnBucket.RuleProperty>): s3.CfnBucket {
  return new s3.CfnBucket(stack, 'Raw', {
    versioningConfiguration: { status: 'Enabled' },
    objectLockEnabled: true,
    objectLockConfiguration: { objectLockEnabled: 'Enabled', rule: { defaultRetention: { mode: 'COMPLIANCE', days } } },
    lifecycleConfiguration: { rules: [{ status: 'Enabled', ...rule }] },
  });
}

function rawBucketYears(stack: Stack, years: number, rule: Partial<s3.CfnBucket.RuleProperty>): s3.CfnBucket {
  return new s3.CfnBucket(stack, 'Raw', {
    objectLockEnabled: true,
    objectLockConfiguration: { objectLockEnabled: 'Enabled', rule: { defaultRetention: { mode: 'COMPLIANCE', years } } },
    lifecycleConfiguration: { rules: [{ status: 'Enabled', ...rule }] },
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: objects locked 365 days, expired after 90', () => {
    expectNonCompliant(RULE, (stack) => locked(stack, [{ expiration: Duration.days(90) }]), [BUCKET]);
  });

  it('F2: noncurrent versions expired after 30 days while locked 365', () => {
    expectNonCompliant(RULE, (stack) => locked(stack, [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }]), [BUCKET]);
  });

  it('F3: locked one calendar year (Years: 1), expired after 365 days (a leap year lasts 366)', () => {
    expectNonCompliant(RULE, (stack) => rawBucketYears(stack, 1, { expirationInDays: 365 }), [RAW]);
  });

  it('F4: a fixed expiration date', () => {
    expectNonCompliant(RULE, (stack) => locked(stack, [{ expirationDate: new Date('2030-01-01T00:00:00Z') }]), [BUCKET]);
  });

  it('F5: a raw bucket with the legacy NoncurrentVersionExpirationInDays shorter than the lock', () => {
    expectNonCompliant(RULE, (stack) => rawBucket(stack, 30, { noncurrentVersionExpirationInDays: 10 }), [RAW]);
  });

  it('F6: one rule among several contradicts the lock', () => {
    expectNonCompliant(
      RULE,
      (stack) => locked(stack, [{ id: 'ok', expiration: Duration.days(400) }, { id: 'short', prefix: 'tmp/', expiration: Duration.days(7) }]),
      [BUCKET],
    );
  });

  it('F7: a foreign template bucket locked 2 years and expired after 1', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          Bucket: {
            Type: 'AWS::S3::Bucket',
            Properties: {
              ObjectLockEnabled: true,
              ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Years: 2 } } },
              LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 365 }] },
            },
          },
        }),
      ['TestStack/Foreign/Bucket'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: LogArchive, the platform construct: lock, expiration and noncurrent expiration all equal the trace retention', () => {
    expectCompliant(RULE, (stack) => new LogArchive(stack, 'LogArchive', { logsKey: new kms.Key(stack, 'Key'), retentionDays: 365, lockMode: 'GOVERNANCE' }));
  });

  it('P2: a locked bucket with no lifecycle rule', () => {
    expectCompliant(RULE, (stack) => locked(stack, []));
  });

  it('P3: a bucket without Object Lock is not judged, whatever its expiration', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { lifecycleRules: [{ expiration: Duration.days(1) }] }));
  });

  it('P4: a disabled rule does not count', () => {
    expectCompliant(RULE, (stack) => locked(stack, [{ enabled: false, expiration: Duration.days(1) }]));
  });

  it('P5: locked one calendar year, expired after 366 days', () => {
    expectCompliant(RULE, (stack) => rawBucketYears(stack, 1, { expirationInDays: 366 }));
  });

  it('P6: rules without expiration (transitions, incomplete uploads)', () => {
    expectCompliant(RULE, (stack) =>
      locked(stack, [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(30) }] },
      ]),
    );
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: the lock retention from a template parameter', () => {
    expectEvaluationErrors(RULE, (stack) => rawBucket(stack, Token.asNumber(parameter(stack, 'Days', 'Number').value), { expirationInDays: 30 }), [RAW]);
  });

  it('E2: a rule status from a template parameter', () => {
    expectEvaluationErrors(RULE, (stack) => rawBucket(stack, 30, { status: parameter(stack).valueAsString, expirationInDays: 10 }), [RAW]);
  });

  const days = (stack: Stack) => Token.asNumber(parameter(stack, 'Days', 'Number').value);
  it.each<[string, FixtureBuilder, RegExp]>([
    ['the lock days', (stack) => rawBucket(stack, days(stack), { expirationInDays: 30 }), /TestStack\/Raw DefaultRetention\.Days cannot be evaluated/],
    ['the lock years', (stack) => rawBucketYears(stack, days(stack), { expirationInDays: 30 }), /TestStack\/Raw DefaultRetention\.Years cannot be evaluated/],
    [
      'the lifecycle rules',
      (stack) =>
        new s3.CfnBucket(stack, 'Raw', {
          objectLockEnabled: true,
          objectLockConfiguration: { objectLockEnabled: 'Enabled', rule: { defaultRetention: { mode: 'COMPLIANCE', days: 30 } } },
          lifecycleConfiguration: { rules: Fn.conditionIf('Expire', [], []) },
        }),
      /TestStack\/Raw LifecycleConfiguration\.Rules cannot be evaluated/,
    ],
    ['a rule status', (stack) => rawBucket(stack, 30, { status: parameter(stack).valueAsString }), /TestStack\/Raw LifecycleConfiguration\.Rules\[0\]\.Status cannot be evaluated/],
    ['an expiration', (stack) => rawBucket(stack, 30, { expirationInDays: days(stack) }), /TestStack\/Raw LifecycleConfiguration\.Rules\[0\]\.ExpirationInDays cannot be evaluated/],
    [
      'a noncurrent version expiration',
      (stack) => rawBucket(stack, 30, { noncurrentVersionExpiration: { noncurrentDays: days(stack) } }),
      /TestStack\/Raw LifecycleConfiguration\.Rules\[0\]\.NoncurrentVersionExpiration\.NoncurrentDays cannot be evaluated/,
    ],
    [
      'a legacy noncurrent version expiration',
      (stack) => rawBucket(stack, 30, { noncurrentVersionExpirationInDays: days(stack) }),
      /TestStack\/Raw LifecycleConfiguration\.Rules\[0\]\.NoncurrentVersionExpirationInDays cannot be evaluated/,
    ],
  ])('E3: %s from a template parameter or a condition: could not be evaluated, and the verbose pack says where', (_what, build, reason) => {
    expectEvaluationErrors(RULE, build, [RAW]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });
});

describe('lockDays', () => {
  it.each([
    [undefined, 1, 366],
    [undefined, 2, 731],
    [undefined, 4, 1461],
    [undefined, 5, 1827],
    [30, undefined, 30],
    [undefined, undefined, undefined],
  ])('days %p, years %p: at most %p days', (days, years, expected) => {
    expect(lockDays(days, years)).toBe(expected);
  });
});
