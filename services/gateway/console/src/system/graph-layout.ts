import type { MessageFlow, RouteFanOut } from '../api/admin-types.js';

export interface GraphNode {
  id: string;
  x: number;
  y: number;
}

export interface GraphEdge {
  id: string;
  kind: 'route' | 'flow';
  from: string;
  to: string;
  labels: string[];
  width: number;
  /** An SVG path: a quadratic curve, bent to one side so that A->B and B->A stay apart. */
  path: string;
  labelX: number;
  labelY: number;
  /** Which way the label grows from (labelX, labelY), away from the edge it names. */
  labelAnchor: 'start' | 'middle' | 'end';
  /** Where the label's lines sit from labelY: 'above' ends there, 'below' starts there, 'center' straddles it. */
  labelAlign: 'above' | 'center' | 'below';
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const GATEWAY = 'gateway';
export const GRAPH_WIDTH = 900;
export const GRAPH_HEIGHT = 520;
const CENTER_X = 400;
const RADIUS_X = 290;
const RADIUS_Y = 200;
const NODE_CLEARANCE = 34;
const BEND = 28;
const LABEL_GAP = 6;

const round = (value: number): number => Math.round(value * 10) / 10;

/** Stroke width for a message rate: thin when idle, thicker (logarithmically, capped) as more messages pass. */
export const edgeWidth = (perSecond: number | null): number => round(1.5 + Math.min(6, Math.log2(1 + Math.max(0, perSecond ?? 0))));

/** The service most flows touch (the first of them on a tie), or undefined when there are no flows. */
export const hubOf = (names: readonly string[], flows: readonly MessageFlow[]): string | undefined => {
  const degree = (name: string): number =>
    new Set(flows.filter((f) => f.from === name || f.to === name).map((f) => `${f.from}>${f.to}`)).size;
  return names.reduce<string | undefined>(
    (best, name) => (degree(name) > (best === undefined ? 0 : degree(best)) ? name : best),
    undefined,
  );
};

/**
 * The ring's order: the services as given (then any other flow endpoint, by name), with the hub moved to the middle
 * so that its many edges go to its neighbours on the ring instead of across it.
 */
export const ringOrder = (services: readonly string[], flows: readonly MessageFlow[]): string[] => {
  const extra = [...new Set(flows.flatMap((flow) => [flow.from, flow.to]))]
    .filter((name) => name !== GATEWAY && !services.includes(name))
    .sort();
  const names = [...services.filter((name) => name !== GATEWAY), ...extra];
  const hub = hubOf(names, flows);
  if (hub === undefined) return names;
  const others = names.filter((name) => name !== hub);
  const middle = Math.floor(names.length / 2);
  return [...others.slice(0, middle), hub, ...others.slice(middle)];
};

/**
 * Gateway on the left of a ring, the services round it (ringOrder): on a convex ring no edge runs through a node,
 * and the same input always gives the same picture.
 */
export const placeNodes = (services: readonly string[], flows: readonly MessageFlow[]): GraphNode[] => {
  const names = [GATEWAY, ...ringOrder(services, flows)];
  const step = (2 * Math.PI) / names.length;
  return names.map((id, index) => ({
    id,
    x: round(CENTER_X + RADIUS_X * Math.cos(Math.PI + index * step)),
    y: round(GRAPH_HEIGHT / 2 + RADIUS_Y * Math.sin(Math.PI + index * step)),
  }));
};

type Curve = Pick<GraphEdge, 'path' | 'labelX' | 'labelY' | 'labelAnchor' | 'labelAlign'>;

/** `inward` bends the curve towards the ring's middle, away from the nodes round it (for an edge with no way back). */
const curve = (from: GraphNode, to: GraphNode, inward = false): Curve => {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / length, dy / length];
  const outward = (GRAPH_HEIGHT / 2 - (from.y + to.y) / 2) * ux - (CENTER_X - (from.x + to.x) / 2) * uy < 0;
  const side = inward && outward ? -1 : 1;
  const [nx, ny] = [-uy * side, ux * side];
  const start = { x: from.x + ux * NODE_CLEARANCE, y: from.y + uy * NODE_CLEARANCE };
  const end = { x: to.x - ux * NODE_CLEARANCE, y: to.y - uy * NODE_CLEARANCE };
  const control = { x: (from.x + to.x) / 2 + nx * BEND * 2, y: (from.y + to.y) / 2 + ny * BEND * 2 };
  return {
    path: `M ${round(start.x)} ${round(start.y)} Q ${round(control.x)} ${round(control.y)} ${round(end.x)} ${round(end.y)}`,
    // The label starts just outside the curve's apex and grows away from it, so A->B and B->A labels never meet.
    labelX: round((start.x + 2 * control.x + end.x) / 4 + nx * LABEL_GAP),
    labelY: round((start.y + 2 * control.y + end.y) / 4 + ny * LABEL_GAP),
    labelAnchor: Math.abs(nx) < 0.5 ? 'middle' : nx > 0 ? 'start' : 'end',
    labelAlign: Math.abs(nx) >= 0.5 ? 'center' : ny > 0 ? 'below' : 'above',
  };
};

/** One edge per sender and receiver (its message types as labels) and one per upstream the gateway routes to. */
export const layoutGraph = (
  services: readonly string[],
  flows: readonly MessageFlow[],
  routes: readonly RouteFanOut[],
  ratesByService: Readonly<Record<string, number | null>>,
): GraphLayout => {
  const nodes = placeNodes(services, flows);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const grouped = new Map<string, { from: string; to: string; types: Set<string> }>();
  for (const flow of flows) {
    const key = `${flow.from}->${flow.to}`;
    const group = grouped.get(key) ?? { from: flow.from, to: flow.to, types: new Set<string>() };
    group.types.add(flow.type);
    grouped.set(key, group);
  }
  const flowEdges = [...grouped.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([key, group]) => {
      const from = byId.get(group.from);
      const to = byId.get(group.to);
      if (!from || !to || from === to) return [];
      // What the receiver consumes is the only rate the API measures: the edge into it carries (part of) that.
      const width = edgeWidth(ratesByService[group.to] ?? null);
      return [
        {
          id: `flow:${key}`,
          kind: 'flow' as const,
          from: group.from,
          to: group.to,
          labels: [...group.types].sort(),
          width,
          ...curve(from, to, !grouped.has(`${group.to}->${group.from}`)),
        },
      ];
    });
  const routeEdges = routes.flatMap((route) => {
    const from = byId.get(GATEWAY);
    const to = byId.get(route.to);
    if (!from || !to) return [];
    const label = `${route.routes} ${route.routes === 1 ? 'route' : 'routes'}`;
    return [
      {
        id: `route:${GATEWAY}->${route.to}`,
        kind: 'route' as const,
        from: GATEWAY,
        to: route.to,
        labels: [label],
        width: 1.5,
        ...curve(from, to),
      },
    ];
  });
  return { width: GRAPH_WIDTH, height: GRAPH_HEIGHT, nodes, edges: [...routeEdges, ...flowEdges] };
};
