import { describe, expect, it } from 'vitest';
import { parseExposition, totalOf } from '../src/domain/prometheus-exposition.js';

describe('parseExposition', () => {
  it('when prom-client text is parsed, then every sample has its name, labels and value, and comments only declare types', () => {
    const exposition = parseExposition(
      [
        '# HELP outbox_pending Outbox messages waiting to be published',
        '# TYPE outbox_pending gauge',
        'outbox_pending{service="order"} 42',
        '# TYPE messages_consumed_total counter',
        'messages_consumed_total{type="order.create",outcome="processed",service="order"} 7 1700000000000',
        'up 1',
        '',
      ].join('\n'),
    );

    expect(exposition.samples).toEqual([
      { name: 'outbox_pending', labels: { service: 'order' }, value: 42 },
      { name: 'messages_consumed_total', labels: { type: 'order.create', outcome: 'processed', service: 'order' }, value: 7 },
      { name: 'up', labels: {}, value: 1 },
    ]);
    expect([...exposition.declared]).toEqual(['outbox_pending', 'messages_consumed_total']);
  });

  it('when label values hold escapes, braces, commas and spaces, then they are read back as written', () => {
    const [sample] = parseExposition('m{a="x\\"y\\\\z\\nw",b="{1, 2}" , } 3\n').samples;

    expect(sample).toEqual({ name: 'm', labels: { a: 'x"y\\z\nw', b: '{1, 2}' }, value: 3 });
  });

  it('when values are special or in exponent form, then they are numbers', () => {
    const values = parseExposition('a +Inf\nb -Inf\nc NaN\nd 1.5e3\ne -0.25\nf .5\n').samples.map((sample) => sample.value);

    expect(values).toEqual([Infinity, -Infinity, NaN, 1500, -0.25, 0.5]);
  });

  it.each([
    ['not exposition at all', '{"upstream":"order"}'],
    ['a value that is not a number', 'outbox_pending{service="order"} many'],
    ['an unterminated label value', 'outbox_pending{service="order} 1'],
    ['labels without quotes', 'outbox_pending{service=order} 1'],
    ['a name without a value', 'outbox_pending'],
  ])('when a line is %s, then the whole scrape fails naming the line', (_case, line) => {
    expect(() => parseExposition(`# TYPE up gauge\nup 1\n${line}\n`)).toThrow(/^line 3: /);
  });
});

describe('totalOf', () => {
  const exposition = parseExposition(
    [
      '# TYPE dead_letters gauge',
      'dead_letters{queue="order",transport="http"} 2',
      'dead_letters{queue="order.commands",transport="rabbitmq"} 3',
      'dead_letters{queue="broken",transport="rabbitmq"} NaN',
      '# TYPE messages_consumed_total counter',
      '# TYPE messages_redelivered counter',
    ].join('\n'),
  );

  it('when a metric has several series, then they are summed, NaN ones left out', () => {
    expect(totalOf(exposition, 'dead_letters')).toBe(5);
  });

  it('when a metric is declared but has no series yet, then it is 0', () => {
    expect(totalOf(exposition, 'messages_consumed_total')).toBe(0);
    expect(totalOf(exposition, 'messages_redelivered_total')).toBe(0);
  });

  it('when the scrape does not know a metric, then it is null', () => {
    expect(totalOf(exposition, 'outbox_pending')).toBeNull();
  });
});
