/**
 * The sweep as a picture, so the knee is seen, not read: completed sagas/s (top panel) and p99 saga latency (bottom
 * panel) against the number of clients on a log scale. Plain SVG written by hand: no fonts, scripts or styles from
 * elsewhere, readable in any browser. The open-loop run at half the peak, when there is one, is a dashed reference
 * line in the latency panel.
 */

export interface SweepPoint {
  readonly clients: number;
  readonly sagasPerSecond: number;
  readonly p99Ms: number | null;
}

export interface SweepPlotInput {
  readonly title: string;
  /** Smaller lines under the title: the machine, the run. */
  readonly subtitles: readonly string[];
  readonly points: readonly SweepPoint[];
  readonly openLoop?: { readonly rate: number; readonly p99Ms: number | null };
}

const WIDTH = 760;
const PANEL_HEIGHT = 230;
const LEFT = 80;
const RIGHT = 30;
const TOP = 90;
const GAP = 70;
const COLOURS = { throughput: '#1f77b4', latency: '#d62728', reference: '#555555' };

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1, 2 or 5 times a power of ten, so that about five steps reach `max`. */
const niceStep = (max: number): number => {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= raw) ?? 10 * power) || 1;
};

const formatNumber = (value: number): string => (value >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1));

interface Panel {
  readonly top: number;
  readonly label: string;
  readonly seriesName: string;
  readonly colour: string;
  readonly values: readonly (number | null)[];
  readonly reference?: { readonly value: number; readonly label: string };
}

const plotWidth = WIDTH - LEFT - RIGHT;

const xScale = (clients: readonly number[]): ((value: number) => number) => {
  const low = Math.log2(Math.min(...clients));
  const high = Math.log2(Math.max(...clients));
  // One level: a point in the middle of the panel.
  const span = high - low || 2;
  const start = high === low ? low - 1 : low;
  const margin = span * 0.05;
  return (value) => LEFT + ((Math.log2(value) - start + margin) / (span + 2 * margin)) * plotWidth;
};

const renderPanel = (panel: Panel, clients: readonly number[], x: (value: number) => number): string[] => {
  const present = panel.values.filter((value): value is number => value !== null);
  const max = Math.max(1, ...present, panel.reference?.value ?? 0);
  const step = niceStep(max * 1.05);
  const top = step * Math.ceil((max * 1.05) / step);
  const y = (value: number): number => panel.top + PANEL_HEIGHT - (value / top) * PANEL_HEIGHT;
  const parts: string[] = [
    `<g class="panel">`,
    `<rect x="${LEFT}" y="${panel.top}" width="${plotWidth}" height="${PANEL_HEIGHT}" fill="none" stroke="#999999"/>`,
  ];
  for (let tick = 0; tick <= top + step / 2; tick += step) {
    parts.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${LEFT - 8}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end" font-size="12">${formatNumber(tick)}</text>`);
  }
  for (const value of clients) {
    parts.push(
      `<line x1="${x(value).toFixed(1)}" x2="${x(value).toFixed(1)}" y1="${panel.top + PANEL_HEIGHT}" y2="${panel.top + PANEL_HEIGHT + 5}" stroke="#999999"/>`,
    );
    parts.push(`<text x="${x(value).toFixed(1)}" y="${panel.top + PANEL_HEIGHT + 19}" text-anchor="middle" font-size="12">${value}</text>`);
  }
  const labelY = panel.top + PANEL_HEIGHT / 2;
  parts.push(
    `<text x="20" y="${labelY}" text-anchor="middle" font-size="13" transform="rotate(-90 20 ${labelY})">${escapeXml(panel.label)}</text>`,
  );
  parts.push(
    `<text x="${LEFT + plotWidth / 2}" y="${panel.top + PANEL_HEIGHT + 38}" text-anchor="middle" font-size="13">clients (closed loop, log scale)</text>`,
  );
  const points = clients.flatMap((value, i) =>
    panel.values[i] === null || panel.values[i] === undefined ? [] : [[x(value), y(panel.values[i] as number)] as const],
  );
  parts.push(
    `<polyline class="series" data-series="${panel.seriesName}" fill="none" stroke="${panel.colour}" stroke-width="2" points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`,
  );
  for (const [px, py] of points) parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${panel.colour}"/>`);
  if (panel.reference) {
    const ry = y(panel.reference.value).toFixed(1);
    parts.push(
      `<line class="reference" x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${ry}" y2="${ry}" stroke="${COLOURS.reference}" stroke-dasharray="6 4"/>`,
    );
    // At the right end: the sweep's low-concurrency points, nearest the line, are on the left.
    parts.push(
      `<text x="${LEFT + plotWidth - 8}" y="${(Number(ry) - 6).toFixed(1)}" text-anchor="end" font-size="12" fill="${COLOURS.reference}">${escapeXml(panel.reference.label)}</text>`,
    );
  }
  parts.push('</g>');
  return parts;
};

export const renderSweepPlot = (input: SweepPlotInput): string => {
  const points = [...input.points].sort((a, b) => a.clients - b.clients);
  const clients = points.map((point) => point.clients);
  const x = xScale(clients.length > 0 ? clients : [1]);
  const height = TOP + 2 * PANEL_HEIGHT + GAP + 50;
  const openLoop =
    input.openLoop && input.openLoop.p99Ms !== null
      ? {
          value: input.openLoop.p99Ms,
          label: `open loop at ${input.openLoop.rate}/s (half the peak): p99 ${formatNumber(input.openLoop.p99Ms)} ms`,
        }
      : undefined;
  const panels: Panel[] = [
    {
      top: TOP,
      label: 'completed sagas/s',
      seriesName: 'completed-sagas-per-second',
      colour: COLOURS.throughput,
      values: points.map((point) => point.sagasPerSecond),
    },
    {
      top: TOP + PANEL_HEIGHT + GAP,
      label: 'p99 saga latency (ms)',
      seriesName: 'p99-latency-ms',
      colour: COLOURS.latency,
      values: points.map((point) => point.p99Ms),
      ...(openLoop ? { reference: openLoop } : {}),
    },
  ];
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(input.title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`,
    ...input.subtitles
      .slice(0, 2)
      .map(
        (line, i) =>
          `<text x="${WIDTH / 2}" y="${46 + 16 * i}" text-anchor="middle" font-size="12" fill="#444444">${escapeXml(line)}</text>`,
      ),
    ...panels.flatMap((panel) => renderPanel(panel, clients, x)),
    '</svg>',
    '',
  ].join('\n');
};
