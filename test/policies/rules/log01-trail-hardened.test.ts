import { Aws, CfnParameter, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expectCompliant } from '../support';
import { expectEvaluationError, expectEvaluationErrorNaming, expectNonCompliant } from './log-support';

const RULE = 'HDS-LOG01-TrailHardened';

/** A trail hardened the way AuditTrail builds it, with `props` on top. */
function trail(stack: Stack, props: Partial<cloudtrail.TrailProps> = {}): cloudtrail.Trail {
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  return new cloudtrail.Trail(stack, 'Trail', {
    bucket: new s3.Bucket(stack, 'Archive', { removalPolicy: RemovalPolicy.RETAIN }),
    encryptionKey: key,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableFileValidation: true,
    sendToCloudWatchLogs: true,
    cloudWatchLogGroup: new logs.LogGroup(stack, 'Logs', { encryptionKey: key }),
    ...props,
  });
}

function cfn(t: cloudtrail.Trail): cloudtrail.CfnTrail {
  return t.node.defaultChild as cloudtrail.CfnTrail;
}

/** A trail as a foreign template would declare it: every LOG-01 setting explicit. */
function rawTrail(stack: Stack, props: Partial<cloudtrail.CfnTrailProps> = {}): cloudtrail.CfnTrail {
  return new cloudtrail.CfnTrail(stack, 'RawTrail', {
    isLogging: true,
    s3BucketName: 'archive-bucket',
    isMultiRegionTrail: true,
    enableLogFileValidation: true,
    includeGlobalServiceEvents: true,
    kmsKeyId: 'arn:aws:kms:eu-west-3:111111111111:key/11111111-2222-3333-4444-555555555555',
    cloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-3:111111111111:log-group:trail:*',
    cloudWatchLogsRoleArn: 'arn:aws:iam::111111111111:role/trail-logs',
    ...props,
  });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a single-region trail', () => {
    expectNonCompliant(RULE, (stack) => trail(stack, { isMultiRegionTrail: false }), ['TestStack/Trail/Resource']);
  });

  it('F2: log file validation off', () => {
    expectNonCompliant(RULE, (stack) => trail(stack, { enableFileValidation: false }), ['TestStack/Trail/Resource']);
  });

  it('F3: global service events (IAM, STS) excluded', () => {
    expectNonCompliant(RULE, (stack) => trail(stack, { includeGlobalServiceEvents: false }), ['TestStack/Trail/Resource']);
  });

  it('F4: no KMS key (log files encrypted with SSE-S3 only)', () => {
    expectNonCompliant(RULE, (stack) => trail(stack, { encryptionKey: undefined }), ['TestStack/Trail/Resource']);
  });

  it('F5: not delivered to CloudWatch Logs', () => {
    expectNonCompliant(RULE, (stack) => trail(stack, { sendToCloudWatchLogs: false, cloudWatchLogGroup: undefined }), ['TestStack/Trail/Resource']);
  });

  it('F6: a trail that is not logging (raw L1, IsLogging false)', () => {
    expectNonCompliant(RULE, (stack) => rawTrail(stack, { isLogging: false }), ['TestStack/RawTrail']);
  });

  it('F7: the KMS key removed by an escape-hatch override (the rendered template is what counts)', () => {
    expectNonCompliant(RULE, (stack) => cfn(trail(stack)).addPropertyDeletionOverride('KMSKeyId'), ['TestStack/Trail/Resource']);
  });

  it('F8: a raw L1 trail that leaves multi-region and log file validation to their defaults (false)', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawTrail(stack, { isMultiRegionTrail: undefined, enableLogFileValidation: undefined }),
      ['TestStack/RawTrail'],
    );
  });

  it('F9: IsMultiRegionTrail from a template parameter cannot be evaluated: an evaluation error, never compliant', () => {
    expectEvaluationError(RULE, (stack) => {
      const multiRegion = new CfnParameter(stack, 'MultiRegion', { type: 'String', allowedValues: ['true', 'false'] });
      rawTrail(stack).addPropertyOverride('IsMultiRegionTrail', multiRegion.valueAsString);
    }, 'TestStack/RawTrail');
  });

  it('F10: a definite failure is reported as such even when another setting cannot be evaluated', () => {
    expectNonCompliant(RULE, (stack) => {
      const logging = new CfnParameter(stack, 'Logging', { type: 'String', allowedValues: ['true', 'false'] });
      rawTrail(stack, { isMultiRegionTrail: false }).addPropertyOverride('IsLogging', logging.valueAsString);
    }, ['TestStack/RawTrail']);
  });

  it('F11: a KMS key chosen by a condition (Fn::If with AWS::NoValue) cannot be evaluated: an evaluation error', () => {
    expectEvaluationError(RULE, (stack) => {
      rawTrail(stack).addPropertyOverride('KMSKeyId', Fn.conditionIf('Encrypted', 'arn:aws:kms:eu-west-3:111111111111:key/1', Aws.NO_VALUE));
    }, 'TestStack/RawTrail');
  });
});

describe(`${RULE}: not evaluated`, () => {
  it.each(['IsMultiRegionTrail', 'IncludeGlobalServiceEvents', 'EnableLogFileValidation', 'KMSKeyId', 'CloudWatchLogsLogGroupArn', 'IsLogging'])(
    'E1: %s chosen by a condition: could not be evaluated, and the verbose pack names it',
    (property) => {
      expectEvaluationErrorNaming(
        RULE,
        (stack) => rawTrail(stack).addPropertyOverride(property, Fn.conditionIf('Hardened', true, false)),
        'TestStack/RawTrail',
        new RegExp(`TestStack/RawTrail ${property} cannot be evaluated`),
      );
    },
  );
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: the hardened trail (as AuditTrail builds it)', () => {
    expectCompliant(RULE, (stack) => trail(stack));
  });

  it('P2: a raw L1 trail with every setting, booleans as strings as a YAML template may write them', () => {
    expectCompliant(RULE, (stack) => {
      const raw = rawTrail(stack);
      for (const name of ['IsLogging', 'IsMultiRegionTrail', 'EnableLogFileValidation', 'IncludeGlobalServiceEvents']) {
        raw.addPropertyOverride(name, 'true');
      }
    });
  });

  it('P3: IncludeGlobalServiceEvents absent (CloudFormation default true)', () => {
    expectCompliant(RULE, (stack) => rawTrail(stack, { includeGlobalServiceEvents: undefined }));
  });

  it('P4: resources that are not trails are not applicable', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket'));
  });
});
