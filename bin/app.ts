#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ConfigError, loadConfig } from '../lib/config';
import { registerChecks } from '../lib/checks';
import { buildPlatform } from '../lib/platform';

const app = new App();
try {
  const { config } = loadConfig(app.node);
  buildPlatform(app, config);
  registerChecks(app, config);
} catch (error) {
  if (error instanceof ConfigError) {
    // The config is the user's input: say what is wrong, not where in our code it was noticed.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
