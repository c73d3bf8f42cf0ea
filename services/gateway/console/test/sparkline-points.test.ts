import { describe, expect, it } from 'vitest';
import { sparklinePoints } from '../src/system/sparkline-points.js';

describe('sparklinePoints', () => {
  it('when there are no samples, then there is no line', () => {
    expect(sparklinePoints([], 100, 20)).toBe('');
  });

  it('when there are samples, then they span the width and the peak touches the top margin', () => {
    expect(sparklinePoints([0, 5, 10], 100, 22)).toBe('0,21 50,11 100,1');
  });

  it('when every sample is zero, then the line lies on the bottom', () => {
    expect(sparklinePoints([0, 0], 100, 22)).toBe('0,21 100,21');
  });

  it('when there is one sample, then it is a flat line across', () => {
    expect(sparklinePoints([3], 100, 22)).toBe('0,1 100,1');
  });
});
