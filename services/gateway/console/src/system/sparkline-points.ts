/**
 * SVG polyline points for values drawn left (oldest) to right, scaled to the highest value (a flat zero line when
 * all are zero); one value is a flat line across. A 1-unit margin keeps the stroke inside the box.
 */
export const sparklinePoints = (values: readonly number[], width: number, height: number): string => {
  if (values.length === 0) return '';
  const peak = Math.max(...values, 0);
  const span = height - 2;
  const yOf = (value: number): number => Math.round((1 + span - (peak > 0 ? (Math.max(0, value) / peak) * span : 0)) * 10) / 10;
  if (values.length === 1) return `0,${yOf(values[0] ?? 0)} ${width},${yOf(values[0] ?? 0)}`;
  const step = width / (values.length - 1);
  return values.map((value, index) => `${Math.round(index * step * 10) / 10},${yOf(value)}`).join(' ');
};
