import { normalizeEmail } from './email.rules';

describe('normalizeEmail', () => {
  it.each([
    ['  Alice@Example.COM ', 'alice@example.com'],
    ['bob@example.com', 'bob@example.com'],
    ['\tCarol.Smith+CLI@Example.org\n', 'carol.smith+cli@example.org'],
    ['ÉLODIE@EXAMPLE.FR', 'élodie@example.fr'],
  ])('turns %p into %p', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = normalizeEmail(' Dave@Example.com ');
    expect(normalizeEmail(once)).toBe(once);
  });
});
