import { BEARER_CACHE_SECONDS } from './token-keys.constants';

// These lifetimes are promised to clients (docs/tokens.md, "The bearer cache"); a change here
// changes what clients may rely on.
describe('BEARER_CACHE_SECONDS', () => {
  it('holds the documented bearer cache lifetimes', () => {
    expect(BEARER_CACHE_SECONDS).toEqual({ positive: 60, negative: 10 });
  });
});
