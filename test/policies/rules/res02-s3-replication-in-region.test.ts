import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Aws, Fn, PhysicalName, Token, type Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import type { Construct } from 'constructs';
import { RES02_S3_REPLICATION_IN_REGION } from '../../../policies/rules/res/s3-replication-in-region';
import {
  PARIS_ONLY,
  REFUSED_REGIONS,
  expectCompliantResources,
  expectEvaluationError,
  expectNotApplicable,
  expectNonCompliant,
  parameterRef,
  stackIn,
  verboseDescription,
} from './res-fixtures';

const RULE = RES02_S3_REPLICATION_IN_REGION;
const ROLE = 'arn:aws:iam::111111111111:role/replication';

/** A versioned bucket that replicates to `destination` (L2), as the editor's code would. */
function replicating(scope: Construct, destination: s3.IBucket, id = 'Source'): s3.Bucket {
  return new s3.Bucket(scope, id, { versioned: true, replicationRules: [{ destination, priority: 1 }] });
}

/** A destination bucket with a physical name, so that a stack in another region can refer to it. */
function destinationIn(stack: Stack, id = 'Replica'): s3.Bucket {
  return new s3.Bucket(stack, id, { versioned: true, bucketName: PhysicalName.GENERATE_IF_NEEDED });
}

/** A raw L1 bucket replicating to each of `destinations` (bucket ARNs), as a foreign template declares it. */
function rawReplicating(stack: Stack, destinations: unknown[], extra: Partial<s3.CfnBucket.ReplicationRuleProperty> = {}): s3.CfnBucket {
  return new s3.CfnBucket(stack, 'Source', {
    versioningConfiguration: { status: 'Enabled' },
    replicationConfiguration: {
      role: ROLE,
      rules: destinations.map((bucket) => ({ status: 'Enabled', destination: { bucket: bucket as string }, ...extra })),
    },
  });
}

/** A raw L1 bucket named `name`. */
function rawNamed(stack: Stack, name: string, id = 'Replica'): s3.CfnBucket {
  return new s3.CfnBucket(stack, id, { bucketName: name, versioningConfiguration: { status: 'Enabled' } });
}

const TEMPLATES = fs.mkdtempSync(path.join(os.tmpdir(), 'res02-s3-'));
afterAll(() => fs.rmSync(TEMPLATES, { recursive: true, force: true }));

/** Writes a template to a temporary file for cloudformation-include. */
function templateFile(template: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(TEMPLATES, 't-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify(template));
  return file;
}

/** A foreign template: a bucket replicating to another bucket of the same template (GetAtt). */
const INCLUDED = {
  Resources: {
    Replica: { Type: 'AWS::S3::Bucket', Properties: { VersioningConfiguration: { Status: 'Enabled' } } },
    Source: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        ReplicationConfiguration: {
          Role: ROLE,
          Rules: [{ Status: 'Enabled', Destination: { Bucket: { 'Fn::GetAtt': ['Replica', 'Arn'] } } }],
        },
      },
    },
  },
};

