import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  EXCHANGE_SECURITY_POLICY,
  SecureExchange,
  type ExchangeUser,
  type SecureExchangeProps,
} from '../../lib/constructs/secure-exchange';
import { findings } from '../policies/support';
import { testApp, testStack, testVpc } from '../support/app';

const VPC_CIDR = '10.0.0.0/16';
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTests lab@example';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= peer';
const USERS: ExchangeUser[] = [
  { name: 'lab-one', sshPublicKeys: [ED25519] },
  { name: 'peer.practice@two', sshPublicKeys: [ED25519, ECDSA] },
];
const IDENTITY_FUNCTION = 'arn:aws:lambda:eu-west-3:111111111111:function:sftp-identity';
const PARTNERS = ['203.0.113.0/24', '198.51.100.0/24'];

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (s: Statement) => [s.Action].flat();

/** The exchange in `stack`, with its own VPC (isolated and public `entry` subnets), keys and access-log bucket. */
function addTo(stack: Stack, props: Partial<SecureExchangeProps> = {}) {
  const vpc = testVpc(stack, { publicGroups: ['entry'] });
  const dataKey = new kms.Key(stack, 'DataKey');
  const logsKey = new kms.Key(stack, 'LogsKey');
  const accessLogs = new s3.Bucket(stack, 'AccessLogs');
  const exchange = new SecureExchange(stack, 'Exchange', {
    vpc,
    subnets: { subnetGroupName: 'isolated' },
    vpcCidr: VPC_CIDR,
    identity: { users: USERS },
    dataKey,
    logsKey,
    logRetention: logs.RetentionDays.ONE_YEAR,
    accessLogs,
    retentionDays: 30,
    ...props,
  });
  return { vpc, dataKey, logsKey, accessLogs, exchange };
}

const INTERNET_FACING: Partial<SecureExchangeProps> = {
  subnets: { subnetGroupName: 'entry' },
  internetFacing: { allowedSourceCidrs: PARTNERS },
};
const LAMBDA_IDENTITY: Partial<SecureExchangeProps> = { identity: { identityProviderFunctionArn: IDENTITY_FUNCTION } };

function build(props: Partial<SecureExchangeProps> = {}) {
  // These tests read the template, not the bundle: skip esbuild.
  const stack = testStack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const { vpc, dataKey, logsKey, accessLogs, exchange } = addTo(stack, props);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const ids = {
    server: stack.getLogicalId(exchange.server),
    bucket: id(exchange.bucket),
    logGroup: id(exchange.logGroup),
    securityGroup: id(exchange.securityGroup),
    userRole: exchange.userRole ? id(exchange.userRole) : undefined,
    dataKey: id(dataKey),
    logsKey: id(logsKey),
    accessLogs: id(accessLogs),
    vpc: id(vpc),
    isolated: vpc.isolatedSubnets.map((s) => id(s)),
    entry: vpc.publicSubnets.map((s) => id(s)),
  };
  return { template, resources, ofType, exchange, ids };
}

type Built = ReturnType<typeof build>;
const serverOf = ({ resources, ids }: Built) => resources[ids.server].Properties;
const securityGroupOf = ({ resources, ids }: Built) => resources[ids.securityGroup].Properties;
const serverArn = (ids: Built['ids']) => ({ 'Fn::GetAtt': [ids.server, 'Arn'] });

