import { useId } from 'react';
import { formatRate } from './format-rate.js';
import { GATEWAY, type GraphEdge, type GraphLayout } from './graph-layout.js';

const NODE_WIDTH = 116;
const NODE_HEIGHT = 44;
const LINE_HEIGHT = 12;

/** The first line's baseline, so that the block of lines sits above, across or below labelY. */
const labelTop = (edge: GraphEdge): number => {
  const block = (edge.labels.length - 1) * LINE_HEIGHT;
  if (edge.labelAlign === 'above') return edge.labelY - block;
  if (edge.labelAlign === 'below') return edge.labelY + LINE_HEIGHT - 2;
  return edge.labelY - block / 2 + 4;
};

/** Who sends what to whom: nodes on a ring, routes dashed, message flows solid and thicker with throughput. */
export function SystemGraph({ layout, rates }: { layout: GraphLayout; rates: Readonly<Record<string, number | null>> }) {
  const arrowId = `${useId().replace(/:/g, '')}-arrow`;
  return (
    <div className="graph-scroll">
      <svg
        className="system-graph"
        role="img"
        aria-label="Who sends what to whom"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <defs>
          <marker
            id={arrowId}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerUnits="userSpaceOnUse"
            markerWidth="12"
            markerHeight="12"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="graph-arrow" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path
            key={edge.id}
            d={edge.path}
            className={`graph-edge graph-edge-${edge.kind}`}
            strokeWidth={edge.width}
            markerEnd={`url(#${arrowId})`}
          />
        ))}
        {layout.edges.map((edge) => (
          <text
            key={edge.id}
            className={`graph-label graph-label-${edge.kind}`}
            x={edge.labelX}
            y={labelTop(edge)}
            textAnchor={edge.labelAnchor}
          >
            {edge.labels.map((label, index) => (
              <tspan key={label} x={edge.labelX} dy={index === 0 ? 0 : LINE_HEIGHT}>
                {label}
              </tspan>
            ))}
          </text>
        ))}
        {layout.nodes.map((node) => (
          <g key={node.id} className={`graph-node${node.id === GATEWAY ? ' graph-node-gateway' : ''}`}>
            <rect x={node.x - NODE_WIDTH / 2} y={node.y - NODE_HEIGHT / 2} width={NODE_WIDTH} height={NODE_HEIGHT} rx={8} />
            <text x={node.x} y={node.y - 3} textAnchor="middle" className="graph-node-name">
              {node.id}
            </text>
            {node.id !== GATEWAY && (
              <text x={node.x} y={node.y + 13} textAnchor="middle" className="graph-node-rate">
                {formatRate(rates[node.id] ?? null)}
              </text>
            )}
          </g>
        ))}
      </svg>
    </div>
  );
}