describe(`HDS-${RULE.id}: failing fixtures`, () => {
  it.each(REFUSED_REGIONS)('F1: a bucket replicating to a bucket of the app in a stack in %s (L2, cross-region reference)', (region) => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        replicating(stack, destinationIn(stackIn(app, 'Far', region)));
      },
      ['TestStack/Source/Resource'],
    );
  });

  it('F2: a raw L1 bucket replicating to the literal ARN of a bucket the app names, in a stack in eu-west-2', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        rawNamed(stackIn(app, 'London', 'eu-west-2'), 'hds-replica-london');
        rawReplicating(stack, ['arn:aws:s3:::hds-replica-london']);
      },
      ['TestStack/Source'],
    );
  });

  it('F3: a destination ARN built with Fn::Sub and ${AWS::Region}, naming a bucket of the app in eu-central-2', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        rawNamed(stackIn(app, 'Zurich', 'eu-central-2'), 'hds-replica-eu-west-3');
        rawReplicating(stack, [Fn.sub('arn:${AWS::Partition}:s3:::hds-replica-${AWS::Region}')]);
      },
      ['TestStack/Source'],
    );
  });

  it('F4: a destination ARN built with Fn::Join and AWS::Region, naming a bucket of the app in us-east-1', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        rawNamed(stackIn(app, 'Virginia', 'us-east-1'), 'hds-replica-eu-west-3');
        rawReplicating(stack, [Fn.join('', ['arn:', Aws.PARTITION, ':s3:::hds-replica-', Aws.REGION])]);
      },
      ['TestStack/Source'],
    );
  });

  it('F5: a destination in eu-west-1, an HDS region, when the deployment allows only eu-west-3', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        replicating(stack, destinationIn(stackIn(app, 'Ireland', 'eu-west-1')));
      },
      ['TestStack/Source/Resource'],
      PARIS_ONLY,
    );
  });

  it('F6: two rules, one to the same stack and one to eu-west-2: the bucket is reported', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        const near = new s3.Bucket(stack, 'Near', { versioned: true });
        const far = destinationIn(stackIn(app, 'London', 'eu-west-2'));
        new s3.Bucket(stack, 'Source', {
          versioned: true,
          replicationRules: [
            { destination: near, priority: 1 },
            { destination: far, priority: 2 },
          ],
        });
      },
      ['TestStack/Source/Resource'],
    );
  });

  it('F7: a destination that is not evaluable and one in us-east-1: the definite finding is reported, not an evaluation error', () => {
    expect(
      verboseDescription(RULE, (stack, app) => {
        rawNamed(stackIn(app, 'Virginia', 'us-east-1'), 'hds-replica-virginia');
        rawReplicating(stack, [parameterRef(stack), 'arn:aws:s3:::hds-replica-virginia']);
      }),
    ).toMatch(/^\[RES-02\] This bucket replicates objects/);
  });

  it('F8: an included template (cloudformation-include) whose bucket replicates within the template, in a stack in eu-west-2', () => {
    expectNonCompliant(
      RULE,
      (_stack, app) => {
        new CfnInclude(stackIn(app, 'London', 'eu-west-2'), 'Template', { templateFile: templateFile(INCLUDED) });
      },
      ['London/Template/Source'],
    );
  });

  it('F9: the property written by an override (addPropertyOverride) is the one judged', () => {
    expectNonCompliant(
      RULE,
      (stack, app) => {
        const far = destinationIn(stackIn(app, 'London', 'eu-west-2'));
        const source = rawReplicating(stack, [new s3.Bucket(stack, 'Near', { versioned: true }).bucketArn]);
        source.addPropertyOverride('ReplicationConfiguration.Rules.0.Destination.Bucket', far.bucketArn);
      },
      ['TestStack/Source'],
    );
  });

  it('F10: a destination whose ARN says its region (a directory bucket) in us-east-1', () => {
    expectNonCompliant(RULE, (stack) => void rawReplicating(stack, ['arn:aws:s3express:us-east-1:111111111111:bucket/replica--use1-az4--x-s3']), ['TestStack/Source']);
  });
});

describe(`HDS-${RULE.id}: fixtures that cannot be evaluated`, () => {
  it('E1: a literal bucket ARN of a bucket outside the app (its region is unknown)', () => {
    expectEvaluationError(RULE, (stack) => void rawReplicating(stack, ['arn:aws:s3:::somebody-elses-bucket']), 'TestStack/Source');
  });

  it('E2: a destination given by a template parameter', () => {
    expectEvaluationError(RULE, (stack) => void rawReplicating(stack, [parameterRef(stack)]), 'TestStack/Source');
  });

  it('E3: a destination in an environment-agnostic stack', () => {
    expectEvaluationError(
      RULE,
      (_stack, app) => {
        const unpinned = stackIn(app, 'Unpinned', undefined);
        replicating(unpinned, new s3.Bucket(unpinned, 'Replica', { versioned: true }));
      },
      'Unpinned/Source/Resource',
    );
  });

  it('E4: replication rules behind an Fn::If', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        const source = rawReplicating(stack, []);
        source.addPropertyOverride('ReplicationConfiguration.Rules', Fn.conditionIf('Replicate', [], Aws.NO_VALUE));
      },
      'TestStack/Source',
    );
  });

  it('E5: a whole replication configuration behind an Fn::If', () => {
    expectEvaluationError(
      RULE,
      (stack) => {
        new s3.CfnBucket(stack, 'Source', {
          replicationConfiguration: Token.asAny(Fn.conditionIf('Replicate', { Role: ROLE, Rules: [] }, Aws.NO_VALUE)),
        });
      },
      'TestStack/Source',
    );
  });

  it('E6: the reason is in the description when the pack is verbose', () => {
    expect(verboseDescription(RULE, (stack) => void rawReplicating(stack, ['arn:aws:s3:::somebody-elses-bucket']))).toMatch(
      /^Rule threw an error during validation\. \[RES-02\] region of the destination of replication rule 0 of TestStack\/Source \(not a bucket of this app/,
    );
  });

  it('E7: the verbose description names replication rules behind an Fn::If, and a destination that is not a bucket ARN', () => {
    expect(
      verboseDescription(RULE, (stack) => {
        rawReplicating(stack, []).addPropertyOverride('ReplicationConfiguration.Rules', Fn.conditionIf('Replicate', [], Aws.NO_VALUE));
      }),
    ).toMatch(/\[RES-02\] replication rules of TestStack\/Source cannot be evaluated/);
    expect(verboseDescription(RULE, (stack) => void rawReplicating(stack, ['arn:aws:s3:::bucket/prefix']))).toMatch(
      /\[RES-02\] region of the destination of replication rule 0 of TestStack\/Source \(not a bucket of this app, so its region is unknown\)/,
    );
  });
});

