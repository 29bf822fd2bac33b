import { Fn, Token, type IResolvable, type Stack } from 'aws-cdk-lib';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

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

  it("F7: Enable is the string 'false' (an override, as a JSON template may write it)", () => {
    expectNonCompliant(RULE, (stack) => detector(stack).addPropertyOverride('Enable', 'false'), [DETECTOR]);
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

  it("P5: Enable is the string 'true' (an override, as a JSON template may write it)", () => {
    expectCompliant(RULE, (stack) => detector(stack).addPropertyOverride('Enable', 'true'));
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  const UNEVALUABLE: [string, FixtureBuilder, RegExp][] = [
    [
      'E1: Enable from a template parameter',
      (stack) => detector(stack, ALL, { enable: Token.asAny(parameter(stack).value) as unknown as boolean }),
      /TestStack\/Detector Enable cannot be evaluated at synth: \{"Ref":"Param"\}/,
    ],
    [
      'E2: a feature status from a template parameter',
      (stack) => detector(stack, { ...ALL, S3_DATA_EVENTS: parameter(stack).valueAsString }),
      /TestStack\/Detector Features S3_DATA_EVENTS Status cannot be evaluated/,
    ],
    [
      'E3: the list of features chosen by an Fn::If',
      (stack) => detector(stack, ALL, { features: Fn.conditionIf('Chosen', [], []) as IResolvable }),
      /TestStack\/Detector Features cannot be evaluated/,
    ],
    [
      'E4: the name of a feature from a template parameter (it may name a required one, DISABLED)',
      (stack) => detector(stack, { ...ALL, [parameter(stack).valueAsString]: 'DISABLED' }),
      /TestStack\/Detector Features Name cannot be evaluated/,
    ],
    [
      'E5: the legacy S3Logs data source from a template parameter, no S3_DATA_EVENTS feature',
      (stack) =>
        detector(
          stack,
          { RDS_LOGIN_EVENTS: 'ENABLED', EBS_MALWARE_PROTECTION: 'ENABLED' },
          { dataSources: { s3Logs: { enable: Token.asAny(parameter(stack).value) as unknown as boolean } } },
        ),
      /TestStack\/Detector DataSources\.S3Logs\.Enable cannot be evaluated/,
    ],
  ];

  it.each(UNEVALUABLE)('%s: could not be evaluated, and the verbose pack names the property', (_what, build, reason) => {
    expectEvaluationErrors(RULE, build, [DETECTOR]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });
});
