import { describe, expect, it } from 'vitest';
import { parseDlqArguments, UsageError } from '../src/dlq-arguments.js';

describe('dlq arguments', () => {
  it('when nothing, help or --help is given, then the command is help', () => {
    expect(parseDlqArguments([])).toEqual({ name: 'help' });
    expect(parseDlqArguments(['help'])).toEqual({ name: 'help' });
    expect(parseDlqArguments(['list', '--help'])).toEqual({ name: 'help' });
  });

  it('when list is given its options, then they are parsed, with a default limit', () => {
    expect(parseDlqArguments(['list'])).toEqual({ name: 'list', limit: 100, json: false });
    expect(parseDlqArguments(['list', '--service', 'order', '--limit', '5', '--json'])).toEqual({
      name: 'list',
      service: 'order',
      limit: 5,
      json: true,
    });
  });

  it('when a transport option is given, then any command carries it', () => {
    expect(parseDlqArguments(['show', 'abc', '--broker', 'amqp://localhost', '--namespace', 'staging'])).toEqual({
      name: 'show',
      id: 'abc',
      json: false,
      broker: 'amqp://localhost',
      namespace: 'staging',
    });
    expect(parseDlqArguments(['replay', 'abc', '--message', '-', '--data-dir', '/tmp/x'])).toEqual({
      name: 'replay',
      id: 'abc',
      messageFile: '-',
      dataDir: '/tmp/x',
    });
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['list', '--limit', '0'], /--limit must be an integer between 1 and \d+, got "0"/],
    [['list', '--limit', 'ten'], /--limit must be an integer between 1 and \d+, got "ten"/],
    [['list', '--limit'], /argument missing/],
    [['list', '--service', 'gateway'], /--service must be one of customer, order, account, orchestrator/],
    [['list', 'extra'], /'list' takes no arguments/],
    [['show'], /'show' needs exactly one dead-letter id/],
    [['replay', 'a', 'b'], /'replay' needs exactly one dead-letter id/],
    [['show', 'abc', '--message', 'x.json'], /'show' takes no --message/],
    [['replay', 'abc', '--json'], /'replay' takes no --json/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['list', '--broker', 'http://localhost'], /--broker must be an amqp/],
  ])('when the arguments are %j, then a usage error says what is wrong', (argv, message) => {
    expect(() => parseDlqArguments(argv)).toThrow(UsageError);
    expect(() => parseDlqArguments(argv)).toThrow(message);
  });
});
