import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import { Fn, type Stack } from 'aws-cdk-lib';
import { ENC02_EFS_ENCRYPTED_WITH_CMK } from '../../../policies/rules/enc/efs-encrypted-with-cmk';
import { expectCompliant, expectFindings } from '../support';
import { cmk, expectNotEvaluated, KEY_ARN, parameterRef } from './enc-fixtures';

const RULE = 'HDS-ENC02-EfsEncryptedWithCmk';

function vpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a file system with default settings (encrypted with aws/elasticfilesystem)', () => {
    expectFindings(RULE, (stack) => new efs.FileSystem(stack, 'FileSystem', { vpc: vpc(stack) }), ['TestStack/FileSystem/Resource']);
  });

  it('F2: a raw CfnFileSystem, not encrypted', () => {
    expectFindings(RULE, (stack) => new efs.CfnFileSystem(stack, 'FileSystem', {}), ['TestStack/FileSystem']);
  });

  it('F3: a raw CfnFileSystem with a key but Encrypted false', () => {
    expectFindings(RULE, (stack) => new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: false, kmsKeyId: KEY_ARN }), ['TestStack/FileSystem']);
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a key from a template parameter', () => {
    expectNotEvaluated(ENC02_EFS_ENCRYPTED_WITH_CMK, (stack) => new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true, kmsKeyId: parameterRef(stack) }), ['TestStack/FileSystem'], /^KmsKeyId \(a parameter\) cannot be evaluated/);
  });

  it('E2: Encrypted chosen by a condition', () => {
    expectNotEvaluated(
      ENC02_EFS_ENCRYPTED_WITH_CMK,
      (stack) => new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true, kmsKeyId: KEY_ARN }).addPropertyOverride('Encrypted', Fn.conditionIf('Encrypt', true, false)),
      ['TestStack/FileSystem'],
      /^Encrypted cannot be evaluated/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a file system with kmsKey', () => {
    expectCompliant(RULE, (stack) => new efs.FileSystem(stack, 'FileSystem', { vpc: vpc(stack), encrypted: true, kmsKey: cmk(stack) }));
  });

  it('P2: a raw CfnFileSystem, encrypted with a literal key ARN', () => {
    expectCompliant(RULE, (stack) => new efs.CfnFileSystem(stack, 'FileSystem', { encrypted: true, kmsKeyId: KEY_ARN }));
  });
});