describe('SecureExchange (ENC-02/03, LOG-05, NET-04, DATA-01), private with service-managed users', () => {
  const built = build();
  const { resources, ofType, ids } = built;
  const server = serverOf(built);

  describe('server', () => {
    test('speaks SFTP only, on S3, with the current security policy', () => {
      expect(resources[ids.server].Type).toBe('AWS::Transfer::Server');
      expect(server.Protocols).toEqual(['SFTP']);
      expect(server.Domain).toBe('S3');
      expect(server.SecurityPolicyName).toBe(EXCHANGE_SECURITY_POLICY);
    });

    test('has a VPC endpoint in the given subnets, behind its security group, with no Elastic IP', () => {
      expect(server.EndpointType).toBe('VPC');
      expect(server.EndpointDetails).toEqual({
        VpcId: { Ref: ids.vpc },
        SubnetIds: ids.isolated.map((s) => ({ Ref: s })),
        SecurityGroupIds: [{ 'Fn::GetAtt': [ids.securityGroup, 'GroupId'] }],
      });
      expect(ofType('AWS::EC2::EIP')).toEqual([]);
    });

    test('users are managed by Transfer Family', () => {
      expect(server.IdentityProviderType).toBe('SERVICE_MANAGED');
      expect(server.IdentityProviderDetails).toBeUndefined();
    });

    test('writes structured logs to its KMS log group, retained', () => {
      expect(server.StructuredLogDestinations).toEqual([{ 'Fn::GetAtt': [ids.logGroup, 'Arn'] }]);
      const group = resources[ids.logGroup];
      expect(group.Properties).toEqual({ KmsKeyId: { 'Fn::GetAtt': [ids.logsKey, 'Arn'] }, RetentionInDays: 365 });
      expect(group.DeletionPolicy).toBe('Retain');
      expect(group.UpdateReplacePolicy).toBe('Retain');
    });
  });

  test('the security group admits SSH from the VPC only and allows no egress', () => {
    const group = securityGroupOf(built);
    expect(group.SecurityGroupIngress).toEqual([{ CidrIp: VPC_CIDR, Description: 'SFTP', FromPort: 22, ToPort: 22, IpProtocol: 'tcp' }]);
    // allowAllOutbound: false renders CDK's "disallow all traffic" placeholder rule.
    expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    expect(ofType('AWS::EC2::SecurityGroupIngress')).toEqual([]);
    expect(ofType('AWS::EC2::SecurityGroupEgress')).toEqual([]);
  });

  describe('exchange bucket', () => {
    const bucket = resources[ids.bucket];

    test('is encrypted with the data key (SSE-KMS) and has no Object Lock', () => {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [ids.dataKey, 'Arn'] } } },
        ],
      });
      expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
      expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
    });

    test('deletes exchanged files after retentionDays, overwritten versions after a day', () => {
      const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
      expect(rules).toContainEqual({ Id: 'exchanged-files', Status: 'Enabled', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 } });
    });

    test('logs its access to the given bucket under exchange/', () => {
      expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: ids.accessLogs }, LogFilePrefix: 'exchange/' });
    });

    test('is classified as health data and retained', () => {
      expect(bucket.Properties.Tags).toContainEqual({ Key: 'hds:data-classification', Value: 'health-data' });
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
    });
  });

  describe('users', () => {
    const users = ofType('AWS::Transfer::User').map(([, r]) => r.Properties);
    const user = (name: string) => users.find((u) => u.UserName === name)!;
    /** The session policy, its Fn::Join rendered with `<LogicalId.Attr>` / `<LogicalId>` for the tokens. */
    const sessionPolicy = (name: string) => {
      const policy = user(name).Policy as { 'Fn::Join': [string, unknown[]] };
      const text = policy['Fn::Join'][1]
        .map((part) => {
          if (typeof part === 'string') return part;
          const ref = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
          return ref.Ref !== undefined ? `<${ref.Ref}>` : `<${ref['Fn::GetAtt']![0]}.${ref['Fn::GetAtt']![1]}>`;
        })
        .join('');
      return JSON.parse(text) as { Statement: Statement[] };
    };

    test('one per configured user, on the server, with its SSH keys, acting with the shared role', () => {
      expect(users.map((u) => u.UserName).sort()).toEqual(USERS.map((u) => u.name).sort());
      for (const { name, sshPublicKeys } of USERS) {
        expect(user(name)).toMatchObject({
          ServerId: { 'Fn::GetAtt': [ids.server, 'ServerId'] },
          Role: { 'Fn::GetAtt': [ids.userRole, 'Arn'] },
          SshPublicKeys: sshPublicKeys,
        });
      }
    });

    test.each(USERS.map((u) => u.name))('%s is chrooted: "/" is its home directory in the exchange bucket', (name) => {
      expect(user(name).HomeDirectoryType).toBe('LOGICAL');
      expect(user(name).HomeDirectory).toBeUndefined();
      expect(user(name).HomeDirectoryMappings).toEqual([{ Entry: '/', Target: { 'Fn::Join': ['', ['/', { Ref: ids.bucket }, `/home/${name}`]] } }]);
    });

    test.each(USERS.map((u) => u.name))("%s's session policy reaches its own home directory only", (name) => {
      const statements = sessionPolicy(name).Statement;
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
      const list = statements.filter((s) => actionsOf(s).includes('s3:ListBucket'));
      expect(list).toHaveLength(1);
      expect(list[0].Condition).toEqual({ StringLike: { 's3:prefix': [`home/${name}/*`, `home/${name}`] } });
      const objectResources = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:') && a !== 's3:ListBucket')).map((s) => s.Resource);
      expect(objectResources).toEqual([`<${ids.bucket}.Arn>/home/${name}/*`]);
      expect(list[0].Resource).toBe(`<${ids.bucket}.Arn>`);
      // The other user's home is named nowhere.
      const others = USERS.map((u) => u.name).filter((n) => n !== name);
      for (const other of others) expect(user(name).Policy).not.toContain(`home/${other}`);
    });

    describe('shared role', () => {
      const role = resources[ids.userRole!].Properties;
      const trust = (role.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
      const attachedTo = (props: Record<string, unknown>) => JSON.stringify(props.Roles) === JSON.stringify([{ Ref: ids.userRole }]);
      const managed = ofType('AWS::IAM::ManagedPolicy').filter(([, r]) => attachedTo(r.Properties));
      const statements = () => (managed[0][1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;

      test('is trusted only by Transfer Family, for this server in this account', () => {
        expect(trust).toEqual([
          {
            Effect: 'Allow',
            Principal: { Service: 'transfer.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': serverArn(ids) } },
          },
        ]);
      });

      test('has exactly one managed policy and nothing inline', () => {
        expect(managed).toHaveLength(1);
        expect(role.Policies).toBeUndefined();
        expect(role.ManagedPolicyArns).toBeUndefined();
        expect(ofType('AWS::IAM::Policy').filter(([, r]) => attachedTo(r.Properties))).toEqual([]);
      });

      test('lists, reads, writes and deletes under home/ of the exchange bucket only', () => {
        const s3Statements = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
        expect(s3Statements).toEqual([
          expect.objectContaining({
            Action: 's3:ListBucket',
            Resource: { 'Fn::GetAtt': [ids.bucket, 'Arn'] },
            Condition: { StringLike: { 's3:prefix': ['home/*'] } },
          }),
          expect.objectContaining({
            Action: ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/home/*']] },
          }),
        ]);
      });

      test('uses the data key through S3 only', () => {
        const kmsStatements = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
        expect(kmsStatements).toEqual([
          expect.objectContaining({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [ids.dataKey, 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-3.amazonaws.com' } },
          }),
        ]);
        expect(statements()).toHaveLength(3);
      });
    });
  });

  test('no identity function permission', () => {
    expect(ofType('AWS::Lambda::Permission')).toEqual([]);
  });
});

describe('SecureExchange, internet-facing', () => {
  const built = build(INTERNET_FACING);
  const { ofType, ids } = built;
  const server = serverOf(built);
  const addresses = ofType('AWS::EC2::EIP');

  test('has one Elastic IP per endpoint subnet, in the public subnets', () => {
    expect(ids.entry).toHaveLength(2);
    expect(addresses).toHaveLength(ids.entry.length);
    for (const [, eip] of addresses) expect(eip.Properties).toEqual({ Domain: 'vpc' });
    expect(server.EndpointType).toBe('VPC');
    expect(server.EndpointDetails).toEqual({
      VpcId: { Ref: ids.vpc },
      SubnetIds: ids.entry.map((s) => ({ Ref: s })),
      SecurityGroupIds: [{ 'Fn::GetAtt': [ids.securityGroup, 'GroupId'] }],
      AddressAllocationIds: addresses.map(([id]) => ({ 'Fn::GetAtt': [id, 'AllocationId'] })),
    });
  });

  test('the security group admits SSH from each listed partner network only, and allows no egress', () => {
    const group = securityGroupOf(built);
    expect(group.SecurityGroupIngress).toEqual(PARTNERS.map((CidrIp) => ({ CidrIp, Description: 'SFTP', FromPort: 22, ToPort: 22, IpProtocol: 'tcp' })));
    expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
  });

  test('keeps SFTP only and the current security policy', () => {
    expect(server.Protocols).toEqual(['SFTP']);
    expect(server.SecurityPolicyName).toBe(EXCHANGE_SECURITY_POLICY);
  });
});

describe("SecureExchange with the editor's identity function", () => {
  const built = build(LAMBDA_IDENTITY);
  const { ofType, ids, exchange, template } = built;
  const server = serverOf(built);

  test('the server authenticates users with the function, by public key', () => {
    expect(server.IdentityProviderType).toBe('AWS_LAMBDA');
    expect(server.IdentityProviderDetails).toEqual({ Function: IDENTITY_FUNCTION, SftpAuthenticationMethods: 'PUBLIC_KEY' });
  });

  test('Transfer Family may invoke the function for this server only', () => {
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties);
    expect(permissions).toEqual([
      { Action: 'lambda:InvokeFunction', FunctionName: IDENTITY_FUNCTION, Principal: 'transfer.amazonaws.com', SourceArn: serverArn(ids) },
    ]);
  });

  test('there are no Transfer users and no user role or policy', () => {
    template.resourceCountIs('AWS::Transfer::User', 0);
    expect(ofType('AWS::IAM::Role').filter(([id]) => id.startsWith('Exchange'))).toEqual([]);
    expect(ofType('AWS::IAM::ManagedPolicy')).toEqual([]);
    expect(exchange.userRole).toBeUndefined();
    expect(exchange.users).toEqual([]);
  });
});

describe('SecureExchange validation', () => {
  const users = (...list: ExchangeUser[]): Partial<SecureExchangeProps> => ({ identity: { users: list } });
  const facing = (...allowedSourceCidrs: string[]): Partial<SecureExchangeProps> => ({ ...INTERNET_FACING, internetFacing: { allowedSourceCidrs } });

  test.each<[string, Partial<SecureExchangeProps>, RegExp]>([
    ['retention 0', { retentionDays: 0 }, /retentionDays is 0; allowed: a whole number of days from 1 to 365/],
    ['retention 366', { retentionDays: 366 }, /retentionDays is 366; allowed: a whole number of days from 1 to 365/],
    ['retention 1.5', { retentionDays: 1.5 }, /retentionDays is 1\.5; allowed/],
    ['no partner network', facing(), /internetFacing\.allowedSourceCidrs is empty; allowed: the partner networks/],
    ['0.0.0.0/0', facing('0.0.0.0/0'), /allowedSourceCidrs has "0\.0\.0\.0\/0"; allowed: an IPv4 block from \/16 to \/32.*\(never 0\.0\.0\.0\/0\)/],
    ['a /15', facing('10.0.0.0/15'), /allowedSourceCidrs has "10\.0\.0\.0\/15"; allowed: an IPv4 block from \/16 to \/32/],
    // The same test as the config's (one function): octets above 255 and prefixes above /32 are refused too.
    ['an octet above 255', facing('300.1.1.0/24'), /allowedSourceCidrs has "300\.1\.1\.0\/24"; allowed: an IPv4 block from \/16 to \/32/],
    ['a /33', facing('10.0.0.0/33'), /allowedSourceCidrs has "10\.0\.0\.0\/33"; allowed: an IPv4 block from \/16 to \/32/],
    ['not a CIDR', facing('partner.example'), /allowedSourceCidrs has "partner\.example"/],
    ['duplicate users', users(USERS[0], USERS[0]), /users has duplicate names \(lab-one, lab-one\); allowed: distinct names/],
    ['a name too short', users({ name: 'ab', sshPublicKeys: [ED25519] }), /users has name "ab"; allowed: 3 to 100 letters, digits/],
    ['a name with a slash', users({ name: 'lab/../x', sshPublicKeys: [ED25519] }), /users has name "lab\/\.\.\/x"/],
    ['a user without keys', users({ name: 'lab-one', sshPublicKeys: [] }), /user "lab-one" has no sshPublicKeys; allowed: 1 to 10 OpenSSH public keys/],
    [
      'a bad key',
      users({ name: 'lab-one', sshPublicKeys: ['ssh-dss AAAAB3NzaC1kc3MAAACB'] }),
      /user "lab-one" has an sshPublicKeys entry starting "ssh-dss AAAAB3NzaC1k"; allowed: an OpenSSH public key line/,
    ],
    [
      'a bad function ARN',
      { identity: { identityProviderFunctionArn: 'arn:aws:iam::111111111111:role/idp' } },
      /identityProviderFunctionArn is "arn:aws:iam::111111111111:role\/idp"; allowed: the ARN of a Lambda function/,
    ],
  ])('%s is refused', (_, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test.each<[string, Partial<SecureExchangeProps>]>([
    ['retention 1', { retentionDays: 1 }],
    ['retention 365', { retentionDays: 365 }],
    ['a /16', facing('10.1.0.0/16')],
    ['a function alias', { identity: { identityProviderFunctionArn: `${IDENTITY_FUNCTION}:live` } }],
  ])('%s is accepted', (_, props) => {
    expect(() => build(props)).not.toThrow();
  });

  test('every problem is reported at once, with the construct path', () => {
    expect(() => build({ retentionDays: 0, ...facing('0.0.0.0/0'), ...users({ name: 'x', sshPublicKeys: [] }) })).toThrow(
      /^TestStack\/Exchange: invalid secure exchange settings:\n {2}- retentionDays is 0.*\n {2}- internetFacing\.allowedSourceCidrs has "0\.0\.0\.0\/0".*\n {2}- users has name "x".*\n {2}- user "x" has no sshPublicKeys/,
    );
  });
});

describe('SecureExchange and the HDS pack', () => {
  // What a bare test stack lacks, the platform provides: a backup plan (BAK-02), the CloudTrail data events of
  // health-data buckets (LOG-02) and the permissions boundary of every role (RES-03).
  const BUCKET = 'TestStack/Exchange/Bucket/Resource/Resource';
  const BARE_STACK = [`HDS-BAK02-BackupCoverage ${BUCKET}`, `HDS-LOG02-HealthDataEventsTraced ${BUCKET}`];
  const USER_ROLE = 'HDS-RES03-RoleBounded TestStack/Exchange/UserRole/Resource';

  test.each<[string, Partial<SecureExchangeProps>, string[]]>([
    ['private, service-managed users', {}, [...BARE_STACK, USER_ROLE]],
    ['internet-facing', INTERNET_FACING, [...BARE_STACK, USER_ROLE]],
    ['identity function', LAMBDA_IDENTITY, BARE_STACK],
  ])('%s: nothing reported on the server, bucket, users or security group beyond what a bare test stack causes', (_, props, expected) => {
    const found = findings((stack) => {
      addTo(stack, props);
    });
    const mine = found.filter((f) => f.path.startsWith('TestStack/Exchange/'));
    expect(mine.map((f) => `${f.rule} ${f.path}`).sort()).toEqual([...expected].sort());
  });
});
