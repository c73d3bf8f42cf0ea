import type { ThroughputSample } from '../api/admin-types.js';
import { sparklinePoints } from './sparkline-points.js';

const WIDTH = 120;
const HEIGHT = 28;

/** A replica's throughput over the last minutes, oldest left; the label carries the numbers the line cannot. */
export function Sparkline({ samples, label }: { samples: readonly ThroughputSample[]; label: string }) {
  const values = samples.map((sample) => sample.messagesPerSecond);
  const peak = values.length ? Math.max(...values) : 0;
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={`${label}: ${values.length} samples, peak ${peak.toFixed(1)} messages/s`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
    >
      <line x1={0} y1={HEIGHT - 1} x2={WIDTH} y2={HEIGHT - 1} className="sparkline-base" />
      {values.length > 0 && <polyline points={sparklinePoints(values, WIDTH, HEIGHT)} className="sparkline-line" />}
    </svg>
  );
}
