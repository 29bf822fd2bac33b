import { Fn, Stack, Token, type App } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import type { Construct } from 'constructs';
import { expectCompliant, type FixtureBuilder } from '../support';
import { expectEvaluationErrors, expectNonCompliant, includeTemplate, parameter, verboseDescription } from './hds-fixtures';

const RULE = 'HDS-DET02-SecurityHubStandards';
const HUB = 'TestStack/Hub';
const RECORDER = 'TestStack/Recorder';
const ROLE = 'arn:aws:iam::111111111111:role/config';

const FSBP = Fn.sub('arn:${AWS::Partition}:securityhub:${AWS::Region}::standards/aws-foundational-security-best-practices/v/1.0.0');
const CIS = Fn.sub('arn:${AWS::Partition}:securityhub:${AWS::Region}::standards/cis-aws-foundations-benchmark/v/1.4.0');
const CIS_LEGACY = 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0';

function hub(scope: Construct): securityhub.CfnHub {
  return new securityhub.CfnHub(scope, 'Hub', {});
}

function standards(scope: Construct, ...arns: string[]): void {
  arns.forEach((standardsArn, i) => new securityhub.CfnStandard(scope, `Standard${i}`, { standardsArn }));
}

function recorder(scope: Construct, recordingGroup?: config.CfnConfigurationRecorder.RecordingGroupProperty): config.CfnConfigurationRecorder {
  return new config.CfnConfigurationRecorder(scope, 'Recorder', { roleArn: ROLE, recordingGroup });
}

function otherStack(app: App, region: string): Stack {
  return new Stack(app, 'Other', { env: { account: '111111111111', region } });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a hub and no standard', () => {
    expectNonCompliant(RULE, (stack) => hub(stack), [HUB]);
  });

  it('F2: a hub with AWS Foundational Security Best Practices only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        hub(stack);
        standards(stack, FSBP);
      },
      [HUB],
    );
  });

  it('F3: a hub with CIS only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        hub(stack);
        standards(stack, CIS);
      },
      [HUB],
    );
  });

  it("F4: both standards, enabled in another region than the hub's", () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        hub(stack);
        standards(otherStack(app, 'eu-west-1'), FSBP, CIS);
      },
      [HUB],
    );
  });

  it('F5: a recorder that records no resource type (AllSupported false, no list)', () => {
    expectNonCompliant(RULE, (stack) => recorder(stack, { allSupported: false, includeGlobalResourceTypes: false }), [RECORDER]);
  });

  it('F6: a recorder whose strategy is a list, with AllSupported true but no types', () => {
    expectNonCompliant(
      RULE,
      (stack) => recorder(stack, { allSupported: true, recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' } }),
      [RECORDER],
    );
  });

  it('F7: a foreign template hub with the foundational standard only', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          Hub: { Type: 'AWS::SecurityHub::Hub', Properties: {} },
          Fsbp: {
            Type: 'AWS::SecurityHub::Standard',
            Properties: { StandardsArn: { 'Fn::Sub': 'arn:aws:securityhub:${AWS::Region}::standards/aws-foundational-security-best-practices/v/1.0.0' } },
          },
        }),
      ['TestStack/Foreign/Hub'],
    );
  });

  it('F8: a recorder whose strategy is an exclusion list, with no type excluded', () => {
    expectNonCompliant(RULE, (stack) => recorder(stack, { allSupported: false, recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' } }), [RECORDER]);
  });

  it('F9: a recorder with a list of types whose strategy says every type while AllSupported is false', () => {
    expectNonCompliant(
      RULE,
      (stack) => recorder(stack, { allSupported: false, resourceTypes: ['AWS::S3::Bucket'], recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } }),
      [RECORDER],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a hub with the foundational standard and CIS 1.4 (Fn::Sub with the region)', () => {
    expectCompliant(RULE, (stack) => {
      hub(stack);
      standards(stack, FSBP, CIS);
    });
  });

  it('P2: the legacy CIS 1.2 ruleset ARN counts as CIS', () => {
    expectCompliant(RULE, (stack) => {
      hub(stack);
      standards(stack, FSBP, CIS_LEGACY);
    });
  });

  it('P3: the standards in another stack of the same region', () => {
    expectCompliant(RULE, (stack, app) => {
      hub(stack);
      standards(otherStack(app, 'eu-west-3'), FSBP, CIS);
    });
  });

  it('P4: a recorder of every supported type', () => {
    expectCompliant(RULE, (stack) => recorder(stack, { allSupported: true, includeGlobalResourceTypes: true }));
  });

  it('P5: a recorder of a declared list of types', () => {
    expectCompliant(RULE, (stack) =>
      recorder(stack, {
        allSupported: false,
        resourceTypes: ['AWS::S3::Bucket', 'AWS::RDS::DBCluster'],
        recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
      }),
    );
  });

  it('P6: a recorder with no recording group (AWS Config records every supported type)', () => {
    expectCompliant(RULE, (stack) => recorder(stack));
  });

  it('P7: a recorder of every type but a declared exclusion list', () => {
    expectCompliant(RULE, (stack) =>
      recorder(stack, {
        allSupported: false,
        exclusionByResourceTypes: { resourceTypes: ['AWS::EC2::NetworkInterface'] },
        recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
      }),
    );
  });

  it('P8: a foreign template hub with both standards', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Hub: { Type: 'AWS::SecurityHub::Hub', Properties: {} },
        Fsbp: {
          Type: 'AWS::SecurityHub::Standard',
          Properties: { StandardsArn: { 'Fn::Sub': 'arn:aws:securityhub:${AWS::Region}::standards/aws-foundational-security-best-practices/v/1.0.0' } },
        },
        Cis: {
          Type: 'AWS::SecurityHub::Standard',
          Properties: { StandardsArn: { 'Fn::Sub': 'arn:aws:securityhub:${AWS::Region}::standards/cis-aws-foundations-benchmark/v/3.0.0' } },
        },
      }),
    );
  });

  it('P9: both standards, and a third one whose ARN comes from a template parameter (not needed to judge)', () => {
    expectCompliant(RULE, (stack) => {
      hub(stack);
      standards(stack, FSBP, CIS, parameter(stack).valueAsString);
    });
  });

  it('P10: a recorder of a declared list, with neither AllSupported nor a strategy', () => {
    expectCompliant(RULE, (stack) => recorder(stack, { resourceTypes: ['AWS::S3::Bucket'] }));
  });

  it('P11: a recorder of every supported type, with the strategy ALL_SUPPORTED_RESOURCE_TYPES', () => {
    expectCompliant(RULE, (stack) => recorder(stack, { allSupported: true, recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } }));
  });

  it("P12: AllSupported is the string 'true' (an override, as a JSON template may write it)", () => {
    expectCompliant(RULE, (stack) => recorder(stack, { allSupported: true }).addPropertyOverride('RecordingGroup.AllSupported', 'true'));
  });

  it("P13: AllSupported is the string 'false', with a declared list", () => {
    expectCompliant(RULE, (stack) =>
      recorder(stack, { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] }).addPropertyOverride('RecordingGroup.AllSupported', 'false'),
    );
  });
});

