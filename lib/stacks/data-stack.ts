import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { documentsExpiryDays } from '../config/retention';
import { HealthDataStore } from '../constructs/health-data-store';
import type { PrivateNetwork } from '../constructs/private-network';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface DataStackProps extends HdsStackProps {
  readonly network: PrivateNetwork;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly accessLogs: s3.IBucket;
}

/** Health data: documents and database (ENC-02/03, LOG-05). */
export class DataStack extends HdsStack {
  public readonly store: HealthDataStore;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { description: 'hds-blueprint data: documents bucket and Aurora PostgreSQL', ...props });
    this.store = new HealthDataStore(this, 'HealthData', {
      namePrefix: this.config.environment,
      vpc: props.network.vpc,
      dataSubnets: props.network.dataSubnets,
      dataKey: props.dataKey,
      logsKey: props.logsKey,
      accessLogs: props.accessLogs,
      logRetention: this.traceRetention,
      minCapacity: this.config.database.minCapacity,
      maxCapacity: this.config.database.maxCapacity,
      readers: this.config.database.readers,
      documentsRetention: {
        expireAfterDays: documentsExpiryDays(this.config.documents.retention),
        previousVersionsDays: this.config.documents.retention.previousVersionsDays,
        lockDays: this.config.documents.retention.lockDays,
      },
    });
  }
}
