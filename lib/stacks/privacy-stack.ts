import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { HealthDataStore } from '../constructs/health-data-store';
import type { Construct } from 'constructs';
import type { PrivateNetwork } from '../constructs/private-network';
import { Pseudonymisation } from '../constructs/pseudonymisation';
import { ReversibilityExport } from '../constructs/reversibility-export';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface PrivacyStackProps extends HdsStackProps {
  readonly network: PrivateNetwork;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly accessLogs: s3.IBucket;
  readonly store: HealthDataStore;
  readonly alertTopic: sns.ITopic;
}

/** Secondary use and reversibility (DATA-02, DATA-03): pseudonymisation and the export job. */
export class PrivacyStack extends HdsStack {
  /** Present when `privacy.pseudonymisation.enabled`. */
  public readonly pseudonymisation?: Pseudonymisation;
  /** Present when `privacy.reversibility.enabled`. */
  public readonly reversibility?: ReversibilityExport;

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
    if (settings.reversibility.enabled) {
      this.reversibility = new ReversibilityExport(this, 'Reversibility', {
        aliasPrefix: this.config.environment,
        vpc: props.network.vpc,
        subnets: props.network.computeSubnets,
        vpcCidr: props.network.cidrBlock,
        documents: props.store.documents,
        dataKey: props.dataKey,
        clusterIdentifier: props.store.database.clusterIdentifier,
        logsKey: props.logsKey,
        logRetention: this.traceRetention,
        accessLogs: props.accessLogs,
        alertTopic: props.alertTopic,
      });
    }
  }
}
