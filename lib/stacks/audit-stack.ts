import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AuditTrail } from '../constructs/audit-trail';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface AuditStackProps extends HdsStackProps {
  readonly logsKey: kms.IKey;
  readonly archive: s3.IBucket;
  readonly healthDataBuckets: s3.IBucket[];
}

/**
 * The audit trail (LOG-01, LOG-02). Its own stack, deployed after the data stack, because the trail
 * records data events on the health-data buckets.
 */
export class AuditStack extends HdsStack {
  public readonly audit: AuditTrail;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, { description: 'hds-blueprint audit: CloudTrail trail', ...props });
    this.audit = new AuditTrail(this, 'AuditTrail', {
      trailName: `${this.config.environment}-audit-trail`,
      archive: props.archive,
      logsKey: props.logsKey,
      retention: this.traceRetention,
      healthDataBuckets: props.healthDataBuckets,
    });
  }
}
