import { CfnDeletionPolicy, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { PlatformKeys } from '../../../lib/constructs/platform-keys';
import { expectCompliant, expectFindings } from '../support';

const RULE = 'HDS-ENC01-KeyRetained';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a kms.Key with removalPolicy DESTROY', () => {
    expectFindings(RULE, (stack) => new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY }), ['TestStack/Key/Resource']);
  });

  it('F2: a raw CfnKey with no DeletionPolicy (CloudFormation deletes it)', () => {
    expectFindings(RULE, (stack) => new kms.CfnKey(stack, 'Key', {}), ['TestStack/Key']);
  });

  it('F3: DeletionPolicy Retain but UpdateReplacePolicy Delete', () => {
    expectFindings(
      RULE,
      (stack) => {
        const key = new kms.CfnKey(stack, 'Key', {});
        key.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN;
        key.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.DELETE;
      },
      ['TestStack/Key'],
    );
  });

  it('F4: UpdateReplacePolicy Retain but DeletionPolicy RetainExceptOnCreate', () => {
    expectFindings(
      RULE,
      (stack) => {
        const key = new kms.CfnKey(stack, 'Key', {});
        key.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
        key.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
      },
      ['TestStack/Key'],
    );
  });

  it('F5: a replica key with no DeletionPolicy', () => {
    expectFindings(
      RULE,
      (stack) => new kms.CfnReplicaKey(stack, 'Replica', { primaryKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab', keyPolicy: {} }),
      ['TestStack/Replica'],
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a kms.Key with removalPolicy RETAIN', () => {
    expectCompliant(RULE, (stack) => new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.RETAIN }));
  });

  it('P2: a raw CfnKey with both policies Retain', () => {
    expectCompliant(RULE, (stack) => new kms.CfnKey(stack, 'Key', {}).applyRemovalPolicy(RemovalPolicy.RETAIN));
  });

  it("P3: the platform's keys (PlatformKeys)", () => {
    expectCompliant(RULE, (stack) => new PlatformKeys(stack, 'Keys', { aliasPrefix: 'hds' }));
  });
});
