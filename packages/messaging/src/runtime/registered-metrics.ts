import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Metrics that several components, or several instances of one in the same process (tests build them again and
 * again), count into: the one already on the registry is reused, since registering a name twice throws.
 */
export const sharedCounter = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> => {
  const existing = registry.getSingleMetric(name);
  return existing instanceof Counter ? (existing as Counter<L>) : new Counter({ name, help, labelNames, registers: [registry] });
};

export const sharedHistogram = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> => {
  const existing = registry.getSingleMetric(name);
  return existing instanceof Histogram
    ? (existing as Histogram<L>)
    : new Histogram({ name, help, labelNames, buckets, registers: [registry] });
};
