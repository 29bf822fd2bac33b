import { Stack, Validations } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
// cdk-nag's own flattening of a resource ARN into a finding id (not re-exported by its index).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';
import { isControlId, type ControlId } from '../policies/catalogue';

/** Validation plugins whose findings the platform may acknowledge, by plugin name. */
export type CheckPlugin = 'AwsSolutions' | 'HIPAA.Security' | 'CloudFormation-Validate' | 'HdsChecks';

export interface Acknowledgement {
  readonly plugin: CheckPlugin;
  /** The rule id as the plugin reports it, e.g. `AwsSolutions-S1` or `AwsSolutions-IAM5[Action::s3:*]`. */
  readonly rule: string;
  /** The control that compensates for, or explains, the accepted finding. */
  readonly control: ControlId;
  /** Why the finding is accepted: what makes it safe. */
  readonly reason: string;
}

/** A recorded acknowledgement, as found in the construct tree. */
export interface RecordedAcknowledgement {
  /** Construct path the acknowledgement was made on (it covers everything below). */
  readonly path: string;
  /** Fully qualified id, `<plugin>::<rule>`. */
  readonly id: string;
  readonly reason: string;
}

/**
 * Accepts a finding of a check on `scope` and everything below it, with a reason that names the
 * compensating control (EVD-04).
 *
 * The qualified form `<plugin>::<rule>` is used on purpose: CDK then lists the finding in
 * `validation-report.json` under `suppressedViolations` with this reason, so the evidence report
 * shows every acknowledgement (the plain form would drop the finding without a trace).
 */
export function acknowledge(scope: IConstruct, ack: Acknowledgement): void {
  if (!isControlId(ack.control)) {
    throw new Error(`${scope.node.path}: acknowledgement of ${ack.rule} names unknown control "${ack.control}"`);
  }
  if (ack.reason.trim().length < 20) {
    throw new Error(
      `${scope.node.path}: acknowledgement of ${ack.rule} needs a reason that says what compensates for it (received "${ack.reason}")`,
    );
  }
  Validations.of(scope).acknowledge({ id: `${ack.plugin}::${ack.rule}`, reason: `[${ack.control}] ${ack.reason}` });
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding that a grant on the objects of `buckets` raises on `policy`
 * (`<bucket ARN>/*`). When a bucket is in another stack, the finding id contains the cross-stack reference
 * CDK writes at synth (an `Fn::GetStackOutput` whose output name CDK chooses), so the ids are computed once
 * references are resolved, in a validation hook, with cdk-nag's own flattening.
 */
export function acknowledgeObjectWildcards(
  policy: IConstruct,
  buckets: readonly s3.IBucket[],
  ack: { readonly control: ControlId; readonly reason: string },
): void {
  policy.node.addValidation({
    validate: () => {
      for (const bucket of buckets) {
        const resource = flattenCfnReference(Stack.of(policy).resolve(bucket.arnForObjects('*')));
        acknowledge(policy, { plugin: 'AwsSolutions', rule: `AwsSolutions-IAM5[Resource::${resource}]`, ...ack });
      }
      return [];
    },
  });
}

/** Every acknowledgement recorded under `scope`, in tree order. */
export function acknowledgementsOf(scope: IConstruct): RecordedAcknowledgement[] {
  const found: RecordedAcknowledgement[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: node.node.path, id, reason });
      }
    }
  }
  return found;
}