describe(`${RULE}: values that cannot be evaluated`, () => {
  const list = (stack: Stack) => parameter(stack, 'Types', 'CommaDelimitedList').valueAsList;
  const UNEVALUABLE: [string, FixtureBuilder, string, RegExp][] = [
    [
      'E1: the CIS standard ARN from a template parameter',
      (stack) => {
        hub(stack);
        standards(stack, FSBP, parameter(stack).valueAsString);
      },
      HUB,
      /\[DET-02\] Security Hub standards could not be evaluated: TestStack\/Standard1 StandardsArn cannot be evaluated at synth: \{"Ref":"Param"\}/,
    ],
    [
      'E2: the recording strategy from a template parameter',
      (stack) => recorder(stack, { allSupported: false, resourceTypes: ['AWS::S3::Bucket'], recordingStrategy: { useOnly: parameter(stack).valueAsString } }),
      RECORDER,
      /TestStack\/Recorder RecordingStrategy\.UseOnly cannot be evaluated/,
    ],
    [
      'E3: AllSupported from a template parameter, with a declared list',
      (stack) => recorder(stack, { allSupported: Token.asAny(parameter(stack).value) as unknown as boolean, resourceTypes: ['AWS::S3::Bucket'] }),
      RECORDER,
      /TestStack\/Recorder RecordingGroup\.AllSupported cannot be evaluated/,
    ],
    [
      'E4: the list of recorded types from a template parameter',
      (stack) => recorder(stack, { allSupported: false, resourceTypes: list(stack) }),
      RECORDER,
      /TestStack\/Recorder RecordingGroup\.ResourceTypes cannot be evaluated/,
    ],
    [
      'E5: the list of excluded types from a template parameter',
      (stack) =>
        recorder(stack, {
          allSupported: false,
          exclusionByResourceTypes: { resourceTypes: list(stack) },
          recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
        }),
      RECORDER,
      /TestStack\/Recorder ExclusionByResourceTypes\.ResourceTypes cannot be evaluated/,
    ],
    [
      'E6: both standard ARNs from template parameters (every reason is given)',
      (stack) => {
        hub(stack);
        standards(stack, parameter(stack, 'Fsbp').valueAsString, parameter(stack, 'Cis').valueAsString);
      },
      HUB,
      /StandardsArn cannot be evaluated at synth: \{"Ref":"Fsbp"\}; TestStack\/Standard1 StandardsArn cannot be evaluated at synth: \{"Ref":"Cis"\}/,
    ],
  ];

  it.each(UNEVALUABLE)('%s: could not be evaluated, and the verbose pack names the property', (_what, build, path, reason) => {
    expectEvaluationErrors(RULE, build, [path]);
    expect(verboseDescription(RULE, build)).toMatch(reason);
  });
});
