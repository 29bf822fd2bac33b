import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DutyRoles } from '../constructs/duty-roles';
import { PlatformUserPool } from '../constructs/user-pool';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface AccessStackProps extends HdsStackProps {
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  /** The health-data documents bucket, which operators and auditors never read. */
  readonly documents: s3.IBucket;
  /** Buckets of traces and evidence the auditor reads. */
  readonly traceBuckets: s3.IBucket[];
}

/**
 * Access (IAM-01..03, LOG-06): the operator, auditor and break-glass duty roles, each assumable only with
 * MFA, an access-reason session tag and for an hour at most; and the end users' Cognito user pool.
 */
export class AccessStack extends HdsStack {
  public readonly roles: DutyRoles;
  /** Absent when `userPool.enabled` is false. */
  public readonly userPool?: PlatformUserPool;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id, { description: 'hds-blueprint access: duty roles and user pool', ...props });
    const { access, environment, account } = this.config;
    // An empty list in config means the platform's account itself (its principals that IAM lets assume the role).
    const orAccount = (principals: readonly string[]) => (principals.length > 0 ? principals : [`arn:aws:iam::${account}:root`]);
    this.roles = new DutyRoles(this, 'Roles', {
      environment,
      operators: orAccount(access.operators),
      auditors: orAccount(access.auditors),
      breakGlass: orAccount(access.breakGlass),
      dataKey: props.dataKey,
      logsKey: props.logsKey,
      documents: props.documents,
      traceBuckets: props.traceBuckets,
    });
    if (this.config.userPool.enabled) {
      this.userPool = new PlatformUserPool(this, 'Users', {
        selfSignUp: this.config.userPool.selfSignUp,
        userPoolName: `${environment}-users`,
      });
    }
  }
}
