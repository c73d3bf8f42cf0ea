/** Rates and counts as the system page shows them; null means the replica could not say, shown as a dash. */

export const formatRate = (perSecond: number | null): string => {
  if (perSecond === null || !Number.isFinite(perSecond)) return '—';
  if (perSecond === 0) return '0/s';
  if (perSecond < 0.1) return '<0.1/s';
  if (perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  if (perSecond < 1000) return `${Math.round(perSecond)}/s`;
  return `${(perSecond / 1000).toFixed(1)}k/s`;
};

export const formatCount = (count: number | null): string => (count === null ? '—' : count.toLocaleString('en-US'));

/** A service's rate is its replicas' sum; unknown only when no replica knows. */
export const totalRate = (rates: readonly (number | null)[]): number | null => {
  const known = rates.filter((rate): rate is number => rate !== null);
  return known.length === 0 ? null : known.reduce((sum, rate) => sum + rate, 0);
};
