import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { expectCompliant } from '../support';
import { expectEvaluationErrors, expectNonCompliant, isolatedVpc, otherStack, parameterRef, platformNetwork } from './net-fixtures';

const RULE = 'HDS-NET03-FlowLogsAll';
const ROLE = 'arn:aws:iam::111111111111:role/flow-logs';

function encryptedGroup(scope: Construct, id = 'FlowLogs'): logs.LogGroup {
  return new logs.LogGroup(scope, id, { encryptionKey: new kms.Key(scope, `${id}Key`, { enableKeyRotation: true }) });
}

function rawVpc(scope: Construct): ec2.CfnVPC {
  return new ec2.CfnVPC(scope, 'Vpc', { cidrBlock: '10.9.0.0/16' });
}

function rawFlowLog(scope: Construct, vpc: ec2.CfnVPC, props: Partial<ec2.CfnFlowLogProps>, id = 'FlowLog'): ec2.CfnFlowLog {
  return new ec2.CfnFlowLog(scope, id, { resourceId: vpc.ref, resourceType: 'VPC', trafficType: 'ALL', deliverLogsPermissionArn: ROLE, ...props });
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a VPC with no flow log', () => {
    expectNonCompliant(RULE, (stack) => isolatedVpc(stack), ['TestStack/Vpc/Resource']);
  });

  it('F2: a flow log of rejected traffic only', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        isolatedVpc(stack).addFlowLog('FlowLog', {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(encryptedGroup(stack)),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        });
      },
      ['TestStack/Vpc/Resource'],
    );
  });

  it('F3: a flow log of all traffic to a log group without KMS', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        isolatedVpc(stack).addFlowLog('FlowLog', {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(stack, 'Plain')),
          trafficType: ec2.FlowLogTrafficType.ALL,
        });
      },
      ['TestStack/Vpc/Resource'],
    );
  });

  it('F4: a flow log to Kinesis Data Firehose', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        rawFlowLog(stack, rawVpc(stack), {
          logDestinationType: 'kinesis-data-firehose',
          logDestination: 'arn:aws:firehose:eu-west-3:111111111111:deliverystream/flows',
        }),
      ['TestStack/Vpc'],
    );
  });

  it('F5: only the subnets have flow logs, not the VPC', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const vpc = isolatedVpc(stack);
        const group = encryptedGroup(stack);
        vpc.isolatedSubnets.forEach((subnet, i) =>
          new ec2.FlowLog(stack, `SubnetFlowLog${i}`, {
            resourceType: ec2.FlowLogResourceType.fromSubnet(subnet),
            destination: ec2.FlowLogDestination.toCloudWatchLogs(group),
          }),
        );
      },
      ['TestStack/Vpc/Resource'],
    );
  });

  it('F6: raw L1: LogGroupName the literal name of a log group of the app without KMS', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new logs.CfnLogGroup(stack, 'Group', { logGroupName: '/vpc/flows' });
        rawFlowLog(stack, rawVpc(stack), { logGroupName: '/vpc/flows' });
      },
      ['TestStack/Vpc'],
    );
  });

  it('F7: a flow log of another VPC does not cover this one', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        isolatedVpc(stack, 'Logged').addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(encryptedGroup(stack)) });
        isolatedVpc(stack, 'Unlogged');
      },
      ['TestStack/Unlogged/Resource'],
    );
  });
});

describe(`${RULE}: evaluation errors`, () => {
  it('E1: the traffic type given by a parameter', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawFlowLog(stack, rawVpc(stack), { trafficType: parameterRef(stack), logDestinationType: 's3', logDestination: 'arn:aws:s3:::flows' }),
      ['TestStack/Vpc'],
      /TrafficType cannot be evaluated/,
    );
  });

  it('E2: a log group name that names no log group of the app', () => {
    expectEvaluationErrors(
      RULE,
      (stack) => rawFlowLog(stack, rawVpc(stack), { logGroupName: '/existing/group' }),
      ['TestStack/Vpc'],
      /log destination \(not a log group of the app\).*\/existing\/group/,
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it("P1: the platform's PrivateNetwork", () => {
    expectCompliant(RULE, (stack) => platformNetwork(stack));
  });

  it('P2: a flow log of all traffic to S3', () => {
    expectCompliant(RULE, (stack) => {
      isolatedVpc(stack).addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toS3(new s3.Bucket(stack, 'Flows')) });
    });
  });

  it('P3: raw L1: LogDestination the ARN of a KMS-encrypted log group', () => {
    expectCompliant(RULE, (stack) => {
      const group = new logs.CfnLogGroup(stack, 'Group', { kmsKeyId: 'arn:aws:kms:eu-west-3:111111111111:key/abc' });
      rawFlowLog(stack, rawVpc(stack), { logDestinationType: 'cloud-watch-logs', logDestination: group.attrArn });
    });
  });

  it('P4: raw L1: LogGroupName the literal name of a KMS-encrypted log group of the app', () => {
    expectCompliant(RULE, (stack) => {
      new logs.CfnLogGroup(stack, 'Group', { logGroupName: '/vpc/flows', kmsKeyId: 'arn:aws:kms:eu-west-3:111111111111:key/abc' });
      rawFlowLog(stack, rawVpc(stack), { logGroupName: '/vpc/flows' });
    });
  });

  it('P5: the flow log and its log group in another stack than the VPC', () => {
    expectCompliant(RULE, (stack, app) => {
      const vpc = isolatedVpc(stack);
      const other = otherStack(app);
      new ec2.FlowLog(other, 'FlowLog', {
        resourceType: ec2.FlowLogResourceType.fromVpc(vpc),
        destination: ec2.FlowLogDestination.toCloudWatchLogs(encryptedGroup(other)),
      });
    });
  });

  it('P6: a REJECT flow log beside an ALL one', () => {
    expectCompliant(RULE, (stack) => {
      const vpc = isolatedVpc(stack);
      const group = encryptedGroup(stack);
      vpc.addFlowLog('Rejects', { destination: ec2.FlowLogDestination.toCloudWatchLogs(group), trafficType: ec2.FlowLogTrafficType.REJECT });
      vpc.addFlowLog('All', { destination: ec2.FlowLogDestination.toCloudWatchLogs(group) });
    });
  });
});
