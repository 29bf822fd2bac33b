import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  /**
   * HTTPS endpoint of the editor's on-call tool (PagerDuty, Opsgenie, ...), subscribed to every alert
   * besides the e-mail address. Alerts may name health-data resources: `https://` only (ENC-03).
   * @default - no HTTPS subscription: alerts go to the e-mail address only
   */
  readonly httpsEndpoint?: string;
}

/**
 * The one topic where security and backup alerts go (DET-03): KMS-encrypted, TLS-only publishing,
 * with an e-mail subscription and, optionally, an HTTPS subscription for an on-call tool. Alarms and
 * EventBridge rules of the platform publish here.
 */
export class AlertTopic extends Construct {
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    validateHttpsEndpoint(this, props.httpsEndpoint);
    this.topic = new sns.Topic(this, 'Resource', {
      displayName: 'hds-blueprint alerts',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    if (props.httpsEndpoint !== undefined) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(props.httpsEndpoint, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }
    // CloudWatch publishes alarm notifications as the alarm: once the topic has a policy (the TLS-only one),
    // nothing else lets it publish, and every alarm of the platform would be refused.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccountPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
        },
      }),
    );
    recordControls(this.topic, 'DET-03', 'ENC-02');
  }
}

function validateHttpsEndpoint(scope: Construct, endpoint: string | undefined): void {
  if (endpoint === undefined || Token.isUnresolved(endpoint)) return;
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.hostname === '') {
    throw new Error(
      `${scope.node.path}: httpsEndpoint is "${endpoint}"; allowed: an absolute https:// URL (alerts may name health-data resources and must not travel in clear, ENC-03). Use the HTTPS address your on-call tool gives for SNS, or leave httpsEndpoint unset`,
    );
  }
}
