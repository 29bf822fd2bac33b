import { Aws, CfnCondition, Fn, Stack, Token, type App } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance } from 'cdk-nag';
import { RES02_KMS_MULTI_REGION } from '../../../policies/rules/res/kms-multi-region';
import {
  ACCOUNT,
  PARIS_ONLY,
  REFUSED_REGIONS,
  expectCompliantResources,
  expectEvaluationError,
  expectNotApplicable,
  expectNonCompliant,
  parameterRef,
  stackIn,
  verboseDescription,
  verdicts,
} from './res-fixtures';

const RULE = RES02_KMS_MULTI_REGION;
const POLICY = { Version: '2012-10-17', Statement: [] };

const keyArn = (region: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;

/** A raw L1 replica key of `primaryKeyArn`, as a foreign template declares it. */
function replicaKey(stack: Stack, primaryKeyArn: string, id = 'Replica'): kms.CfnReplicaKey {
  return new kms.CfnReplicaKey(stack, id, { primaryKeyArn, keyPolicy: POLICY });
}

/** A multi-Region primary key in `region` and a replica of it in eu-west-3, referring to it across regions. */
function primaryAndReplica(app: App, region: string): void {
  const far = new Stack(app, 'Far', { env: { account: ACCOUNT, region }, crossRegionReferences: true });
  const paris = new Stack(app, 'Paris', { env: { account: ACCOUNT, region: 'eu-west-3' }, crossRegionReferences: true });
  const primary = new kms.Key(far, 'Primary', { multiRegion: true, enableKeyRotation: true });
  replicaKey(paris, primary.keyArn);
}

describe(`HDS-${RULE.id}: failing fixtures`, () => {
  it('F1: a multi-Region key (kms.Key multiRegion: true), in an allowed region', () => {
    expectNonCompliant(RULE, (stack) => void new kms.Key(stack, 'Key', { multiRegion: true, enableKeyRotation: true }), ['TestStack/Key/Resource']);
  });

  it("F2: a raw L1 key with MultiRegion 'true' (a string, as a template may write it)", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const key = new kms.CfnKey(stack, 'Key', { keyPolicy: POLICY });
        key.addPropertyOverride('MultiRegion', 'true');
      },
      ['TestStack/Key'],
    );
  });

  it.each(REFUSED_REGIONS)('F3: a replica key in a stack in %s, of a primary key in eu-west-3', (region) => {
    expectNonCompliant(RULE, (_stack, app) => void replicaKey(stackIn(app, 'Far', region), keyArn('eu-west-3')), ['Far/Replica']);
  });

  it.each(REFUSED_REGIONS)('F4: a replica key in eu-west-3 of a primary key whose literal ARN is in %s', (region) => {
    expectNonCompliant(RULE, (stack) => void replicaKey(stack, keyArn(region)), ['TestStack/Replica']);
  });

  it('F5: a replica key in eu-west-3 of a multi-Region key of the app in eu-west-2 (a cross-region reference): both are reported', () => {
    expectNonCompliant(RULE, (_stack, app) => primaryAndReplica(app, 'eu-west-2'), ['Far/Primary/Resource', 'Paris/Replica']);
  });

  it('F6: a primary key ARN built with Fn::Join and AWS::Region, for a replica key in a stack in eu-central-2', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => {
        const zurich = stackIn(app, 'Zurich', 'eu-central-2');
        replicaKey(zurich, Fn.join(':', ['arn', Aws.PARTITION, 'kms', Aws.REGION, Aws.ACCOUNT_ID, 'key/mrk-1']));
      },
      ['Zurich/Replica'],
    );
  });

  it('F7: a replica key in eu-west-1, an HDS region, when the deployment allows only eu-west-3', () => {
    expectNonCompliant(RULE, (_stack, app) => void replicaKey(stackIn(app, 'Ireland', 'eu-west-1'), keyArn('eu-west-3')), ['Ireland/Replica'], PARIS_ONLY);
  });
});

