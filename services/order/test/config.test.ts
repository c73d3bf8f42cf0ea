import { describeMessageSecurityConfig } from '@ordering/testing';
import { readConfig } from '../src/config.js';

describeMessageSecurityConfig({
  service: 'order',
  env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/order' },
  senders: 'orchestrator',
  readConfig,
});
