import { brokerEnv, parseConfig, type ConfigError } from '@ordering/platform';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

// BROKER_URL and BROKER_NAMESPACE are validated by platform's `brokerEnv`; this lives here, next to the transport they select.
describe('BROKER_URL and BROKER_NAMESPACE (brokerEnv)', () => {
  const BrokerSchema = Type.Object({ ...brokerEnv });

  it('when BROKER_URL is unset, then it stays undefined (HTTP transport)', () => {
    expect(parseConfig(BrokerSchema, {}).BROKER_URL).toBeUndefined();
  });

  it('when BROKER_URL is an amqp or amqps URL, then it is taken as it is', () => {
    expect(parseConfig(BrokerSchema, { BROKER_URL: 'amqp://guest:guest@127.0.0.1:5672' }).BROKER_URL).toBe(
      'amqp://guest:guest@127.0.0.1:5672',
    );
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

  it('when BROKER_NAMESPACE is unset, then it stays undefined and the transport uses its default', () => {
    expect(parseConfig(BrokerSchema, {}).BROKER_NAMESPACE).toBeUndefined();
  });

  it('when BROKER_NAMESPACE is a lower-case name, then it is taken as it is', () => {
    expect(parseConfig(BrokerSchema, { BROKER_NAMESPACE: 'bench_1f2e-a' }).BROKER_NAMESPACE).toBe('bench_1f2e-a');
  });

  it.each(['Ordering', 'ordering.prod', '1st', 'a'.repeat(41), 'two words'])(
    'when BROKER_NAMESPACE is %j, then there is one problem line naming it',
    (value) => {
      try {
        parseConfig(BrokerSchema, { BROKER_NAMESPACE: value });
        expect.unreachable();
      } catch (error) {
        const problems = (error as ConfigError).problems;
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^BROKER_NAMESPACE=.* is invalid/);
      }
    },
  );
});
