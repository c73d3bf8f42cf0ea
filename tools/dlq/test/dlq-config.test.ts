import { describe, expect, it } from 'vitest';
import { readDlqEnvironment } from '../src/dlq-config.js';

describe('readDlqEnvironment', () => {
  it('when the broker, its namespace, the data directory and service URLs are set, then each is read, trimmed', () => {
    const env = readDlqEnvironment({
      BROKER_URL: ' amqp://guest:guest@rabbit:5672 ',
      BROKER_NAMESPACE: 'staging',
      DATA_DIR: '/srv/ordering',
      ORDER_URL: 'http://order:8082',
      PATH: '/bin',
    });

    expect(env).toEqual({ brokerUrl: 'amqp://guest:guest@rabbit:5672', brokerNamespace: 'staging', dataDir: '/srv/ordering', serviceUrls: { order: 'http://order:8082' } });
  });

  it('when OPERATOR_TOKEN is set, then it is read as the token for the services\' operator routes', () => {
    expect(readDlqEnvironment({ OPERATOR_TOKEN: 'Kx9_-'.repeat(7) })).toEqual({ operatorToken: 'Kx9_-'.repeat(7), serviceUrls: {} });
  });

  it('when variables are blank, as `FOO=` in a compose file leaves them, then they count as unset', () => {
    expect(readDlqEnvironment({ BROKER_URL: '', BROKER_NAMESPACE: '  ', DATA_DIR: '', ACCOUNT_URL: '', OPERATOR_TOKEN: '' })).toEqual({ serviceUrls: {} });
  });
});
