import { Aws, Duration, Fn, Token, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as transfer from 'aws-cdk-lib/aws-transfer';
import { DATA01_EXCHANGE_BUCKET_EXPIRES } from '../../../policies/rules/data/exchange-bucket-expires';
import { expectCompliant } from '../support';
import { expectNotEvaluated, parameterRef, secondStack, verdicts } from './enc-fixtures';
import { expectNonCompliant, includeTemplate, verboseDescription } from './hds-fixtures';
import { compliantExchange, EXPIRING_RULE, exchangeBucket, sftpServer, sftpUser } from './transfer-fixtures';

const RULE = 'HDS-DATA01-ExchangeBucketExpires';
const BUCKET = 'TestStack/Exchange';
const USER = 'TestStack/User';

/**
 * An exchange bucket (L1, versioned) with `rules` as its lifecycle, and a user whose home directory is in it.
 * `rawRules`, when given, replaces the rules as CloudFormation spells them (a condition, a legacy property).
 */
function exchange(rules: s3.CfnBucket.RuleProperty[], props: Partial<s3.CfnBucketProps> = {}, rawRules?: unknown): (stack: Stack) => void {
  return (stack) => {
    const bucket = exchangeBucket(stack, rules, 'Exchange', props);
    if (rawRules !== undefined) bucket.addPropertyOverride('LifecycleConfiguration.Rules', rawRules);
    sftpUser(stack, sftpServer(stack), { homeDirectory: `/${bucket.ref}/partner-a` });
  };
}

/** A user whose files are in `homeDirectory`, beside a compliant exchange bucket. */
function userWith(home: (stack: Stack) => Partial<transfer.CfnUserProps>): (stack: Stack) => void {
  return (stack) => {
    exchangeBucket(stack);
    sftpUser(stack, sftpServer(stack), home(stack));
  };
}

describe(`${RULE}: failing fixtures`, () => {
  it('F1: an L2 bucket with no lifecycle rule, a user home directory in it', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const bucket = new s3.Bucket(stack, 'Exchange');
        sftpUser(stack, sftpServer(stack), { homeDirectory: `/${bucket.bucketName}/partner-a` });
      },
      ['TestStack/Exchange/Resource'],
    );
  });

  it('F2: the expiring rule disabled', () => {
    expectNonCompliant(RULE, exchange([{ ...EXPIRING_RULE, status: 'Disabled' }]), [BUCKET]);
  });

  it('F3: earlier versions expire, current files never', () => {
    expectNonCompliant(RULE, exchange([{ status: 'Enabled', noncurrentVersionExpiration: { noncurrentDays: 1 } }]), [BUCKET]);
  });

  it('F4: versioned, current files expire, earlier versions never', () => {
    expectNonCompliant(RULE, exchange([{ status: 'Enabled', expirationInDays: 30 }]), [BUCKET]);
  });

  it('F5: versioning suspended (versions from before are kept), earlier versions never expire', () => {
    expectNonCompliant(RULE, exchange([{ status: 'Enabled', expirationInDays: 30 }], { versioningConfiguration: { status: 'Suspended' } }), [BUCKET]);
  });

  it.each([
    ['F6', 'a prefix', { prefix: 'partner-a/' }],
    ['F7', 'a tag filter', { tagFilters: [{ key: 'expire', value: 'yes' }] }],
    ['F8', 'a minimum object size', { objectSizeGreaterThan: 1024 }],
    ['F9', 'a maximum object size', { objectSizeLessThan: 1048576 }],
  ])('%s: the expiring rule limited by %s (other files kept for ever)', (_n, _what, filter) => {
    expectNonCompliant(RULE, exchange([{ ...EXPIRING_RULE, ...filter }]), [BUCKET]);
  });

  it('F10: a fixed expiration date instead of ExpirationInDays (files written after it are never aged out)', () => {
    expectNonCompliant(
      RULE,
      exchange([{ status: 'Enabled', expirationDate: new Date('2027-01-01T00:00:00Z'), noncurrentVersionExpiration: { noncurrentDays: 1 } }]),
      [BUCKET],
    );
  });

  it('F11: NewerNoncurrentVersions (that many earlier versions kept for ever)', () => {
    expectNonCompliant(RULE, exchange([{ ...EXPIRING_RULE, noncurrentVersionExpiration: { noncurrentDays: 1, newerNoncurrentVersions: 2 } }]), [BUCKET]);
  });

  it('F12: Object Lock on an otherwise expiring bucket', () => {
    expectNonCompliant(RULE, exchange([EXPIRING_RULE], { objectLockEnabled: true }), [BUCKET]);
  });

  it('F13: Object Lock, and lifecycle rules chosen by a condition: non-compliant, not "could not be evaluated"', () => {
    expectNonCompliant(
      RULE,
      exchange([], { objectLockEnabled: true }, Fn.conditionIf('Expire', [{ Status: 'Enabled' }], Aws.NO_VALUE)),
      [BUCKET],
    );
  });

  it('F14: the user in a stack, the bucket in another (a cross-stack reference)', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        const bucket = exchangeBucket(secondStack(app, 'Data'), []);
        sftpUser(stack, sftpServer(stack), { homeDirectory: `/${bucket.ref}/partner-a` });
      },
      ['Data/Exchange'],
    );
  });

  it('F15: the bucket named by its literal name', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        exchangeBucket(stack, [], 'Exchange', { bucketName: 'hds-exchange-partners' });
        sftpUser(stack, sftpServer(stack), { homeDirectory: '/hds-exchange-partners/partner-a' });
      },
      [BUCKET],
    );
  });

  it('F16: the bucket name and the path built with the account id (pseudo parameters)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        exchangeBucket(stack, [], 'Exchange', { bucketName: `hds-exchange-${Aws.ACCOUNT_ID}` });
        sftpUser(stack, sftpServer(stack), { homeDirectory: `/hds-exchange-${Aws.ACCOUNT_ID}` });
      },
      [BUCKET],
    );
  });

  it('F17: the home directory written as Fn::Sub with the bucket logical id', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        exchangeBucket(stack, []);
        sftpUser(stack, sftpServer(stack)).addPropertyOverride('HomeDirectory', { 'Fn::Sub': '/${Exchange}/partner-a' });
      },
      [BUCKET],
    );
  });

  it('F18: a logical home directory whose mapping target is in the bucket (Fn::Join)', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        exchangeBucket(stack, []);
        sftpUser(stack, sftpServer(stack), {
          homeDirectoryType: 'LOGICAL',
          homeDirectoryMappings: [{ entry: '/', target: Fn.join('', ['/', Fn.ref('Exchange'), '/partner-a']) }],
        });
      },
      [BUCKET],
    );
  });

  it('F19: a foreign template (Ref in Fn::Join), the user at the bucket root', () => {
    expectNonCompliant(
      RULE,
      (stack) =>
        includeTemplate(stack, {
          Exchange: { Type: 'AWS::S3::Bucket', Properties: {} },
          User: {
            Type: 'AWS::Transfer::User',
            Properties: { ServerId: 's-0123456789abcdef0', UserName: 'partner', Role: 'arn:aws:iam::111111111111:role/r', HomeDirectory: { 'Fn::Join': ['', ['/', { Ref: 'Exchange' }]] } },
          },
        }),
      ['TestStack/Foreign/Exchange'],
    );
  });

  it('F20: two exchange buckets, only the one that keeps its files is reported', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        const server = sftpServer(stack);
        sftpUser(stack, server, { homeDirectory: `/${exchangeBucket(stack, undefined, 'Compliant').ref}/a` }, 'PartnerA');
        sftpUser(stack, server, { homeDirectory: `/${exchangeBucket(stack, [], 'Exchange').ref}/b` }, 'PartnerB');
      },
      [BUCKET],
    );
  });

  it('F21: one user cannot be evaluated (reported itself), another leads into a bucket that keeps its files', () => {
    const build = (stack: Stack) => {
      const server = sftpServer(stack);
      sftpUser(stack, server, { homeDirectory: `/${exchangeBucket(stack, []).ref}/a` });
      sftpUser(stack, server, { homeDirectory: parameterRef(stack) }, 'Partner');
    };
    expect(verdicts(DATA01_EXCHANGE_BUCKET_EXPIRES, build)).toStrictEqual({ [BUCKET]: 'Non-Compliant', 'TestStack/Partner': 'threw UnresolvableValueError' });
  });
});

