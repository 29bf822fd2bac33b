import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IAM_ACTIONS } from '../../lambdas/restore-validator/permissions';
import { RestoreTesting, type RestoreTestingProps } from '../../lib/constructs/restore-testing';
import { testApp, testStack, testVpc } from '../support/app';

const PLAN_NAME = 'hds_test_restore_tests';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const actionsOf = (s: Statement) => [s.Action].flat();

function build(props: Partial<RestoreTestingProps> = {}) {
  // These tests read the template, not the bundle: skip esbuild.
  const stack = testStack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }));
  const vpc = testVpc(stack);
  const dataKey = new kms.Key(stack, 'DataKey');
  const logsKey = new kms.Key(stack, 'LogsKey');
  const vault = new backup.BackupVault(stack, 'Vault', { encryptionKey: dataKey });
  const topic = new sns.Topic(stack, 'Alerts');
  const construct = new RestoreTesting(stack, 'RestoreTesting', {
    namePrefix: 'hds-test',
    vault,
    frequency: 'weekly',
    startHour: 4,
    validationWindowHours: 6,
    selectionTag: { key: 'hds:backup', value: 'true' },
    vpc,
    computeSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    vpcCidr: '10.0.0.0/16',
    dbSubnetGroupName: 'restored-db-subnets',
    databasePort: 5432,
    dataKey,
    logsKey,
    logRetention: logs.RetentionDays.ONE_YEAR,
    allowedRegions: ['eu-west-3', 'eu-west-1'],
    alertTopic: topic,
    ...props,
  });
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  return {
    stack: stack as Stack,
    template,
    resources,
    ofType,
    construct,
    ids: {
      plan: stack.getLogicalId(construct.plan),
      vault: id(vault),
      dataKey: id(dataKey),
      topic: id(topic),
      validator: id(construct.validator),
      validatorRole: id(construct.validatorRole),
      validatorPolicy: id(construct.validatorPolicy),
      validatorSg: id(construct.validatorSecurityGroup),
      restoredDbSg: id(construct.restoredDatabaseSecurityGroup),
      subnets: vpc.isolatedSubnets.map((s) => id(s)),
    },
  };
}

