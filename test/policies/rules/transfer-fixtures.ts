import { Duration, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as transfer from 'aws-cdk-lib/aws-transfer';
import type { Construct } from 'constructs';

/**
 * Shared by the fixtures of the AWS Transfer Family rules (ENC-03 security policy, NET-04 endpoint, LOG-05
 * logging, DATA-01 exchange bucket): a compliant SFTP server to break one property at a time, exchange users
 * and buckets, and a whole compliant exchange written with L1 resources or with the L2 bucket.
 */

export const LOG_GROUP_ARN = 'arn:aws:logs:eu-west-3:111111111111:log-group:/aws/transfer/exchange:*';
export const USER_ROLE_ARN = 'arn:aws:iam::111111111111:role/hds-exchange-user';
export const VPC_ID = 'vpc-0123456789abcdef0';
export const SUBNET_ID = 'subnet-0123456789abcdef0';
export const SECURITY_GROUP_ID = 'sg-0123456789abcdef0';
export const ALLOCATION_ID = 'eipalloc-0123456789abcdef0';

/** An SFTP server that every Transfer rule accepts, with `overrides` applied (the property under test). */
export function sftpServer(scope: Construct, overrides: Partial<transfer.CfnServerProps> = {}, id = 'Server'): transfer.CfnServer {
  return new transfer.CfnServer(scope, id, {
    domain: 'S3',
    identityProviderType: 'SERVICE_MANAGED',
    protocols: ['SFTP'],
    securityPolicyName: 'TransferSecurityPolicy-2025-03',
    endpointType: 'VPC',
    endpointDetails: { vpcId: VPC_ID, subnetIds: [SUBNET_ID], securityGroupIds: [SECURITY_GROUP_ID], addressAllocationIds: [ALLOCATION_ID] },
    structuredLogDestinations: [LOG_GROUP_ARN],
    ...overrides,
  });
}

/** A service-managed user of `server`, with `overrides` applied (its home directory or mappings). */
export function sftpUser(scope: Construct, server: transfer.CfnServer, overrides: Partial<transfer.CfnUserProps> = {}, id = 'User'): transfer.CfnUser {
  return new transfer.CfnUser(scope, id, { serverId: server.attrServerId, userName: id.toLowerCase(), role: USER_ROLE_ARN, ...overrides });
}

/** The lifecycle of an exchange bucket: files expire after 30 days, earlier versions a day after they are replaced. */
export const EXPIRING_RULE: s3.CfnBucket.RuleProperty = {
  id: 'exchange',
  status: 'Enabled',
  expirationInDays: 30,
  noncurrentVersionExpiration: { noncurrentDays: 1 },
  abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
};

/** An L1 exchange bucket, versioned, with `rules` as its lifecycle (the expiring rule by default). */
export function exchangeBucket(scope: Construct, rules: s3.CfnBucket.RuleProperty[] = [EXPIRING_RULE], id = 'Exchange', props: Partial<s3.CfnBucketProps> = {}): s3.CfnBucket {
  return new s3.CfnBucket(scope, id, {
    versioningConfiguration: { status: 'Enabled' },
    lifecycleConfiguration: { rules },
    ...props,
  });
}

/**
 * A whole compliant exchange: a VPC with a public subnet, an Elastic IP, a security group open to one partner
 * network on port 22, a log group, the server, an exchange bucket (L1 `CfnBucket` or L2 `s3.Bucket`) and a user
 * whose home directory is in it.
 */
export function compliantExchange(bucketKind: 'L1' | 'L2'): (stack: Stack) => void {
  return (stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const group = new ec2.SecurityGroup(stack, 'SftpGroup', { vpc, allowAllOutbound: false });
    group.addIngressRule(ec2.Peer.ipv4('203.0.113.0/24'), ec2.Port.tcp(22), 'partner network');
    const address = new ec2.CfnEIP(stack, 'Address', { domain: 'vpc' });
    const logGroup = new logs.LogGroup(stack, 'SftpLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const server = sftpServer(stack, {
      endpointDetails: {
        vpcId: vpc.vpcId,
        subnetIds: vpc.publicSubnets.map((s) => s.subnetId),
        securityGroupIds: [group.securityGroupId],
        addressAllocationIds: [address.attrAllocationId],
      },
      structuredLogDestinations: [logGroup.logGroupArn],
    });
    const bucketName =
      bucketKind === 'L1'
        ? exchangeBucket(stack).ref
        : new s3.Bucket(stack, 'Exchange', {
            versioned: true,
            lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) }],
          }).bucketName;
    sftpUser(stack, server, { homeDirectory: `/${bucketName}/partner-a` });
  };
}
