import { readmeEnvMismatches } from '@dify/testing';
import { authEnvSchema } from './auth.env';

describe('auth env', () => {
  it('is documented in the README with its real defaults', () => {
    expect(readmeEnvMismatches(authEnvSchema)).toEqual([]);
  });
});
