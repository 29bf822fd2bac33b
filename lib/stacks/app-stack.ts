import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ContainerService } from '../constructs/container-service';
import { EntryPoint } from '../constructs/entry-point';
import type { HealthDataStore } from '../constructs/health-data-store';
import { HdsStack, type HdsStackProps } from './hds-stack';

export interface AppStackProps extends HdsStackProps {
  readonly vpc: ec2.IVpc;
  readonly computeSubnets: ec2.SubnetSelection;
  readonly entrySubnets: ec2.SubnetSelection;
  readonly dataKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly accessLogs: s3.IBucket;
  readonly store: HealthDataStore;
}

/**
 * The editor's application (NET-04, NET-05, ENC-03, LOG-05, IAM-02): one internet entry point (a TLS-only
 * load balancer behind WAF, in the public entry subnets) and the configured services on Fargate in the
 * isolated compute subnets, each with its private ECR repository, reading and writing the health data
 * through grants (documents bucket, database with IAM authentication).
 */
export class AppStack extends HdsStack {
  public readonly entryPoint: EntryPoint;
  public readonly services: Record<string, ContainerService> = {};

  constructor(scope: Construct, id: string, props: AppStackProps) {
    super(scope, id, { description: 'hds-blueprint application: entry point, services, repositories', ...props });
    const app = this.config.application;
    this.entryPoint = new EntryPoint(this, 'EntryPoint', {
      vpc: props.vpc,
      subnets: props.entrySubnets,
      certificate: app.certificateArn !== undefined ? { certificateArn: app.certificateArn } : { domainName: app.domainName! },
      accessLogs: props.accessLogs,
      logsKey: props.logsKey,
      logRetention: this.traceRetention,
      rateLimitPer5Minutes: app.rateLimitPer5Minutes,
      environment: this.config.environment,
    });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });
    app.services.forEach((s, i) => {
      const service = new ContainerService(this, `Service-${s.name}`, {
        name: s.name,
        vpc: props.vpc,
        subnets: props.computeSubnets,
        cluster,
        imageTag: s.imageTag,
        containerPort: s.port,
        cpu: s.cpu,
        memoryMiB: s.memoryMiB,
        desiredCount: s.minCount,
        minCount: s.minCount,
        maxCount: s.maxCount,
        healthCheckPath: s.healthCheckPath,
        repositoryKey: props.dataKey,
        logsKey: props.logsKey,
        logRetention: this.traceRetention,
      });
      this.entryPoint.addService(service, { priority: (i + 1) * 10, pathPatterns: s.pathPatterns });
      props.store.grantReadWrite(service, s.name);
      this.services[s.name] = service;
    });
  }
}
