import { CfnResource, Fn, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SecureBucket } from '../../../lib/constructs/secure-bucket';
import { ENC03_S3_TLS_ONLY } from '../../../policies/rules/enc/s3-tls-only';
import { expectCompliant } from '../support';
import { expectNotEvaluated, parameterRef, secondStack } from './enc-fixtures';
import { expectNonCompliant } from './hds-fixtures';

const RULE = 'HDS-ENC03-S3TlsOnly';
const BUCKET = 'TestStack/Bucket/Resource';

const insecure = { Bool: { 'aws:SecureTransport': 'false' } };
const oldTls = { NumericLessThan: { 's3:TlsVersion': 1.2 } };

function deny(resources: unknown[], condition: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: resources, Condition: condition, ...extra };
}

/** A raw bucket and its raw policy, as a foreign template declares them (Fn::Sub, Ref, GetAtt). */
function rawBucketWithPolicy(stack: Stack, statements: (bucket: s3.CfnBucket) => Record<string, unknown>[], name?: string): s3.CfnBucket {
  const bucket = new s3.CfnBucket(stack, 'Raw', { bucketName: name });
  new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: bucket.ref, policyDocument: { Version: '2012-10-17', Statement: statements(bucket) } });
  return bucket;
}

const both = (b: s3.CfnBucket) => [b.attrArn, `${b.attrArn}/*`];

/** A raw bucket whose policy has a good TLS-version Deny and this statement in place of the SecureTransport Deny. */
function withInsecureDeny(stack: Stack, statement: (bucket: s3.CfnBucket) => Record<string, unknown>): s3.CfnBucket {
  return rawBucketWithPolicy(stack, (b) => [statement(b), deny(both(b), oldTls)]);
}

/** The verbose description of a bucket the rule could not evaluate: what the policy `TestStack/RawPolicy` says it could not read. */
const unreadable = (what: string) => new RegExp(`^\\[ENC-03\\] TLS-only bucket policy of TestStack/Raw cannot be evaluated at synth: \\["TestStack/RawPolicy: ${what}`);

