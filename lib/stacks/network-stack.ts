import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { PrivateNetwork } from '../constructs/private-network';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface NetworkStackProps extends HdsStackProps {
  readonly logsKey: kms.IKey;
}

/** The private network (NET-01..04). */
export class NetworkStack extends HdsStack {
  public readonly network: PrivateNetwork;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, { description: 'hds-blueprint network: isolated VPC, endpoints, flow logs', ...props });
    this.network = new PrivateNetwork(this, 'Network', {
      cidr: this.config.network.cidr,
      availabilityZones: this.availabilityZones,
      logsKey: props.logsKey,
      flowLogRetention: this.traceRetention,
      // The application's load balancer is the one public resource (NET-05).
      // The application's load balancer, and an internet-facing SFTP server, live in public entry subnets.
      publicEntry: this.config.application.enabled || (this.config.exchange.enabled && this.config.exchange.internetFacing),
    });
  }
}
