import { describe, expect, it } from 'vitest';
import { renderSweepPlot } from '../src/sweep-plot.js';
import { xmlProblem } from './xml-problem.js';

const seriesOf = (svg: string): Array<{ name: string; points: number }> =>
  [...svg.matchAll(/<polyline class="series" data-series="([^"]+)"[^>]* points="([^"]*)"/g)].map((match) => ({
    name: match[1] ?? '',
    points: (match[2] ?? '').trim().split(' ').filter(Boolean).length,
  }));

describe('the sweep plot', () => {
  const sweep = [
    { clients: 16, sagasPerSecond: 44.3, p99Ms: 503 },
    { clients: 1, sagasPerSecond: 17.1, p99Ms: 110 },
    { clients: 256, sagasPerSecond: 56.9, p99Ms: 5281 },
    { clients: 4, sagasPerSecond: 30.8, p99Ms: null },
    { clients: 64, sagasPerSecond: 55.2, p99Ms: 1472 },
  ];

  it('when a sweep is plotted, then the SVG is well-formed with one series for throughput and one for p99, clients in order', () => {
    const svg = renderSweepPlot({
      title: 'checkout sagas, embedded mode',
      subtitles: ['machine: 2 cores'],
      points: sweep,
      openLoop: { rate: 28, p99Ms: 240 },
    });
    expect(xmlProblem(svg)).toBeUndefined();
    // A level without a p99 (no saga finished) is left out of that series, not drawn at zero.
    expect(seriesOf(svg)).toEqual([
      { name: 'completed-sagas-per-second', points: 5 },
      { name: 'p99-latency-ms', points: 4 },
    ]);
    const ticks = [...svg.matchAll(/<text x="[\d.]+" y="[\d.]+" text-anchor="middle" font-size="12">(\d+)<\/text>/g)].map((match) =>
      Number(match[1]),
    );
    expect(ticks.slice(0, 5)).toEqual([1, 4, 16, 64, 256]);
    expect(svg).toContain('open loop at 28/s (half the peak): p99 240 ms');
    expect(svg).toContain('completed sagas/s');
    expect(svg).toContain('p99 saga latency (ms)');
    expect(svg).not.toMatch(/<script|@import|url\(|xlink:href/);
  });

  it('when the sweep has one level and the title has markup characters, then it still draws a point and escapes the text', () => {
    const svg = renderSweepPlot({ title: 'a <b> & "c"', subtitles: [], points: [{ clients: 8, sagasPerSecond: 3, p99Ms: 12 }] });
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(seriesOf(svg)).toEqual([
      { name: 'completed-sagas-per-second', points: 1 },
      { name: 'p99-latency-ms', points: 1 },
    ]);
    expect(svg).not.toContain('NaN');
  });
});
