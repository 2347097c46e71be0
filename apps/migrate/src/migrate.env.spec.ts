import { readmeEnvMismatches } from '@dify/testing';
import { migrateEnvSchema } from './migrate.env';

describe('migrate env', () => {
  it('is documented in the README with its real defaults', () => {
    expect(readmeEnvMismatches(migrateEnvSchema)).toEqual([]);
  });
});
