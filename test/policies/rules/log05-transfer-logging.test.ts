import { Aws, Fn, Token, type Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LOG05_TRANSFER_LOGGING } from '../../../policies/rules/log/transfer-logging';
import { expectCompliant } from '../support';
import { expectNotEvaluated, parameterRef, secondStack } from './enc-fixtures';
import { expectNonCompliant, includeTemplate, verboseDescription } from './hds-fixtures';
import { compliantExchange, LOG_GROUP_ARN, sftpServer } from './transfer-fixtures';

const RULE = 'HDS-LOG05-TransferLogging';
const SERVER = 'TestStack/Server';

describe(`${RULE}: failing fixtures`, () => {
  it('F1: no StructuredLogDestinations', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { structuredLogDestinations: undefined }), [SERVER]);
  });

  it('F2: an empty StructuredLogDestinations (structured logging turned off)', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { structuredLogDestinations: [] }), [SERVER]);
  });

  it('F3: StructuredLogDestinations AWS::NoValue', () => {
    expectNonCompliant(RULE, (stack) => sftpServer(stack, { structuredLogDestinations: Token.asList(Aws.NO_VALUE) }), [SERVER]);
  });

  it('F4: a LoggingRole alone (the service logs to a group of its own, outside the template)', () => {
    expectNonCompliant(
      RULE,
      (stack) => sftpServer(stack, { structuredLogDestinations: undefined, loggingRole: 'arn:aws:iam::111111111111:role/transfer-logging' }),
      [SERVER],
    );
  });

  it('F5: a foreign template without structured logs', () => {
    expectNonCompliant(
      RULE,
      (stack) => includeTemplate(stack, { Server: { Type: 'AWS::Transfer::Server', Properties: { EndpointType: 'VPC' } } }),
      ['TestStack/Foreign/Server'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  const conditional = (stack: Stack) => sftpServer(stack, { structuredLogDestinations: Token.asList(Fn.conditionIf('Logged', [LOG_GROUP_ARN], Aws.NO_VALUE)) });
  const fromParameter = (stack: Stack) => sftpServer(stack, { structuredLogDestinations: Token.asList(Fn.split(',', parameterRef(stack))) });

  it('E1: destinations chosen by a condition', () => {
    expectNotEvaluated(LOG05_TRANSFER_LOGGING, conditional, [SERVER]);
  });

  it('E2: destinations split from a template parameter', () => {
    expectNotEvaluated(LOG05_TRANSFER_LOGGING, fromParameter, [SERVER]);
  });

  it.each([
    ['a condition (E1)', conditional],
    ['a parameter (E2)', fromParameter],
  ])('the verbose pack names the property it could not evaluate: %s', (_what, build) => {
    expect(verboseDescription(RULE, build)).toMatch(/TestStack\/Server StructuredLogDestinations/);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: a log group ARN', () => {
    expectCompliant(RULE, (stack) => sftpServer(stack));
  });

  it('P2: a log group of the same stack', () => {
    expectCompliant(RULE, (stack) => sftpServer(stack, { structuredLogDestinations: [new logs.LogGroup(stack, 'Logs').logGroupArn] }));
  });

  it('P3: a log group of another stack (a cross-stack reference)', () => {
    expectCompliant(RULE, (stack, app) => sftpServer(stack, { structuredLogDestinations: [new logs.LogGroup(secondStack(app), 'Logs').logGroupArn] }));
  });

  it('P4: a foreign template with a log group of its own', () => {
    expectCompliant(RULE, (stack) =>
      includeTemplate(stack, {
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } },
        Server: { Type: 'AWS::Transfer::Server', Properties: { StructuredLogDestinations: [{ 'Fn::GetAtt': ['Logs', 'Arn'] }] } },
      }),
    );
  });

  it.each(['L1', 'L2'] as const)('P5: a whole compliant exchange (server, user, %s bucket)', (kind) => {
    expectCompliant(RULE, compliantExchange(kind));
  });
});
