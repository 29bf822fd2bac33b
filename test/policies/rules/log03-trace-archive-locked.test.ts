import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnParameter, Duration, Fn, Stack, type App } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cfninc from 'aws-cdk-lib/cloudformation-include';
import type { Construct } from 'constructs';
import { HdsChecks } from '../../../policies/hds-checks';
import { expectCompliant } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG03-TraceArchiveLocked';

/** A log-archive bucket locked the way LogArchive locks it, with `props` on top. */
function archive(scope: Construct, props: Partial<s3.BucketProps> = {}): s3.Bucket {
  return new s3.Bucket(scope, 'Archive', {
    versioned: true,
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(365)),
    ...props,
  });
}

function trailTo(scope: Construct, bucket: s3.IBucket): cloudtrail.Trail {
  return new cloudtrail.Trail(scope, 'Trail', { bucket });
}

function auditStack(app: App): Stack {
  return new Stack(app, 'Audit', { env: { account: '111111111111', region: 'eu-west-3' } });
}

/** A bucket and a trail as a foreign template declares them (raw L1). */
function rawArchive(scope: Construct, lock: s3.CfnBucket.ObjectLockConfigurationProperty | undefined, versioned = true): s3.CfnBucket {
  return new s3.CfnBucket(scope, 'RawArchive', {
    bucketName: 'hds-trail-archive',
    objectLockEnabled: lock !== undefined,
    objectLockConfiguration: lock,
    versioningConfiguration: versioned ? { status: 'Enabled' } : undefined,
  });
}

function rawTrail(scope: Construct, s3BucketName: string): cloudtrail.CfnTrail {
  return new cloudtrail.CfnTrail(scope, 'RawTrail', { isLogging: true, s3BucketName });
}

const LOCKED = { objectLockEnabled: 'Enabled', rule: { defaultRetention: { mode: 'COMPLIANCE', days: 365 } } };

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a trail with the bucket CDK creates for it (no Object Lock)', () => {
    expectNonCompliant(RULE, (stack) => new cloudtrail.Trail(stack, 'Trail'), ['TestStack/Trail/Resource']);
  });

  it('F2: Object Lock on, but no default retention', () => {
    expectNonCompliant(
      RULE,
      (stack) => trailTo(stack, archive(stack, { objectLockDefaultRetention: undefined })),
      ['TestStack/Trail/Resource'],
    );
  });

  it('F3: a 30-day retention, shorter than the trace retention', () => {
    expectNonCompliant(
      RULE,
      (stack) => trailTo(stack, archive(stack, { objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(30)) })),
      ['TestStack/Trail/Resource'],
    );
  });

  it('F4: a locked bucket without versioning (raw L1)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawArchive(stack, LOCKED, false);
        rawTrail(stack, 'hds-trail-archive');
      },
      ['TestStack/RawTrail'],
    );
  });

  it('F5: a 365-day lock when the platform keeps traces 730 days (minTraceRetentionDays)', () => {
    expectNonCompliant(RULE, (stack) => trailTo(stack, archive(stack)), ['TestStack/Trail/Resource'], new HdsChecks(undefined, { options: { minTraceRetentionDays: 730 } }));
  });

  it('F6: the trail in another stack, the unlocked bucket in the fixture stack: reported on the trail', () => {
    expectNonCompliant(RULE, (stack, app) => trailTo(auditStack(app), new s3.Bucket(stack, 'Plain', { versioned: true })), ['Audit/Trail/Resource']);
  });

  it('F7: Object Lock disabled on a bucket that still carries a retention rule (raw L1)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawArchive(stack, LOCKED).objectLockEnabled = false;
        rawTrail(stack, 'hds-trail-archive');
      },
      ['TestStack/RawTrail'],
    );
  });

  it('F8: a trail that delivers to a bucket outside the app cannot be evaluated: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => rawTrail(stack, 'somebody-elses-bucket'), 'TestStack/RawTrail');
  });

  it('F9: a retention in days from a template parameter cannot be evaluated: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => {
      const days = new CfnParameter(stack, 'RetentionDays', { type: 'Number' });
      rawArchive(stack, { ...LOCKED, rule: { defaultRetention: { mode: 'COMPLIANCE', days: days.valueAsNumber } } });
      rawTrail(stack, 'hds-trail-archive');
    }, 'TestStack/RawTrail');
  });

  it('F10: S3BucketName refers to a resource that is not a bucket: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => rawTrail(stack, new sns.Topic(stack, 'Topic').topicName), 'TestStack/RawTrail');
  });
});

