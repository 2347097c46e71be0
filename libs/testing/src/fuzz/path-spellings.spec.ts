import { pathSpellings } from './path-spellings';

describe('pathSpellings', () => {
  it('encodes each letter of each segment in turn, then adds the absolute form', () => {
    expect(pathSpellings('/v1/me', 'x').map((spelling) => spelling.target)).toEqual([
      '/%761/me',
      '/v1/%6De',
      '/v1/m%65',
      'http://x/v1/me',
    ]);
  });

  it('leaves path parameters for the caller to fill', () => {
    expect(pathSpellings('/a/:id', 'h').map((spelling) => spelling.target)).toEqual([
      '/%61/:id',
      'http://h/a/:id',
    ]);
  });
});
