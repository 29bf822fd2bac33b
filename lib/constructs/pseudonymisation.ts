import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { IAM_ACTIONS, MAC_ALGORITHM } from '../../lambdas/pseudonymise/permissions';
import { recordControls } from '../controls';
import { KEY_ADMIN_ACTIONS } from './platform-keys';
import { createPrivateFunction } from './private-function';

/** Where the function's source lives. */
export const PSEUDONYMISE_ENTRY = path.join(__dirname, '..', '..', 'lambdas', 'pseudonymise', 'index.ts');

export interface PseudonymisationProps {
  /** Prefix of the key alias: `alias/<prefix>/pseudonyms-v<keyVersion>`. */
  readonly aliasPrefix: string;
  /**
   * Generation of the pseudonymisation key. KMS cannot rotate HMAC keys: rotating means a new key, and
   * every pseudonym changes. Raising this number creates the new key beside the old one (retained) and
   * points the function at it; see the rotation note in `lambdas/pseudonymise/pseudonymise.ts`.
   * @default 1
   */
  readonly keyVersion?: number;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly vpcCidr: string;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Concurrent executions the function may use (each runs up to 8 GenerateMac calls at once). @default 5 */
  readonly reservedConcurrency?: number;
}

/**
 * Pseudonymisation for secondary use (DATA-02): an HMAC_256 KMS key that never leaves KMS and a function
 * in the isolated subnets that turns patient identifiers (INS, internal ids) into stable pseudonyms with
 * `GenerateMac` (`lambdas/pseudonymise/`).
 *
 * Only the function's role may use the key, only for `GenerateMac` with HMAC_SHA_256 (the key policy and
 * the role's policy both say so): whoever may compute pseudonyms can re-identify a known identifier, so
 * nobody else can, and every call is traced by CloudTrail. Callers are given `grantInvoke`.
 */
export class Pseudonymisation extends Construct {
  public readonly key: kms.Key;
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PseudonymisationProps) {
    super(scope, id);
    const version = props.keyVersion ?? 1;
    if (!Number.isInteger(version) || version < 1 || version > 99) {
      throw new Error(`${this.node.path}: keyVersion is ${version}; allowed: a whole number from 1 to 99 (raise it by one to rotate the key)`);
    }
    const concurrency = props.reservedConcurrency ?? 5;

    this.key = new kms.Key(this, `KeyV${version}`, {
      alias: `alias/${props.aliasPrefix}/pseudonyms-v${version}`,
      description: `hds-blueprint: pseudonyms of patient identifiers (DATA-02), generation ${version}; HMAC keys cannot rotate, see lambdas/pseudonymise`,
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      // KMS rotates symmetric encryption keys only; a new generation is a new key (keyVersion).
      enableKeyRotation: false,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'KeyAdministrationThroughIam',
            principals: [new iam.AccountRootPrincipal()],
            actions: [...KEY_ADMIN_ACTIONS],
            resources: ['*'],
          }),
        ],
      }),
    });
    recordControls(this.key, 'DATA-02', 'ENC-01');

    const fn = createPrivateFunction(this, 'Function', {
      entry: PSEUDONYMISE_ENTRY,
      description: 'hds-blueprint: pseudonymises patient identifiers with a KMS HMAC key (DATA-02)',
      roleDescription: 'Pseudonymisation (DATA-02): GenerateMac with the pseudonymisation key only',
      vpc: props.vpc,
      subnets: props.subnets,
      vpcCidr: props.vpcCidr,
      logsKey: props.logsKey,
      logRetention: props.logRetention,
      statements: [
        new iam.PolicyStatement({
          sid: 'PseudonymsWithTheHmacKeyOnly',
          actions: [...IAM_ACTIONS],
          resources: [this.key.keyArn],
          conditions: { StringEquals: { 'kms:MacAlgorithm': MAC_ALGORITHM } },
        }),
      ],
      requiredActions: IAM_ACTIONS,
      memorySize: 256,
      timeout: Duration.seconds(30),
      reservedConcurrentExecutions: concurrency,
      // Invoked synchronously: callers see errors themselves, nothing is retried behind their back.
      deadLetters: false,
      environment: { PSEUDONYM_KEY_ID: this.key.keyArn },
    });
    this.function = fn.function;
    this.role = fn.role;
    recordControls(this.function, 'DATA-02');

    // Nobody else may compute pseudonyms, not even an administrator of the account through IAM.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PseudonymsByTheFunctionOnly',
        principals: [new iam.ArnPrincipal(this.role.roleArn)],
        actions: [...IAM_ACTIONS],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:MacAlgorithm': MAC_ALGORITHM, 'kms:CallerAccount': Stack.of(this).account } },
      }),
    );
  }

  /** Lets an application or an analytics job ask for pseudonyms (and nothing else). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }
}
