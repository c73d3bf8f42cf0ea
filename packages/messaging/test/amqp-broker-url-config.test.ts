import { brokerEnv, parseConfig, type ConfigError } from '@ordering/platform';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

// BROKER_URL is validated by platform's `brokerEnv`; it lives here, next to the transport it selects.
describe('BROKER_URL (brokerEnv)', () => {
  const BrokerSchema = Type.Object({ ...brokerEnv });

  it('when BROKER_URL is unset, then it stays undefined (HTTP transport)', () => {
    expect(parseConfig(BrokerSchema, {}).BROKER_URL).toBeUndefined();
  });

  it('when BROKER_URL is an amqp or amqps URL, then it is taken as it is', () => {
    expect(parseConfig(BrokerSchema, { BROKER_URL: 'amqp://guest:guest@127.0.0.1:5672' }).BROKER_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(parseConfig(BrokerSchema, { BROKER_URL: 'amqps://broker.example/prod' }).BROKER_URL).toBe('amqps://broker.example/prod');
  });

  it('when BROKER_URL is not an amqp URL, then there is one problem line, without its credentials', () => {
    try {
      parseConfig(BrokerSchema, { BROKER_URL: 'http://user:secret@broker:5672' });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^BROKER_URL="http:\/\/\*\*\*@broker:5672" is invalid/);
      expect(problems[0]).not.toContain('secret');
    }
  });
});
