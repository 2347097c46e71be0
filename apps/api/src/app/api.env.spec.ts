import { readmeEnvMismatches } from '@dify/testing';
import { apiEnvSchema } from './api.env';

describe('api env', () => {
  it('is documented in the README with its real defaults', () => {
    expect(readmeEnvMismatches(apiEnvSchema)).toEqual([]);
  });
});
