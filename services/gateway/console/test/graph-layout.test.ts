import { describe, expect, it } from 'vitest';
import { edgeWidth, GATEWAY, GRAPH_HEIGHT, GRAPH_WIDTH, layoutGraph, placeNodes, ringOrder } from '../src/system/graph-layout.js';
import type { MessageFlow, RouteFanOut } from '../src/api/admin-types.js';

const SERVICES = ['customer', 'order', 'account', 'orchestrator'];
const FLOWS: MessageFlow[] = [
  { type: 'order.ApproveOrder.v1', from: 'orchestrator', to: 'order' },
  { type: 'order.ApproveOrderReply.v1', from: 'order', to: 'orchestrator' },
  { type: 'order.RejectOrder.v1', from: 'orchestrator', to: 'order' },
  { type: 'account.DebitAccount.v1', from: 'orchestrator', to: 'account' },
  { type: 'account.DebitAccountReply.v1', from: 'account', to: 'orchestrator' },
  { type: 'customer.CustomerRegistered.v1', from: 'customer', to: 'account' },
];
const ROUTES: RouteFanOut[] = SERVICES.map((to) => ({ from: 'gateway', to, routes: 3 }));

describe('graph layout', () => {
  it('when laid out, then the gateway is the leftmost node and every node is inside the picture', () => {
    const nodes = placeNodes(SERVICES, FLOWS);
    const gateway = nodes.find((node) => node.id === GATEWAY);
    expect(gateway).toBeDefined();
    for (const node of nodes) {
      if (node.id !== GATEWAY) expect(node.x).toBeGreaterThan(gateway?.x ?? Infinity);
      expect(node.x).toBeGreaterThan(0);
      expect(node.x).toBeLessThan(GRAPH_WIDTH);
      expect(node.y).toBeGreaterThan(0);
      expect(node.y).toBeLessThan(GRAPH_HEIGHT);
    }
    expect(nodes.map((node) => node.id).sort()).toEqual([GATEWAY, ...SERVICES].sort());
  });

  it('when the same input is laid out twice, then the picture is the same', () => {
    expect(layoutGraph(SERVICES, FLOWS, ROUTES, {})).toEqual(layoutGraph(SERVICES, [...FLOWS].reverse(), ROUTES, {}));
  });

  it('when one service has most flows, then it sits in the middle of the ring, next to the services it talks to', () => {
    expect(ringOrder(SERVICES, FLOWS)).toEqual(['customer', 'order', 'orchestrator', 'account']);
  });

  it('when there are no flows, then the services keep their order', () => {
    expect(ringOrder(SERVICES, [])).toEqual(SERVICES);
  });

  it('when a flow endpoint is not a listed service, then it still gets a node', () => {
    const nodes = placeNodes(['order'], [{ type: 'x.Y.v1', from: 'order', to: 'kitchen' }]);
    expect(nodes.map((node) => node.id).sort()).toEqual([GATEWAY, 'kitchen', 'order']);
  });

  it('when flows share a sender and receiver, then they are one edge labelled with their types, sorted', () => {
    const { edges } = layoutGraph(SERVICES, FLOWS, ROUTES, {});
    const edge = edges.find((e) => e.id === 'flow:orchestrator->order');
    expect(edge?.labels).toEqual(['order.ApproveOrder.v1', 'order.RejectOrder.v1']);
    expect(edges.filter((e) => e.kind === 'flow')).toHaveLength(5);
  });

  it('when the gateway routes to a service, then there is a route edge labelled with the route count', () => {
    const { edges } = layoutGraph(SERVICES, FLOWS, [{ from: 'gateway', to: 'order', routes: 1 }], {});
    expect(edges.filter((e) => e.kind === 'route').map((e) => [e.id, e.labels])).toEqual([['route:gateway->order', ['1 route']]]);
  });

  it('when two services send to each other, then the two edges bend apart and their labels grow away from each other', () => {
    const { edges } = layoutGraph(SERVICES, FLOWS, ROUTES, {});
    const there = edges.find((e) => e.id === 'flow:orchestrator->order');
    const back = edges.find((e) => e.id === 'flow:order->orchestrator');
    expect(there?.path).not.toEqual(back?.path);
    expect(there?.labelX).not.toEqual(back?.labelX);
    expect([there?.labelAnchor, back?.labelAnchor].sort()).toEqual(['end', 'start']);
  });

  it('when the receiver consumes more, then the edge into it is thicker', () => {
    const quiet = layoutGraph(SERVICES, FLOWS, ROUTES, { order: 0 }).edges.find((e) => e.id === 'flow:orchestrator->order');
    const busy = layoutGraph(SERVICES, FLOWS, ROUTES, { order: 50 }).edges.find((e) => e.id === 'flow:orchestrator->order');
    expect(busy?.width).toBeGreaterThan(quiet?.width ?? Infinity);
  });
});

describe('edgeWidth', () => {
  it('when idle or unknown, then the edge is thin; when busy, then it grows but stays capped', () => {
    expect(edgeWidth(null)).toBe(1.5);
    expect(edgeWidth(0)).toBe(1.5);
    expect(edgeWidth(1)).toBe(2.5);
    expect(edgeWidth(10)).toBeGreaterThan(edgeWidth(1));
    expect(edgeWidth(1e9)).toBe(7.5);
  });
});
