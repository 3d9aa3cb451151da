import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../src/bounded-map.js';

describe('the bounded map behind the in-memory caches', () => {
  it('forgets the least recently used entry first, counting reads as use', () => {
    const cache = new BoundedMap<string, number>(2);
    cache.set('2141438171', 1);
    cache.set('2141438172', 2);
    expect(cache.get('2141438171')).toBe(1);
    cache.set('2141438173', 3);
    expect(cache.get('2141438172')).toBeUndefined();
    expect(cache.get('2141438171')).toBe(1);
    expect(cache.get('2141438173')).toBe(3);
  });

  it('refuses a bound that is not a whole number of 1 or more, naming the value', () => {
    expect(() => new BoundedMap(0)).toThrow(/got 0/);
    expect(() => new BoundedMap(1.5)).toThrow(/got 1.5/);
  });
});