describe(`${RULE}: not evaluated`, () => {
  it.each<[string, unknown, string]>([
    ['ObjectLockEnabled', Fn.conditionIf('Locked', true, false), 'ObjectLockEnabled'],
    ['VersioningConfiguration', Fn.conditionIf('Versioned', { Status: 'Enabled' }, { Status: 'Suspended' }), 'VersioningConfiguration'],
    ['VersioningConfiguration.Status', Fn.conditionIf('Versioned', 'Enabled', 'Suspended'), 'VersioningConfiguration Status'],
    ['ObjectLockConfiguration', Fn.conditionIf('Locked', { ObjectLockEnabled: 'Enabled' }, { ObjectLockEnabled: 'Enabled' }), 'ObjectLockConfiguration'],
    ['ObjectLockConfiguration.Rule', Fn.conditionIf('Locked', { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } }, {}), 'ObjectLockConfiguration Rule'],
    ['ObjectLockConfiguration.Rule.DefaultRetention', Fn.conditionIf('Locked', { Mode: 'COMPLIANCE', Days: 365 }, {}), 'DefaultRetention'],
    ['ObjectLockConfiguration.Rule.DefaultRetention.Mode', Fn.conditionIf('Strict', 'COMPLIANCE', 'GOVERNANCE'), 'DefaultRetention Mode'],
    ['ObjectLockConfiguration.Rule.DefaultRetention.Days', Fn.conditionIf('Long', 3653, 365), 'DefaultRetention Days'],
    ['ObjectLockConfiguration.Rule.DefaultRetention.Years', Fn.conditionIf('Long', 10, 1), 'DefaultRetention Years'],
  ])('E1: the archive bucket %s chosen by a condition: could not be evaluated, and the verbose pack names it', (property, value, named) => {
    expectEvaluationErrorNaming(
      RULE,
      (stack) => {
        const bucket = rawArchive(stack, LOCKED);
        // Years is read only when Days is absent.
        if (property.endsWith('Years')) bucket.addPropertyDeletionOverride('ObjectLockConfiguration.Rule.DefaultRetention.Days');
        bucket.addPropertyOverride(property, value);
        rawTrail(stack, 'hds-trail-archive');
      },
      'TestStack/RawTrail',
      new RegExp(`TestStack/RawArchive ${named} cannot be evaluated`),
    );
  });

  it('E2: a trail delivering to a bucket outside the app: the verbose pack says so', () => {
    expectEvaluationErrorNaming(
      RULE,
      (stack) => rawTrail(stack, 'somebody-elses-bucket'),
      'TestStack/RawTrail',
      /TestStack\/RawTrail S3BucketName \(a bucket outside the app\) cannot be evaluated at synth: "somebody-elses-bucket"/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: the trail in another stack delivering to a locked archive (compliance mode, 365 days), as the platform does', () => {
    expectCompliant(RULE, (stack, app) => trailTo(auditStack(app), archive(stack)));
  });

  it('P2: governance mode for 2 years when traces are kept 730 days', () => {
    expectCompliant(
      RULE,
      (stack) => {
        rawArchive(stack, { objectLockEnabled: 'Enabled', rule: { defaultRetention: { mode: 'GOVERNANCE', years: 2 } } });
        rawTrail(stack, 'hds-trail-archive');
      },
      new HdsChecks(undefined, { options: { minTraceRetentionDays: 730 } }),
    );
  });

  it('P3: a raw L1 trail naming the locked bucket by its literal name', () => {
    expectCompliant(RULE, (stack) => {
      rawArchive(stack, LOCKED);
      rawTrail(stack, 'hds-trail-archive');
    });
  });

  it('P4: a foreign template (CfnInclude) whose trail refers to its locked bucket with Ref', () => {
    expectCompliant(RULE, (stack) => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'log03-')), 'template.json');
      fs.writeFileSync(
        file,
        JSON.stringify({
          Resources: {
            Archive: {
              Type: 'AWS::S3::Bucket',
              Properties: {
                ObjectLockEnabled: true,
                ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } },
                VersioningConfiguration: { Status: 'Enabled' },
              },
            },
            Trail: { Type: 'AWS::CloudTrail::Trail', Properties: { IsLogging: true, S3BucketName: { Ref: 'Archive' } } },
          },
        }),
      );
      new cfninc.CfnInclude(stack, 'Foreign', { templateFile: file });
    });
  });

  it('P5: buckets no trail writes to are not judged by this rule', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Plain'));
  });
});
