import { spawnSync } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBatchedWriter } from '../src/batched-stdout.js';

describe('createBatchedWriter', () => {
  it('when several lines are written in one turn of the event loop, then they reach the target in one write, in order, when the turn ends', async () => {
    const writes: string[] = [];
    const writer = createBatchedWriter((text) => void writes.push(text));

    writer.write('order | a\n');
    writer.write('account | b\n');
    writer.write('order | c\n');
    expect(writes).toEqual([]);
    await nextTurn();

    expect(writes).toEqual(['order | a\naccount | b\norder | c\n']);
  });

  it('when flushed, then what is pending is written at once and nothing is written twice', async () => {
    const writes: string[] = [];
    const writer = createBatchedWriter((text) => void writes.push(text));

    writer.write('launcher | ready\n');
    writer.flush();
    expect(writes).toEqual(['launcher | ready\n']);
    await nextTurn();

    expect(writes).toEqual(['launcher | ready\n']);
  });

  it('when the launcher prints lines and exits in the same turn, then the lines are still on its stdout', () => {
    const script = [
      "import { createLogPrefixer } from './tools/launcher/src/log-prefixer.ts';",
      "const print = createLogPrefixer({ format: 'json', colour: false, nameWidth: 5 })('order');",
      "print('{\"msg\":\"one\"}');",
      "print('{\"msg\":\"two\"}');",
      'process.exit(3);',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '--eval', script], { encoding: 'utf8', timeout: 60_000 });

    expect(child.status, child.stderr).toBe(3);
    expect(child.stdout).toBe('order | {"msg":"one"}\norder | {"msg":"two"}\n');
  });
});
