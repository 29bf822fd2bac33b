import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { PrivateNetwork } from '../constructs/private-network';
import { SecureExchange } from '../constructs/secure-exchange';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface ExchangeStackProps extends HdsStackProps {
  readonly network: PrivateNetwork;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly accessLogs: s3.IBucket;
}

/** Secure file exchange with laboratories and peers (`exchange` in the config, off by default). */
export class ExchangeStack extends HdsStack {
  public readonly exchange: SecureExchange;

  constructor(scope: Construct, id: string, props: ExchangeStackProps) {
    super(scope, id, { description: 'hds-blueprint exchange: SFTP server and exchange bucket', ...props });
    const settings = this.config.exchange;
    const network = props.network;
    if (settings.internetFacing && !network.entrySubnets) {
      throw new Error(`${this.node.path}: an internet-facing exchange needs the network's public entry subnets (PrivateNetwork publicEntry)`);
    }
    this.exchange = new SecureExchange(this, 'Exchange', {
      vpc: network.vpc,
      subnets: settings.internetFacing ? network.entrySubnets! : network.computeSubnets,
      vpcCidr: network.cidrBlock,
      internetFacing: settings.internetFacing ? { allowedSourceCidrs: settings.allowedSourceCidrs } : undefined,
      identity:
        settings.identityProviderFunctionArn !== undefined
          ? { identityProviderFunctionArn: settings.identityProviderFunctionArn }
          : { users: settings.users },
      dataKey: props.dataKey,
      logsKey: props.logsKey,
      logRetention: this.traceRetention,
      accessLogs: props.accessLogs,
      retentionDays: settings.retentionDays,
    });
  }
}
