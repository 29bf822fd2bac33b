import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { recordControls } from '../controls';

export interface AlertTopicProps {
  /**
   * Encrypts messages at rest (ENC-02). Its policy must let CloudWatch alarms and EventBridge use it
   * (`PlatformKeys.logs` does).
   */
  readonly key: kms.IKey;
  /** Address that receives every alert (DET-03). */
  readonly email: string;
}

/**
 * The one topic where security and backup alerts go (DET-03): KMS-encrypted, TLS-only publishing,
 * with an e-mail subscription. Alarms and EventBridge rules of the platform publish here.
 */
export class AlertTopic extends Construct {
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Resource', {
      displayName: 'hds-blueprint alerts',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    recordControls(this.topic, 'DET-03', 'ENC-02');
  }
}
