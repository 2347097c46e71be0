import { BEARER_CACHE_SECONDS } from './token-keys.constants';

// These lifetimes are promised to clients by contract §7.1; a change here is a contract change.
describe('BEARER_CACHE_SECONDS', () => {
  it('holds the contract bearer cache lifetimes', () => {
    expect(BEARER_CACHE_SECONDS).toEqual({ positive: 60, negative: 10 });
  });
});