describe(`HDS-${RULE.id}: passing fixtures`, () => {
  it('P1: replication to a bucket of the same stack (eu-west-3)', () => {
    expectCompliantResources(RULE, (stack) => void replicating(stack, new s3.Bucket(stack, 'Replica', { versioned: true })), [
      'TestStack/Source/Resource',
    ]);
  });

  it('P2: replication to a bucket of the app in a stack in eu-west-1 (cross-region reference)', () => {
    expectCompliantResources(RULE, (stack, app) => void replicating(stack, destinationIn(stackIn(app, 'Ireland', 'eu-west-1'))), [
      'TestStack/Source/Resource',
    ]);
  });

  it('P3: replication to a bucket of another stack of the same region (Fn::ImportValue)', () => {
    expectCompliantResources(
      RULE,
      (stack, app) => void replicating(stack, new s3.Bucket(stackIn(app, 'Other', 'eu-west-3'), 'Replica', { versioned: true })),
      ['TestStack/Source/Resource'],
    );
  });

  it('P4: a raw L1 bucket replicating to the literal ARN of a bucket the app names, in eu-west-1', () => {
    expectCompliantResources(
      RULE,
      (stack, app) => {
        rawNamed(stackIn(app, 'Ireland', 'eu-west-1'), 'hds-replica-ireland');
        rawReplicating(stack, ['arn:aws:s3:::hds-replica-ireland']);
      },
      ['TestStack/Source'],
    );
  });

  it('P5: Fn::Sub with ${AWS::Region}, naming a bucket of the app in eu-west-3', () => {
    expectCompliantResources(
      RULE,
      (stack, app) => {
        rawNamed(stackIn(app, 'Paris', 'eu-west-3'), 'hds-replica-eu-west-3');
        rawReplicating(stack, [Fn.sub('arn:${AWS::Partition}:s3:::hds-replica-${AWS::Region}')]);
      },
      ['TestStack/Source'],
    );
  });

  it('P6: a rule whose Status is Disabled replicates nothing, even to a bucket outside the app', () => {
    expectCompliantResources(RULE, (stack) => void rawReplicating(stack, ['arn:aws:s3:::somebody-elses-bucket'], { status: 'Disabled' }), [
      'TestStack/Source',
    ]);
  });

  it('P7: the included template in a stack in eu-west-3', () => {
    expectCompliantResources(
      RULE,
      (_stack, app) => void new CfnInclude(stackIn(app, 'Paris', 'eu-west-3'), 'Template', { templateFile: templateFile(INCLUDED) }),
      ['Paris/Template/Source'],
    );
  });

  it('P8: a bucket without replication is compliant; a resource that is not a bucket is not applicable', () => {
    expectCompliantResources(RULE, (stack) => void new s3.Bucket(stack, 'Bucket'), ['TestStack/Bucket/Resource']);
    expectNotApplicable(RULE, (stack) => void new s3.CfnAccessPoint(stack, 'AccessPoint', { bucket: 'anything' }));
  });
});
