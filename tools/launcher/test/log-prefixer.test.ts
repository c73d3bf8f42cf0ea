import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogPrefixer, type LogPrefixerOptions } from '../src/log-prefixer.js';

const LINE = JSON.stringify({
  level: 'info',
  time: '2026-01-01T10:00:00.000Z',
  service: 'order',
  pid: 42,
  msg: 'order placed',
  orderId: 'o-1',
});

const capture = (options: Omit<LogPrefixerOptions, 'write'>, name: string, lines: string[]): string => {
  let output = '';
  const print = createLogPrefixer({ ...options, write: (text) => (output += text) })(name);
  lines.forEach(print);
  return output;
};

describe('createLogPrefixer', () => {
  it('when the format is json, then lines pass through unchanged behind the padded process name', () => {
    expect(capture({ format: 'json', colour: false, nameWidth: 10 }, 'order#1', [LINE])).toBe(`order#1    | ${LINE}\n`);
  });

  it('when the format is json and a printed message holds a line break, then every line carries the prefix', () => {
    expect(capture({ format: 'json', colour: false, nameWidth: 5 }, 'order', ['failed to spawn:\nENOENT'])).toBe(
      'order | failed to spawn:\norder | ENOENT\n',
    );
  });

  it('when the format is pretty, then a pino line is rendered readably on one line', () => {
    const output = capture({ format: 'pretty', colour: false, nameWidth: 5 }, 'order', [LINE]);

    expect(output).toMatch(/^order \| \[\d\d:\d\d:\d\d\.000\] INFO: order placed \{"orderId":"o-1"\}\n$/);
  });

  it('when a line is not JSON, then it passes through as it is', () => {
    expect(capture({ format: 'pretty', colour: false, nameWidth: 8 }, 'postgres', ['LOG:  database system is ready'])).toBe(
      'postgres | LOG:  database system is ready\n',
    );
  });

  it('when a rendered record spans several lines, then every line carries the prefix', () => {
    const error = JSON.stringify({
      level: 'error',
      time: '2026-01-01T10:00:00.000Z',
      msg: 'boom',
      err: { message: 'x', stack: 'Error: x\n    at f' },
    });
    const lines = capture({ format: 'pretty', colour: false, nameWidth: 7 }, 'account', [error]).trimEnd().split('\n');

    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => line.startsWith('account | '))).toBe(true);
  });

  it('when colour is off, then no escape codes are written; when on, the name is coloured', () => {
    expect(capture({ format: 'pretty', colour: false, nameWidth: 5 }, 'order', [LINE])).not.toContain('\u001b[');
    expect(capture({ format: 'json', colour: true, nameWidth: 5 }, 'order', [LINE]).startsWith('\u001b[33morder\u001b[0m | ')).toBe(true);
  });

  it('when the launcher prints lines and exits in the same turn, then the lines are still on its stdout', () => {
    const script = [
      "import { createLogPrefixer } from './tools/launcher/src/log-prefixer.ts';",
      "const print = createLogPrefixer({ format: 'json', colour: false, nameWidth: 5 })('order');",
      'print(\'{"msg":"one"}\');',
      'print(\'{"msg":"two"}\');',
      'process.exit(3);',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '--eval', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(child.status, child.stderr).toBe(3);
    expect(child.stdout).toBe('order | {"msg":"one"}\norder | {"msg":"two"}\n');
  });
});
