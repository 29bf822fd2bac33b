import { Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HdsConfig } from '../config';
import { checkOptionsFor } from '../checks';
import { PLATFORM_METADATA_KEY } from '../controls';

export interface HdsStackProps extends StackProps {
  readonly config: HdsConfig;
}

/**
 * Base of every platform stack: pinned to the configured account and region (RES-01), never
 * environment-agnostic, with termination protection on.
 */
export abstract class HdsStack extends Stack {
  protected readonly config: HdsConfig;

  constructor(scope: Construct, id: string, props: HdsStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.config.account, region: props.config.region },
      terminationProtection: true,
    });
    this.config = props.config;
    this.templateOptions.metadata = {
      ...this.templateOptions.metadata,
      [PLATFORM_METADATA_KEY]: {
        checks: checkOptionsFor(props.config),
        hosting: props.config.hosting,
      },
    };
  }

  /** Availability zones from the config: no lookup, so synth works offline for any account. */
  public override get availabilityZones(): string[] {
    return ['a', 'b', 'c'].slice(0, this.config.network.azCount).map((suffix) => `${this.config.region}${suffix}`);
  }

  /** Trace retention as CloudWatch Logs understands it (the config only admits accepted values). */
  protected get traceRetention(): logs.RetentionDays {
    return this.config.traceRetentionDays as logs.RetentionDays;
  }

  /** Lock mode for Object Lock and vault lock: compliance in production only (irreversible). */
  protected get lockMode(): 'COMPLIANCE' | 'GOVERNANCE' {
    return this.config.stage === 'production' ? 'COMPLIANCE' : 'GOVERNANCE';
  }
}
