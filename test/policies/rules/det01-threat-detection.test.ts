import { Token, type Stack } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter } from './hds-fixtures';

const RULE = 'HDS-DET01-ThreatDetection';
const DETECTOR = 'TestStack/Detector';

type Status = 'ENABLED' | 'DISABLED';
const ALL: Record<string, Status> = { S3_DATA_EVENTS: 'ENABLED', RDS_LOGIN_EVENTS: 'ENABLED', EBS_MALWARE_PROTECTION: 'ENABLED' };

function detector(stack: Stack, features: Record<string, string> = ALL, props: Partial<guardduty.CfnDetectorProps> = {}): guardduty.CfnDetector {
  return new guardduty.CfnDetector(stack, 'Detector', {
    enable: true,
    features: Object.entries(features).map(([name, status]) => ({ name, status })),
    ...props,
  });
}

const LEGACY: guardduty.CfnDetector.CFNDataSourceConfigurationsProperty = {
  s3Logs: { enable: true },
  malwareProtection: { scanEc2InstanceWithFindings: { ebsVolumes: true } },
};

describe(`${RULE}: failing fixtures`, () => {
  it('F1: the detector is disabled', () => {
    expectNonCompliant(RULE, (stack) => detector(stack, ALL, { enable: false }), [DETECTOR]);
  });

  it.each(Object.keys(ALL).map((f) => [f]))('F2: %s is not listed', (missing) => {
    expectNonCompliant(RULE, (stack) => detector(stack, Object.fromEntries(Object.entries(ALL).filter(([f]) => f !== missing))), [DETECTOR]);
  });

  it.each(Object.keys(ALL).map((f) => [f]))('F3: %s is DISABLED', (disabled) => {
    expectNonCompliant(RULE, (stack) => detector(stack, { ...ALL, [disabled]: 'DISABLED' }), [DETECTOR]);
  });

  it('F4: the legacy data sources (S3 logs, malware protection) without the RDS login events feature', () => {
    expectNonCompliant(RULE, (stack) => detector(stack, {}, { dataSources: LEGACY }), [DETECTOR]);
  });

  it('F5: a feature listed as DISABLED wins over its legacy data source', () => {
    expectNonCompliant(
      RULE,
      (stack) => detector(stack, { RDS_LOGIN_EVENTS: 'ENABLED', S3_DATA_EVENTS: 'DISABLED' }, { dataSources: LEGACY }),
      [DETECTOR],
    );
  });

  it('F6: a foreign template detector that is merely enabled', () => {
    expectNonCompliant(
      RULE,
      (stack) => includeTemplate(stack, { Detector: { Type: 'AWS::GuardDuty::Detector', Properties: { Enable: true } } }),
      ['TestStack/Foreign/Detector'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: enabled, with S3 data events, RDS login events and EBS malware protection', () => {
    expectCompliant(RULE, (stack) => detector(stack));
  });

  it('P2: the legacy data sources plus the RDS login events feature', () => {
    expectCompliant(RULE, (stack) => detector(stack, { RDS_LOGIN_EVENTS: 'ENABLED' }, { dataSources: LEGACY }));
  });

  it('P3: a foreign template detector with more features, booleans as strings', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Detector: {
          Type: 'AWS::GuardDuty::Detector',
          Properties: {
            Enable: 'true',
            Features: [...Object.keys(ALL), 'RUNTIME_MONITORING'].map((Name) => ({ Name, Status: 'ENABLED' })),
          },
        },
      }),
    );
  });

  it('P4: other resources are not judged (the platform has no detector of its own yet)', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket'));
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  it('E1: Enable from a template parameter', () => {
    expectEvaluationErrors(RULE, (stack) => detector(stack, ALL, { enable: Token.asAny(parameter(stack).value) as unknown as boolean }), [DETECTOR]);
  });

  it('E2: a feature status from a template parameter', () => {
    expectEvaluationErrors(RULE, (stack) => detector(stack, { ...ALL, S3_DATA_EVENTS: parameter(stack).valueAsString }), [DETECTOR]);
  });
});