describe('RestoreTesting (BAK-03), weekly', () => {
  const built = build();
  const { resources, ofType, ids, template } = built;
  const planProps = resources[ids.plan].Properties;
  const selections = ofType('AWS::Backup::RestoreTestingSelection').map(([, r]) => r);
  const selection = (type: string) => {
    const found = selections.filter((s) => s.Properties.ProtectedResourceType === type);
    expect(found).toHaveLength(1);
    return found[0];
  };

  describe('restore testing plan', () => {
    test('runs every Sunday at the start hour, Europe/Paris', () => {
      expect(resources[ids.plan].Type).toBe('AWS::Backup::RestoreTestingPlan');
      expect(planProps.RestoreTestingPlanName).toBe(PLAN_NAME);
      expect(planProps.ScheduleExpression).toBe('cron(0 4 ? * SUN *)');
      expect(planProps.ScheduleExpressionTimezone).toBe('Europe/Paris');
    });

    test('restores the latest recovery point of the last 7 days from the vault', () => {
      expect(planProps.RecoveryPointSelection).toMatchObject({
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': [ids.vault, 'BackupVaultArn'] }],
        SelectionWindowDays: 7,
      });
    });
  });

  describe('selections', () => {
    test('one for S3 and one for Aurora, on the plan, after it', () => {
      expect(selections.map((s) => s.Properties.ProtectedResourceType).sort()).toEqual(['Aurora', 'S3']);
      for (const s of selections) {
        expect(s.Properties.RestoreTestingPlanName).toBe(PLAN_NAME);
        expect(s.DependsOn).toContain(ids.plan);
      }
    });

    test('select by the backup tag, with the validation window', () => {
      for (const s of selections) {
        expect(s.Properties.ProtectedResourceArns).toEqual(['*']);
        expect(s.Properties.ProtectedResourceConditions).toEqual({
          StringEquals: [{ Key: 'aws:ResourceTag/hds:backup', Value: 'true' }],
        });
        expect(s.Properties.ValidationWindowHours).toBe(6);
      }
    });

    test('S3 copies are restored encrypted with the data key', () => {
      expect(selection('S3').Properties.RestoreMetadataOverrides).toEqual({
        encryptionType: 'SSE-KMS',
        kmsKey: { 'Fn::GetAtt': [ids.dataKey, 'Arn'] },
      });
    });

    test('Aurora copies are restored into the isolated subnet group, behind the restored-DB security group, with the data key', () => {
      const overrides = selection('Aurora').Properties.RestoreMetadataOverrides as Record<string, unknown>;
      expect(overrides.dbSubnetGroupName).toBe('restored-db-subnets');
      expect(overrides.kmsKeyId).toEqual({ 'Fn::GetAtt': [ids.dataKey, 'Arn'] });
      // A JSON list (as a string) whose only element is the restored-DB security group id.
      expect(overrides.vpcSecurityGroupIds).toEqual({
        'Fn::Join': ['', ['["', { 'Fn::GetAtt': [ids.restoredDbSg, 'GroupId'] }, '"]']],
      });
    });
  });

  test('restored databases accept connections only from the validator, on the database port', () => {
    expect(resources[ids.restoredDbSg].Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = ofType('AWS::EC2::SecurityGroupIngress')
      .map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify({ 'Fn::GetAtt': [ids.restoredDbSg, 'GroupId'] }));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [ids.validatorSg, 'GroupId'] },
    });
    expect(ingress[0].CidrIp).toBeUndefined();
  });

  describe('validator function', () => {
    const fn = resources[ids.validator].Properties;

    test('runs on nodejs24.x in the isolated subnets, behind its own security group', () => {
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.VpcConfig).toEqual({
        SecurityGroupIds: [{ 'Fn::GetAtt': [ids.validatorSg, 'GroupId'] }],
        SubnetIds: ids.subnets.map((s) => ({ Ref: s })),
      });
    });

    test('has reserved concurrency and a dead-letter queue', () => {
      expect(fn.ReservedConcurrentExecutions).toBe(2);
      expect(fn.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] } });
    });

    test('knows the expected key, the allowed regions, its metric namespace and the plan', () => {
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        EXPECTED_KEY_ARN: { 'Fn::GetAtt': [ids.dataKey, 'Arn'] },
        ALLOWED_REGIONS: 'eu-west-3,eu-west-1',
        METRIC_NAMESPACE: 'HdsBlueprint/RestoreTests',
        RESTORE_TESTING_PLAN_ARN: { 'Fn::GetAtt': [ids.plan, 'RestoreTestingPlanArn'] },
      });
    });

    test('runs as the validator role', () => {
      expect(fn.Role).toEqual({ 'Fn::GetAtt': [ids.validatorRole, 'Arn'] });
    });
  });

  describe('validator permissions (least privilege)', () => {
    const roleRef = { Ref: ids.validatorRole };
    const attachedTo = (props: Record<string, unknown>) =>
      ((props.Roles as unknown[] | undefined) ?? []).some((r) => JSON.stringify(r) === JSON.stringify(roleRef));
    const managed = ofType('AWS::IAM::ManagedPolicy').filter(([, r]) => attachedTo(r.Properties));
    const statements = () => (managed[0][1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;

    test('the role has no inline policy and no other managed policy', () => {
      const role = resources[ids.validatorRole].Properties;
      expect(role.Policies).toBeUndefined();
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(ofType('AWS::IAM::Policy').filter(([, r]) => attachedTo(r.Properties))).toEqual([]);
    });

    test('exactly one customer-managed policy is attached, and the function waits for it', () => {
      expect(managed.map(([id]) => id)).toEqual([ids.validatorPolicy]);
      expect(resources[ids.validator].DependsOn).toContain(ids.validatorPolicy);
    });

    test('grants every action the validator code calls', () => {
      const granted = new Set(statements().filter((s) => s.Effect === 'Allow').flatMap(actionsOf));
      expect(IAM_ACTIONS.length).toBeGreaterThan(0);
      expect(IAM_ACTIONS.filter((a) => !granted.has(a))).toEqual([]);
    });

    test('grants no wildcard action and no action that deletes, modifies, updates, restores or puts (beyond results, metrics, logs)', () => {
      const forbiddenVerb = /^(Delete|Modify|Update|Restore|Put(?!RestoreValidationResult|MetricData|LogEvents))/;
      const allowed = statements().filter((s) => s.Effect === 'Allow');
      const all = allowed.flatMap(actionsOf);
      expect(all.filter((a) => a.includes('*'))).toEqual([]);
      const forbidden = allowed.flatMap((s) =>
        actionsOf(s)
          .filter((a) => forbiddenVerb.test(a.split(':')[1]))
          .map((a) => `${s.Sid}/${a}`),
      );
      // Lambda manages a VPC function's network interfaces with the execution role, so the role must allow
      // ec2:DeleteNetworkInterface; the next test shows the function's own code is denied it.
      expect(forbidden).toEqual(['NetworkInterfacesInTheVpc/ec2:DeleteNetworkInterface']);
    });

    test("the function's own code is denied every network-interface change (lambda:SourceFunctionArn)", () => {
      const deny = statements().filter((s) => s.Effect === 'Deny');
      expect(deny).toHaveLength(1);
      expect(deny[0].Sid).toBe('FunctionCodeNeverTouchesNetworkInterfaces');
      expect(actionsOf(deny[0]).sort()).toEqual([
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:UnassignPrivateIpAddresses',
      ]);
      expect(deny[0].Resource).toBe('*');
      expect(deny[0].Condition).toEqual({ Null: { 'lambda:SourceFunctionArn': 'false' } });
    });

    test('the network-interface statement holds only what Lambda needs to attach to the VPC', () => {
      const eni = statements().filter((s) => s.Sid === 'NetworkInterfacesInTheVpc');
      expect(eni).toHaveLength(1);
      expect(actionsOf(eni[0]).sort()).toEqual([
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
      ]);
    });
  });

  describe('EventBridge rules', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const withStatus = (status: string[]) =>
      rules.filter((r) => JSON.stringify((r.EventPattern as { detail?: { status?: string[] } } | undefined)?.detail?.status) === JSON.stringify(status));
    const targetsOf = (r: Record<string, unknown>) => r.Targets as Record<string, unknown>[];

    test('a completed restore job invokes the validator', () => {
      const completed = withStatus(['COMPLETED']);
      expect(completed).toHaveLength(1);
      expect(completed[0].EventPattern).toEqual({
        source: ['aws.backup'],
        'detail-type': ['Restore Job State Change'],
        detail: { status: ['COMPLETED'] },
      });
      expect(targetsOf(completed[0]).map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': [ids.validator, 'Arn'] }]);
    });

    test('a failed or aborted restore job alerts the topic, linking the restore runbook', () => {
      const failed = withStatus(['FAILED', 'ABORTED']);
      expect(failed).toHaveLength(1);
      expect((failed[0].EventPattern as { source: string[] }).source).toEqual(['aws.backup']);
      const targets = targetsOf(failed[0]);
      expect(targets).toHaveLength(1);
      expect(targets[0].Arn).toEqual({ Ref: ids.topic });
      const transformer = targets[0].InputTransformer as { InputTemplate: string };
      expect(transformer.InputTemplate).toContain('docs/runbooks/restore.md');
      expect(transformer.InputTemplate).toContain('[BAK-03]');
    });

    test('a daily schedule invokes the validator (watchdog)', () => {
      const scheduled = rules.filter((r) => r.ScheduleExpression !== undefined);
      expect(scheduled).toHaveLength(1);
      expect(scheduled[0].ScheduleExpression).toMatch(/^cron\(\d+ \d+ \* \* \? \*\)$/);
      expect(targetsOf(scheduled[0]).map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': [ids.validator, 'Arn'] }]);
    });

    test('no other rule', () => {
      expect(rules).toHaveLength(3);
    });

    test('EventBridge may invoke the validator', () => {
      template.resourcePropertiesCountIs(
        'AWS::Lambda::Permission',
        { Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [ids.validator, 'Arn'] } },
        2,
      );
    });
  });

  describe('alarms', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);

    test.each(['S3', 'Aurora'])('RestoreValidationFailed for %s at 1', (type) => {
      const found = alarms.filter(
        (a) => a.MetricName === 'RestoreValidationFailed' && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'ResourceType', Value: type }]),
      );
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        Namespace: 'HdsBlueprint/RestoreTests',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    test('no successful restore test for more than a week plus a day (192 h); missing data breaches', () => {
      const stale = alarms.filter((a) => a.MetricName === 'HoursSinceLastSuccessfulRestoreTest');
      expect(stale).toHaveLength(1);
      expect(stale[0]).toMatchObject({
        Namespace: 'HdsBlueprint/RestoreTests',
        Threshold: 192,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    test('there are exactly three alarms and every one notifies the alert topic and links the runbook', () => {
      expect(alarms).toHaveLength(3);
      for (const a of alarms) {
        expect(a.AlarmActions).toEqual([{ Ref: ids.topic }]);
        expect(a.AlarmDescription).toContain('docs/runbooks/restore.md');
      }
    });
  });
});

describe('RestoreTesting (BAK-03), daily', () => {
  const { resources, ofType, ids } = build({ frequency: 'daily', startHour: 5 });
  const plan = resources[ids.plan].Properties;

  test('runs every day at the start hour, Europe/Paris, on the last day of recovery points', () => {
    expect(plan.ScheduleExpression).toBe('cron(0 5 * * ? *)');
    expect(plan.ScheduleExpressionTimezone).toBe('Europe/Paris');
    expect(plan.RecoveryPointSelection).toMatchObject({ Algorithm: 'LATEST_WITHIN_WINDOW', SelectionWindowDays: 1 });
  });

  test('alarms when no restore test succeeded for more than 48 h', () => {
    const stale = ofType('AWS::CloudWatch::Alarm')
      .map(([, r]) => r.Properties)
      .filter((a) => a.MetricName === 'HoursSinceLastSuccessfulRestoreTest');
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatchObject({ Threshold: 48, TreatMissingData: 'breaching' });
  });
});

describe('RestoreTesting validation', () => {
  test.each([
    [{ startHour: 24 }, /startHour is 24; allowed: a whole hour from 0 to 23/],
    [{ startHour: 2.5 }, /startHour is 2\.5/],
    [{ validationWindowHours: 0 }, /validationWindowHours is 0; allowed: 1 to 168 hours/],
    [{ validationWindowHours: 169 }, /validationWindowHours is 169/],
  ])('%p is refused', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('every problem is reported at once, with the construct path', () => {
    expect(() => build({ startHour: 24, validationWindowHours: 0 })).toThrow(
      /^TestStack\/RestoreTesting: invalid restore testing settings:\n {2}- startHour is 24.*\n {2}- validationWindowHours is 0/,
    );
  });
});
