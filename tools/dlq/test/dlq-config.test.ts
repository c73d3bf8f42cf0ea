import { describe, expect, it } from 'vitest';
import { readDlqEnvironment } from '../src/dlq-config.js';

const TOKEN = 'Kx9_-'.repeat(7);

/** What the environment holds, and what readDlqEnvironment must make of it. */
const CASES = [
  {
    when: 'the broker, its namespace, the data directory and service URLs are set',
    then: 'each is read, trimmed',
    env: {
      BROKER_URL: ' amqp://guest:guest@rabbit:5672 ',
      BROKER_NAMESPACE: 'staging',
      DATA_DIR: '/srv/ordering',
      ORDER_URL: 'http://order:8082',
      PATH: '/bin',
    },
    read: {
      brokerUrl: 'amqp://guest:guest@rabbit:5672',
      brokerNamespace: 'staging',
      dataDir: '/srv/ordering',
      serviceUrls: { order: 'http://order:8082' },
    },
  },
  {
    when: 'OPERATOR_TOKEN is set',
    then: "it is read as the token for the services' operator routes",
    env: { OPERATOR_TOKEN: TOKEN },
    read: { operatorToken: TOKEN, serviceUrls: {} },
  },
  {
    when: 'variables are blank, as `FOO=` in a compose file leaves them',
    then: 'they count as unset',
    env: { BROKER_URL: '', BROKER_NAMESPACE: '  ', DATA_DIR: '', ACCOUNT_URL: '', OPERATOR_TOKEN: '' },
    read: { serviceUrls: {} },
  },
];

describe('readDlqEnvironment', () => {
  it.each(CASES)('when $when, then $then', ({ env, read }) => {
    expect(readDlqEnvironment(env)).toEqual(read);
  });
});
