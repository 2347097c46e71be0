import { JwtService } from '@nestjs/jwt';
import { consoleJwtKey } from './console-jwt-key';

const SECRET = 'a-console-secret-key-of-some-length-0123456789';
const options = { algorithms: ['HS256' as const] };

describe('consoleJwtKey', () => {
  it('is a secret key, so a verify never tries it as a PEM public key first', () => {
    expect(consoleJwtKey(SECRET).type).toBe('secret');
  });

  it('verifies tokens signed with the secret as a string, and the other way round', async () => {
    const byString = new JwtService({ secret: SECRET, verifyOptions: options });
    const byKey = new JwtService({ secret: consoleJwtKey(SECRET), verifyOptions: options });

    const fromString = await byString.signAsync({ sub: 'a' }, { algorithm: 'HS256' });
    const fromKey = await byKey.signAsync({ sub: 'b' }, { algorithm: 'HS256' });

    await expect(byKey.verifyAsync(fromString)).resolves.toMatchObject({ sub: 'a' });
    await expect(byString.verifyAsync(fromKey)).resolves.toMatchObject({ sub: 'b' });
  });

  it('refuses a token signed with another secret', async () => {
    const other = new JwtService({ secret: `${SECRET}-other` });
    const byKey = new JwtService({ secret: consoleJwtKey(SECRET), verifyOptions: options });
    const token = await other.signAsync({ sub: 'c' }, { algorithm: 'HS256' });
    await expect(byKey.verifyAsync(token)).rejects.toThrow('invalid signature');
  });
});
