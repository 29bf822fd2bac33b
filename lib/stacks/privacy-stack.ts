import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { PrivateNetwork } from '../constructs/private-network';
import { Pseudonymisation } from '../constructs/pseudonymisation';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface PrivacyStackProps extends HdsStackProps {
  readonly network: PrivateNetwork;
  readonly logsKey: kms.IKey;
}

/** Secondary use and reversibility (DATA-02, DATA-03): pseudonymisation and the export job. */
export class PrivacyStack extends HdsStack {
  /** Present when `privacy.pseudonymisation.enabled`. */
  public readonly pseudonymisation?: Pseudonymisation;

  constructor(scope: Construct, id: string, props: PrivacyStackProps) {
    super(scope, id, { description: 'hds-blueprint privacy: pseudonymisation and reversibility export', ...props });
    const settings = this.config.privacy;
    if (settings.pseudonymisation.enabled) {
      this.pseudonymisation = new Pseudonymisation(this, 'Pseudonymisation', {
        aliasPrefix: this.config.environment,
        keyVersion: settings.pseudonymisation.keyVersion,
        reservedConcurrency: settings.pseudonymisation.reservedConcurrency,
        vpc: props.network.vpc,
        subnets: props.network.computeSubnets,
        vpcCidr: props.network.cidrBlock,
        logsKey: props.logsKey,
        logRetention: this.traceRetention,
      });
    }
  }
}
