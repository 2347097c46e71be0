import { defaultMembership } from './default-membership';

describe('defaultMembership', () => {
  it('picks the membership flagged current', () => {
    const memberships = [
      { id: 'old', current: false },
      { id: 'cur', current: true },
    ];
    expect(defaultMembership(memberships)?.id).toBe('cur');
  });

  it('falls back to the oldest (first) membership', () => {
    expect(
      defaultMembership([
        { id: 'old', current: false },
        { id: 'new', current: false },
      ])?.id,
    ).toBe('old');
  });

  it('answers undefined without memberships', () => {
    expect(defaultMembership([])).toBeUndefined();
  });
});