describe(`${RULE}: not evaluated`, () => {
  const cases: [string, (stack: Stack) => void, string, RegExp][] = [
    ['E1: a home directory from a template parameter', userWith((stack) => ({ homeDirectory: parameterRef(stack) })), USER, /TestStack\/User HomeDirectory/],
    [
      'E2: mappings chosen by a condition',
      userWith(() => ({ homeDirectoryMappings: Fn.conditionIf('Mapped', [{ Entry: '/', Target: '/b/in' }], Aws.NO_VALUE) })),
      USER,
      /TestStack\/User HomeDirectoryMappings /,
    ],
    ['E3: a mapping chosen by a condition', userWith(() => ({ homeDirectoryMappings: [Fn.conditionIf('Mapped', { Entry: '/', Target: '/b/in' }, Aws.NO_VALUE)] })), USER, /HomeDirectoryMappings\[0\] /],
    ['E4: a mapping target from a parameter', userWith((stack) => ({ homeDirectoryMappings: [{ entry: '/', target: parameterRef(stack) }] })), USER, /HomeDirectoryMappings\[0\]\.Target/],
    [
      'E5: lifecycle rules chosen by a condition',
      exchange([], {}, Fn.conditionIf('Expire', [{ Status: 'Enabled', ExpirationInDays: 1 }], Aws.NO_VALUE)),
      BUCKET,
      /TestStack\/Exchange LifecycleConfiguration\.Rules /,
    ],
    ['E6: the only rule enabled by a parameter', (stack) => exchange([{ ...EXPIRING_RULE, status: parameterRef(stack) }])(stack), BUCKET, /Rules\[0\]\.Status/],
    ['E7: Object Lock chosen by a condition', exchange([EXPIRING_RULE], { objectLockEnabled: Fn.conditionIf('Locked', true, false) }), BUCKET, /TestStack\/Exchange ObjectLockEnabled/],
    ['E8: versioning status from a condition', exchange([{ status: 'Enabled', expirationInDays: 30 }], { versioningConfiguration: { status: Fn.conditionIf('V', 'Enabled', 'Suspended').toString() } }), BUCKET, /VersioningConfiguration\.Status/],
    ['E9: the expiration chosen by a condition', exchange([{ ...EXPIRING_RULE, expirationInDays: Token.asNumber(Fn.conditionIf('E', 30, Aws.NO_VALUE)) }]), BUCKET, /Rules\[0\]\.ExpirationInDays/],
    ['E10: the prefix from a condition', exchange([{ ...EXPIRING_RULE, prefix: Fn.conditionIf('P', 'in/', '').toString() }]), BUCKET, /Rules\[0\]\.Prefix/],
    ['E11: the noncurrent expiration chosen by a condition', exchange([{ ...EXPIRING_RULE, noncurrentVersionExpiration: Fn.conditionIf('N', { NoncurrentDays: 1 }, Aws.NO_VALUE) }]), BUCKET, /Rules\[0\]\.NoncurrentVersionExpiration /],
    [
      'E12: the whole lifecycle configuration chosen by a condition',
      exchange([], { lifecycleConfiguration: Fn.conditionIf('Expire', { Rules: [EXPIRING_RULE] }, Aws.NO_VALUE) }),
      BUCKET,
      /TestStack\/Exchange LifecycleConfiguration /,
    ],
    ['E13: tag filters chosen by a condition', exchange([{ ...EXPIRING_RULE, tagFilters: Fn.conditionIf('T', [{ Key: 'k', Value: 'v' }], Aws.NO_VALUE) }]), BUCKET, /Rules\[0\]\.TagFilters/],
    [
      'E14: the whole versioning configuration chosen by a condition',
      exchange([{ status: 'Enabled', expirationInDays: 30 }], { versioningConfiguration: Fn.conditionIf('V', { Status: 'Enabled' }, Aws.NO_VALUE) }),
      BUCKET,
      /TestStack\/Exchange VersioningConfiguration /,
    ],
    [
      'E15: the noncurrent days chosen by a condition',
      exchange([{ ...EXPIRING_RULE, noncurrentVersionExpiration: { noncurrentDays: Token.asNumber(Fn.conditionIf('N', 1, Aws.NO_VALUE)) } }]),
      BUCKET,
      /Rules\[0\]\.NoncurrentVersionExpiration\.NoncurrentDays/,
    ],
    [
      'E16: the legacy NoncurrentVersionExpirationInDays chosen by a condition',
      exchange([], {}, [{ Status: 'Enabled', ExpirationInDays: 30, NoncurrentVersionExpirationInDays: Fn.conditionIf('N', 1, Aws.NO_VALUE) }]),
      BUCKET,
      /Rules\[0\]\.NoncurrentVersionExpirationInDays/,
    ],
  ];

  it.each(cases)('%s', (_what, build, path) => {
    expectNotEvaluated(DATA01_EXCHANGE_BUCKET_EXPIRES, build, [path]);
  });

  it.each(cases)('the verbose pack names the property it could not evaluate: %s', (_what, build, _path, property) => {
    expect(verboseDescription(RULE, build)).toMatch(property);
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it.each(['L1', 'L2'] as const)('P1: a whole compliant exchange (server, user, %s bucket)', (kind) => {
    expectCompliant(RULE, compliantExchange(kind));
  });

  it('P2: a bucket no Transfer user leads into needs no expiration (other DATA-01 rules judge it)', () => {
    expectCompliant(RULE, (stack) => {
      new s3.Bucket(stack, 'Records');
      sftpUser(stack, sftpServer(stack), { homeDirectory: `/${exchangeBucket(stack).ref}/partner-a` });
    });
  });

  it('P3: a user leading into a bucket outside the app, or into the root, beside a bucket of the app', () => {
    expectCompliant(RULE, (stack) => {
      new s3.Bucket(stack, 'Records', { bucketName: 'hds-records' });
      const server = sftpServer(stack);
      sftpUser(stack, server, { homeDirectory: '/hds-records-archive/in' });
      sftpUser(stack, server, { homeDirectory: '/' }, 'Root');
      sftpUser(stack, server, {}, 'NoHome');
    });
  });

  it('P4: a user on EFS (the path names a file system, not a bucket)', () => {
    expectCompliant(RULE, (stack) => {
      new s3.Bucket(stack, 'Records');
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const fileSystem = new efs.FileSystem(stack, 'Files', { vpc });
      sftpUser(stack, sftpServer(stack, { domain: 'EFS' }), { homeDirectory: `/${fileSystem.fileSystemId}/partner-a`, posixProfile: { uid: 1000, gid: 1000 } });
    });
  });

  it('P5: an unversioned bucket whose files expire', () => {
    expectCompliant(RULE, exchange([{ status: 'Enabled', expirationInDays: 7 }], { versioningConfiguration: undefined }));
  });

  it('P6: expiration and noncurrent expiration in two rules, beside a disabled one and a filtered one', () => {
    expectCompliant(
      RULE,
      exchange([
        { status: 'Disabled', expirationInDays: 3650 },
        { status: 'Enabled', prefix: 'archive/', noncurrentVersionExpiration: { noncurrentDays: 365 } },
        { status: 'Enabled', expirationInDays: 30 },
        { status: 'Enabled', prefix: '', noncurrentVersionExpiration: { noncurrentDays: 1 } },
      ]),
    );
  });

  it('P7: the legacy NoncurrentVersionExpirationInDays, empty tag filters', () => {
    expectCompliant(RULE, exchange([], {}, [{ Status: 'Enabled', ExpirationInDays: 30, TagFilters: [], NoncurrentVersionExpirationInDays: 1 }]));
  });

  it('P8: a rule that cannot be evaluated beside one that holds', () => {
    expectCompliant(RULE, exchange([{ ...EXPIRING_RULE, status: Fn.conditionIf('E', 'Enabled', 'Disabled').toString() }, EXPIRING_RULE]));
  });

  it('P9: a bucket named by a template parameter is not taken for the bucket a literal path names', () => {
    expectCompliant(RULE, (stack) => {
      exchangeBucket(stack, [], 'Exchange', { bucketName: parameterRef(stack) });
      sftpUser(stack, sftpServer(stack), { homeDirectory: '/hds-exchange-partners/partner-a' });
    });
  });

  it('P10: an L2 bucket with lifecycle rules from its props, in another stack', () => {
    expectCompliant(RULE, (stack, app) => {
      const bucket = new s3.Bucket(secondStack(app, 'Data'), 'Exchange', {
        versioned: true,
        lifecycleRules: [{ expiration: Duration.days(15), noncurrentVersionExpiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      });
      sftpUser(stack, sftpServer(stack), { homeDirectoryType: 'LOGICAL', homeDirectoryMappings: [{ entry: '/', target: `/${bucket.bucketName}/partner-a` }] });
    });
  });
});
