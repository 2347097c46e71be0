import { readmeEnvMismatches } from '@dify/testing';
import { beatEnvSchema } from './beat.env';

describe('beat env', () => {
  it('is documented in the README with its real defaults', () => {
    expect(readmeEnvMismatches(beatEnvSchema)).toEqual([]);
  });
});
