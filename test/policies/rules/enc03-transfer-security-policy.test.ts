import { Fn, type Stack } from 'aws-cdk-lib';
import { CURRENT_SECURITY_POLICIES, ENC03_TRANSFER_SECURITY_POLICY } from '../../../policies/rules/enc/transfer-security-policy';
import { expectCompliant } from '../support';
import { expectNotEvaluated, parameterRef } from './enc-fixtures';
import { expectNonCompliant, includeTemplate, verboseDescription } from './hds-fixtures';
import { compliantExchange, sftpServer } from './transfer-fixtures';

const RULE = 'HDS-ENC03-TransferSecurityPolicy';
const SERVER = 'TestStack/Server';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: no security policy (CloudFormation assigns TransferSecurityPolicy-2018-11)', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { securityPolicyName: undefined }), [SERVER]);
  });

  it.each([
    ['F2', 'TransferSecurityPolicy-2018-11', 'the CloudFormation default, named'],
    ['F3', 'TransferSecurityPolicy-2023-05', 'the last policy before 2024'],
    ['F4', 'TransferSecurityPolicy-FIPS-2024-01', 'FIPS 2024 that still allows ssh-rsa (SHA-1)'],
    ['F5', 'TransferSecurityPolicy-PQ-SSH-FIPS-Experimental-2023-04', 'the deprecated experimental post-quantum policy'],
    ['F6', 'TransferSecurityPolicy-Restricted-2024-06', 'a 2024 policy not reviewed'],
    ['F7', 'TransferSecurityPolicy-2099-01', 'a name nobody reviewed'],
  ])('%s: %s (%s)', (_n, policy) => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { securityPolicyName: policy }), [SERVER]);
  });

  it('F8: a current policy, but FTP offered beside SFTP', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { protocols: ['SFTP', 'FTP'] }), [SERVER]);
  });

  it('F9: FTP alone', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { protocols: ['FTP'] }), [SERVER]);
  });

  it('F10: FTP offered, and a policy from a template parameter: non-compliant, not "could not be evaluated"', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { protocols: ['FTP'], securityPolicyName: parameterRef(stack) }), [SERVER]);
  });

  it('F11: an old policy, and protocols chosen by a condition: non-compliant', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        sftpServer(stack, {
          securityPolicyName: 'TransferSecurityPolicy-2020-06',
          protocols: Fn.split(',', Fn.conditionIf('Ftps', 'SFTP,FTPS', 'SFTP').toString()),
        }),
      [SERVER],
    );
  });

  it('F12: FTP after a protocol from a parameter (the literal FTP decides)', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { protocols: [parameterRef(stack), 'FTP'] }), [SERVER]);
  });

  it('F13: a foreign template with the default policy', () => {
    expectNonCompliant(
      RULE,
      (stack) => includeTemplate(stack, { Server: { Type: 'AWS::Transfer::Server', Properties: { Protocols: ['SFTP'] } } }),
      ['TestStack/Foreign/Server'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a security policy from a template parameter', () => {
    expectNotEvaluated(ENC03_TRANSFER_SECURITY_POLICY, (stack) => sftpServer(stack, { securityPolicyName: parameterRef(stack) }), [SERVER]);
  });

  it('E2: protocols chosen by a condition', () => {
    expectNotEvaluated(
      ENC03_TRANSFER_SECURITY_POLICY,
      (stack) => sftpServer(stack, { protocols: Fn.split(',', Fn.conditionIf('Ftp', 'SFTP,FTP', 'SFTP').toString()) }),
      [SERVER],
    );
  });

  it('E3: one protocol from a template parameter', () => {
    expectNotEvaluated(ENC03_TRANSFER_SECURITY_POLICY, (stack) => sftpServer(stack, { protocols: ['SFTP', parameterRef(stack)] }), [SERVER]);
  });

  it.each([
    ['the policy (E1)', (stack: Stack) => sftpServer(stack, { securityPolicyName: parameterRef(stack) }), /TestStack\/Server SecurityPolicyName/],
    ['the protocols (E2)', (stack: Stack) => sftpServer(stack, { protocols: Fn.split(',', Fn.conditionIf('Ftp', 'SFTP,FTP', 'SFTP').toString()) }), /TestStack\/Server Protocols /],
    ['one protocol (E3)', (stack: Stack) => sftpServer(stack, { protocols: ['SFTP', parameterRef(stack)] }), /TestStack\/Server Protocols\[1\]/],
  ])('the verbose pack names the property it could not evaluate: %s', (_what, build, property) => {
    expect(verboseDescription(RULE, build)).toMatch(property);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it.each([...CURRENT_SECURITY_POLICIES].map((policy, i) => [`P${i + 1}`, policy]))('%s: %s', (_n, policy) => {
    expectCompliant(RULE, (stack) => sftpServer(stack, { securityPolicyName: policy }));
  });

  it('P7: no Protocols (CloudFormation offers SFTP alone)', () => {
    expectCompliant(RULE, (stack) => sftpServer(stack, { protocols: undefined }));
  });

  it('P8: SFTP and FTPS', () => {
    expectCompliant(RULE, (stack) => sftpServer(stack, { protocols: ['SFTP', 'FTPS'], certificate: 'arn:aws:acm:eu-west-3:111111111111:certificate/0a1b2c3d' }));
  });

  it('P9: a foreign template with a current policy', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Server: { Type: 'AWS::Transfer::Server', Properties: { Protocols: ['SFTP'], SecurityPolicyName: 'TransferSecurityPolicy-FIPS-2025-03' } },
      }),
    );
  });

  it.each(['L1', 'L2'] as const)('P10: a whole compliant exchange (server, user, %s bucket)', (kind) => {
    expectCompliant(RULE, compliantExchange(kind));
  });

  it('the allow-list is the reviewed one (a change here is a reviewed diff)', () => {
    expect([...CURRENT_SECURITY_POLICIES].sort()).toStrictEqual([
      'TransferSecurityPolicy-2024-01',
      'TransferSecurityPolicy-2025-03',
      'TransferSecurityPolicy-AS2Restricted-2025-07',
      'TransferSecurityPolicy-FIPS-2024-05',
      'TransferSecurityPolicy-FIPS-2025-03',
      'TransferSecurityPolicy-SshAuditCompliant-2025-02',
    ]);
  });
});