describe(`${RULE}: failing fixtures`, () => {
  it('F1: a bucket with no bucket policy', () => {
    expectNonCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket'), [BUCKET]);
  });

  it('F2: enforceSSL without minimumTLSVersion (the part cdk-nag checks, alone)', () => {
    expectNonCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { enforceSSL: true }), [BUCKET]);
  });

  it('F3: the TLS-version Deny without the SecureTransport Deny', () => {
    expectNonCompliant(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), oldTls)]), ['TestStack/Raw']);
  });

  it('F4: the SecureTransport Deny covers the objects but not the bucket', () => {
    expectNonCompliant(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny([`${b.attrArn}/*`], insecure), deny(both(b), oldTls)]), ['TestStack/Raw']);
  });

  it('F5: the TLS-version Deny covers one prefix only', () => {
    expectNonCompliant(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure), deny([b.attrArn, `${b.attrArn}/public/*`], oldTls)]), ['TestStack/Raw']);
  });

  it('F6: the TLS-version Deny allows TLS 1.1 (NumericLessThan 1.1)', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure), deny(both(b), { NumericLessThan: { 's3:TlsVersion': '1.1' } })]),
      ['TestStack/Raw'],
    );
  });

  it('F7: the SecureTransport Deny is narrowed by a second condition', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), { ...insecure, StringEquals: { 'aws:PrincipalAccount': '222222222222' } }), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
    );
  });

  it('F7c: condition values as lists that miss: SecureTransport [true], TlsVersion [1.0, 1.1]', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        rawBucketWithPolicy(stack, (b) => [deny(both(b), { Bool: { 'aws:SecureTransport': ['true'] } }), deny(both(b), oldTls)]);
        const other = new s3.CfnBucket(stack, 'Other', {});
        new s3.CfnBucketPolicy(stack, 'OtherPolicy', {
          bucket: other.ref,
          policyDocument: { Statement: [deny(both(other), insecure), deny(both(other), { NumericLessThan: { 's3:TlsVersion': ['1.0', '1.1'] } })] },
        });
      },
      ['TestStack/Other', 'TestStack/Raw'],
    );
  });

  it('F7b: the SecureTransport Deny is narrowed by a second key under the same Bool operator', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), { Bool: { 'aws:SecureTransport': 'false', 'aws:ViaAWSService': 'false' } }), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
    );
  });

  it('F8: the Denies apply to one principal only', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure, { Principal: { AWS: 'arn:aws:iam::111111111111:root' } }), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
    );
  });

  it('F9: the Denies cover s3:GetObject only', () => {
    expectNonCompliant(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure, { Action: 's3:GetObject' }), deny(both(b), oldTls)]), ['TestStack/Raw']);
  });

  it('F10: both Denies in one statement (their conditions AND: neither holds alone)', () => {
    expectNonCompliant(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), { ...insecure, ...oldTls })]), ['TestStack/Raw']);
  });

  it("F11: a complete policy, but for another bucket of the stack", () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new s3.Bucket(stack, 'Other', { enforceSSL: true, minimumTLSVersion: 1.2 });
        const bucket = new s3.CfnBucket(stack, 'Raw', {});
        const other = new s3.CfnBucket(stack, 'Unrelated', {});
        new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: bucket.ref, policyDocument: { Statement: [deny(both(other), insecure), deny(both(other), oldTls)] } });
      },
      ['TestStack/Raw', 'TestStack/Unrelated'],
    );
  });

  it('F13: a policy naming, literally, a bucket other than the literally named one', () => {
    expectNonCompliant(
      RULE,
      (stack) => {
        new s3.CfnBucket(stack, 'Raw', { bucketName: 'hds-docs' });
        const arns = ['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'];
        new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: 'hds-other', policyDocument: { Statement: [deny(arns, insecure), deny(arns, oldTls)] } });
      },
      ['TestStack/Raw'],
    );
  });

  it.each<[string, (b: s3.CfnBucket) => Record<string, unknown>]>([
    ['a Deny with no condition', (b) => deny(both(b), {}, { Condition: undefined })],
    ['a Deny with NotPrincipal (everyone but one)', (b) => ({ ...deny(both(b), insecure, { NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' } }), Principal: undefined })],
    ['a Deny to a service principal only', (b) => deny(both(b), insecure, { Principal: { Service: 'cloudtrail.amazonaws.com' } })],
    ['a Deny of TLS requests (StringNotEquals aws:SecureTransport false)', (b) => deny(both(b), { StringNotEquals: { 'aws:SecureTransport': 'false' } })],
    ['a Deny on another Bool key (aws:MultiFactorAuthPresent false)', (b) => deny(both(b), { Bool: { 'aws:MultiFactorAuthPresent': 'false' } })],
    ['a Deny of the objects by the bucket DomainName (not its ARN or name)', (b) => deny([b.attrArn, `arn:aws:s3:::${b.attrDomainName}/*`], insecure)],
  ])('F14: in place of the SecureTransport Deny, %s', (_what, statement) => {
    expectNonCompliant(RULE, (stack) => withInsecureDeny(stack, statement), ['TestStack/Raw']);
  });

  it.each<[string, Record<string, unknown>]>([
    ['NumericGreaterThan s3:TlsVersion 1.2 (denies newer TLS)', { NumericGreaterThan: { 's3:TlsVersion': 1.2 } }],
    ['NumericLessThan on another key', { NumericLessThan: { 's3:max-keys': 2 } }],
    ['no condition', {}],
  ])('F15: in place of the TLS-version Deny, a Deny on %s', (_what, condition) => {
    expectNonCompliant(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure), deny(both(b), condition, Object.keys(condition).length ? {} : { Condition: undefined })]), ['TestStack/Raw']);
  });

  it('F16: a complete policy in another stack, naming the bucket literally (only the bucket stack is read)', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        new s3.CfnBucket(stack, 'Raw', { bucketName: 'hds-docs' });
        const arns = ['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'];
        new s3.CfnBucketPolicy(secondStack(app, 'Policies'), 'RawPolicy', { bucket: 'hds-docs', policyDocument: { Statement: [deny(arns, insecure), deny(arns, oldTls)] } });
      },
      ['TestStack/Raw'],
    );
  });

  it('F12: Allow statements with the same conditions (not a Deny)', () => {
    expectNonCompliant(
      RULE,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure, { Effect: 'Allow' }), deny(both(b), oldTls, { Effect: 'Allow' })]),
      ['TestStack/Raw'],
    );
  });
});