describe(`HDS-${RULE.id}: fixtures that cannot be evaluated`, () => {
  it('E1: MultiRegion given by a template parameter', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        const key = new kms.CfnKey(stack, 'Key', { keyPolicy: POLICY });
        key.addPropertyOverride('MultiRegion', parameterRef(stack));
      },
      'TestStack/Key',
    );
  });

  it('E2: MultiRegion behind an Fn::If', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        const global = new CfnCondition(stack, 'Global', { expression: Fn.conditionEquals(Aws.REGION, 'eu-west-3') });
        new kms.CfnKey(stack, 'Key', { keyPolicy: POLICY, multiRegion: Token.asAny(Fn.conditionIf(global.logicalId, true, false)) });
      },
      'TestStack/Key',
    );
  });

  it('E3: a replica key in an environment-agnostic stack', () => {
    expectEvaluationError(RULE, (_stack, app) => void replicaKey(stackIn(app, 'Unpinned', undefined), keyArn('eu-west-3')), 'Unpinned/Replica');
  });

  it('E4: a replica key whose primary key ARN is a template parameter', () => {
    expectEvaluationError(RULE, (stack) => void replicaKey(stack, parameterRef(stack)), 'TestStack/Replica');
  });

  it('E5: the reason is in the description when the pack is verbose', () => {
    expect(verboseDescription(RULE, (stack) => void replicaKey(stack, parameterRef(stack)))).toMatch(
      /^Rule threw an error during validation\. \[RES-02\] region of the primary key of replica key TestStack\/Replica cannot be evaluated/,
    );
  });

  it('E6: a replica key whose primary key ARN has no region field', () => {
    expectEvaluationError(RULE, (stack) => void replicaKey(stack, `arn:aws:kms::${ACCOUNT}:key/mrk-1`), 'TestStack/Replica');
  });

  it('E7: the verbose description names a MultiRegion that cannot be evaluated', () => {
    expect(
      verboseDescription(RULE, (stack) => {
        new kms.CfnKey(stack, 'Key', { keyPolicy: POLICY }).addPropertyOverride('MultiRegion', parameterRef(stack));
      }),
    ).toMatch(/\[RES-02\] MultiRegion of key TestStack\/Key cannot be evaluated/);
  });
});

describe(`HDS-${RULE.id}: passing fixtures`, () => {
  it('P1: single-Region keys: kms.Key by default, multiRegion: false, raw L1 without MultiRegion', () => {
    expectCompliantResources(
      RULE,
      (stack) => {
        new kms.Key(stack, 'Default', { enableKeyRotation: true });
        new kms.Key(stack, 'SingleRegion', { multiRegion: false, enableKeyRotation: true });
        new kms.CfnKey(stack, 'Raw', { keyPolicy: POLICY });
      },
      ['TestStack/Default/Resource', 'TestStack/Raw', 'TestStack/SingleRegion/Resource'],
    );
  });

  it('P2: a replica key in eu-west-1 of a primary key whose literal ARN is in eu-west-3', () => {
    expectCompliantResources(RULE, (_stack, app) => void replicaKey(stackIn(app, 'Ireland', 'eu-west-1'), keyArn('eu-west-3')), [
      'Ireland/Replica',
    ]);
  });

  it('P3: a primary key ARN built with Fn::Sub and ${AWS::Region}, for a replica key in eu-west-3', () => {
    expectCompliantResources(
      RULE,
      (stack) => void replicaKey(stack, Fn.sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/mrk-1')),
      ['TestStack/Replica'],
    );
  });

  it('P4: a replica key of a primary key of the app in eu-west-1 (a cross-region reference); the primary is still reported', () => {
    expectNonCompliant(RULE, (_stack, app) => primaryAndReplica(app, 'eu-west-1'), ['Far/Primary/Resource']);
    expect(verdicts(RULE, (_stack, app) => primaryAndReplica(app, 'eu-west-1'))['Paris/Replica']).toBe(NagRuleCompliance.COMPLIANT);
  });

  it('P5: an alias is not a key (not applicable)', () => {
    expectNotApplicable(RULE, (stack) => void new kms.CfnAlias(stack, 'Alias', { aliasName: 'alias/hds', targetKeyId: 'mrk-1' }));
  });

  it("P6: a raw key whose MultiRegion is the string 'false' (as a template may spell it)", () => {
    expectCompliantResources(RULE, (stack) => void new kms.CfnKey(stack, 'Key', { keyPolicy: POLICY }).addPropertyOverride('MultiRegion', 'false'), ['TestStack/Key']);
  });
});
