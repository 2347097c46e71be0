import { nestsDeeperThan } from './body-depth';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts a flat object as depth 1 and scalars as depth 0', () => {
    expect(nestsDeeperThan({ a: 1, b: 'x' }, 1)).toBe(false);
    expect(nestsDeeperThan({ a: { b: 1 } }, 1)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('finds the deepest branch among wide siblings', () => {
    expect(nestsDeeperThan({ a: [], b: [[[]]], c: {} }, 3)).toBe(true);
    expect(nestsDeeperThan({ a: [], b: [[[]]], c: {} }, 4)).toBe(false);
  });

  it('walks a value far deeper than the stack would allow', () => {
    expect(nestsDeeperThan(nested(100_000), 32)).toBe(true);
    expect(nestsDeeperThan(nested(32), 32)).toBe(false);
  });
});