describe(`${RULE}: not evaluated`, () => {
  it('E1: a Deny whose resources come from a parameter, and no other compliant statement', () => {
    expectNotEvaluated(
      ENC03_S3_TLS_ONLY,
      (stack) => rawBucketWithPolicy(stack, (b) => [deny([parameterRef(stack)], insecure), deny(both(b), oldTls)]),
      ['TestStack/Raw'],
      unreadable('bucket policy Resource \\(a parameter\\)'),
    );
  });

  it('E2: a bucket policy whose Bucket is a parameter, in the stack of a bucket with no policy of its own', () => {
    expectNotEvaluated(
      ENC03_S3_TLS_ONLY,
      (stack) => {
        const bucket = new s3.CfnBucket(stack, 'Raw', {});
        new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: parameterRef(stack), policyDocument: { Statement: [deny(both(bucket), insecure), deny(both(bucket), oldTls)] } });
      },
      ['TestStack/Raw'],
      unreadable('BucketPolicy Bucket \\(a parameter\\)'),
    );
  });

  it.each<[string, (b: s3.CfnBucket) => Record<string, unknown>, string]>([
    ['its Action', (b) => deny(both(b), insecure, { Action: Fn.conditionIf('All', 's3:*', 's3:GetObject') }), 'Action'],
    ['its Principal.AWS', (b) => deny(both(b), insecure, { Principal: { AWS: Fn.conditionIf('All', '*', 'arn:aws:iam::111111111111:root') } }), 'Principal\\.AWS'],
    ['its Resource', (b) => deny(Fn.conditionIf('All', both(b), []) as never, insecure), 'Resource'],
  ])('E3: the SecureTransport Deny with %s chosen by a condition', (_what, statement, what) => {
    expectNotEvaluated(ENC03_S3_TLS_ONLY, (stack) => withInsecureDeny(stack, statement), ['TestStack/Raw'], unreadable(`${what} cannot`));
  });

  it.each<[string, unknown, string]>([
    ['a PolicyDocument chosen by a condition', Fn.conditionIf('Strict', { Statement: [] }, {}), 'bucket policy PolicyDocument'],
    ['a Statement chosen by a condition', { Statement: Fn.conditionIf('Strict', [], []) }, 'bucket policy statement'],
    ['a statement that is null', { Statement: [null] }, 'bucket policy statement'],
    ['a statement that is a string', { Statement: ['s3:*'] }, 'bucket policy statement'],
  ])('E4: %s', (_what, policyDocument, what) => {
    expectNotEvaluated(
      ENC03_S3_TLS_ONLY,
      (stack) => new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: new s3.CfnBucket(stack, 'Raw', {}).ref, policyDocument }),
      ['TestStack/Raw'],
      unreadable(`${what} cannot`),
    );
  });
});

describe(`${RULE}: passing fixtures`, () => {
  it('P1: enforceSSL and minimumTLSVersion 1.2', () => {
    expectCompliant(RULE, (stack) => new s3.Bucket(stack, 'Bucket', { enforceSSL: true, minimumTLSVersion: 1.2 }));
  });

  it('P2: SecureBucket', () => {
    expectCompliant(RULE, (stack) => new SecureBucket(stack, 'Bucket', { encryption: { s3Managed: true, reason: 'fixture' }, accessLogsReason: 'fixture' }));
  });

  it('P3: a raw bucket with a literal name, its policy with literal ARNs, Principal "*" and TlsVersion "1.3"', () => {
    expectCompliant(RULE, (stack) =>
      rawBucketWithPolicy(
        stack,
        () => [
          deny(['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'], { Bool: { 'aws:SecureTransport': false } }, { Principal: '*' }),
          deny(['arn:aws:s3:::hds-docs*'], { NumericLessThan: { 's3:TlsVersion': '1.3' } }, { Action: ['s3:*'] }),
        ],
        'hds-docs',
      ),
    );
  });

  it('P4: ARNs written with Fn::Sub (${Bucket} and ${AWS::Partition}), condition keys in another case', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = new s3.CfnBucket(stack, 'Raw', {});
      bucket.overrideLogicalId('Docs');
      const arns = [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Docs}' }, { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Docs}/*' }];
      new s3.CfnBucketPolicy(stack, 'RawPolicy', {
        bucket: bucket.ref,
        policyDocument: {
          Statement: [deny(arns, { Bool: { 'aws:securetransport': 'false' } }), deny(['*'], { NumericLessThan: { 'S3:TlsVersion': 1.2 } }, { Action: '*' })],
        },
      });
    });
  });

  it('P6: a bucket with a literal name, its policy naming the bucket by that literal name', () => {
    expectCompliant(RULE, (stack) => {
      new s3.CfnBucket(stack, 'Raw', { bucketName: 'hds-docs' });
      const arns = ['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'];
      new s3.CfnBucketPolicy(stack, 'RawPolicy', { bucket: 'hds-docs', policyDocument: { Statement: [deny(arns, insecure), deny(arns, oldTls)] } });
    });
  });

  it('P7: condition values as lists (values OR): SecureTransport [false], TlsVersion [1.0, 1.2]', () => {
    expectCompliant(RULE, (stack) =>
      rawBucketWithPolicy(stack, (b) => [
        deny(both(b), { Bool: { 'aws:SecureTransport': ['false'] } }),
        deny(both(b), { NumericLessThan: { 's3:TlsVersion': ['1.0', '1.2'] } }),
      ]),
    );
  });

  it('P5: a bucket policy added statement by statement (addToResourcePolicy)', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      for (const conditions of [insecure, oldTls]) {
        bucket.addToResourcePolicy(
          new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions: ['s3:*'], resources: [bucket.bucketArn, bucket.arnForObjects('*')], conditions }),
        );
      }
    });
  });

  it('P8: literal ARNs with a ? wildcard, for a bucket name with a dot', () => {
    expectCompliant(RULE, (stack) => rawBucketWithPolicy(stack, () => [deny(['arn:aws:s3:::hds.doc?', 'arn:aws:s3:::hds.doc?/*'], insecure), deny(['arn:aws:s3:::hds.docs*'], oldTls)], 'hds.docs'));
  });

  it('P9: one Resource given as a single Fn::Join (not a list), Action a list with s3:*, Principal another type and AWS *', () => {
    expectCompliant(RULE, (stack) => {
      const bucket = new s3.CfnBucket(stack, 'Raw', {});
      bucket.overrideLogicalId('Docs');
      const resource = { 'Fn::Join': ['', ['arn:aws:s3:::', { Ref: 'Docs' }, '*']] };
      new s3.CfnBucketPolicy(stack, 'RawPolicy', {
        bucket: bucket.ref,
        policyDocument: {
          Statement: [
            deny([], insecure, { Resource: resource, Action: ['s3:GetObject', 's3:*'] }),
            deny([], oldTls, { Resource: resource, Principal: { Service: 'cloudtrail.amazonaws.com', AWS: '*' } }),
          ],
        },
      });
    });
  });

  it('P10: a PolicyDocument given as JSON text (a raw CfnResource)', () => {
    expectCompliant(RULE, (stack) => {
      new s3.CfnBucket(stack, 'Raw', { bucketName: 'hds-docs' });
      const arns = ['arn:aws:s3:::hds-docs', 'arn:aws:s3:::hds-docs/*'];
      new CfnResource(stack, 'RawPolicy', { type: 'AWS::S3::BucketPolicy', properties: { Bucket: 'hds-docs', PolicyDocument: JSON.stringify({ Statement: [deny(arns, insecure), deny(arns, oldTls)] }) } });
    });
  });

  it('P11: a bucket named by a parameter, its policy referring to it (matched by reference, not by name)', () => {
    expectCompliant(RULE, (stack) => rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure), deny(both(b), oldTls)], parameterRef(stack)));
  });

  it('P12: a compliant bucket beside a bucket policy of the stack that cannot be read', () => {
    expectCompliant(RULE, (stack) => {
      rawBucketWithPolicy(stack, (b) => [deny(both(b), insecure), deny(both(b), oldTls)]);
      new s3.CfnBucketPolicy(stack, 'Unreadable', { bucket: parameterRef(stack), policyDocument: { Statement: [] } });
    });
  });
});
