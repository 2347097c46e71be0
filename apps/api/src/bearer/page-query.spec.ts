import { ApiError } from '@dify/http-edge';
import { pageEnvelope, pageOffset, parsePageQuery } from './page-query';

function failureOf(query: unknown): { status: number; code: string; details: unknown } {
  try {
    parsePageQuery(query);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.getStatus(), code: error.code, details: error.details };
  }
  throw new Error(`${JSON.stringify(query)} was accepted`);
}

describe('parsePageQuery', () => {
  it('defaults to page 1 and limit 100', () => {
    expect(parsePageQuery({})).toEqual({ page: 1, limit: 100 });
    expect(parsePageQuery(undefined)).toEqual({ page: 1, limit: 100 });
  });

  it('accepts integers within range, at both ends', () => {
    expect(parsePageQuery({ page: '3', limit: '25' })).toEqual({ page: 3, limit: 25 });
    expect(parsePageQuery({ page: '1', limit: '1' })).toEqual({ page: 1, limit: 1 });
    expect(parsePageQuery({ limit: '100' })).toEqual({ page: 1, limit: 100 });
    expect(parsePageQuery({ page: '9007199254740991' }).page).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    [{ page: '0' }, 'page', 'min'],
    [{ page: '-3' }, 'page', 'min'],
    [{ limit: '0' }, 'limit', 'min'],
    [{ limit: '101' }, 'limit', 'max'],
    [{ limit: '999' }, 'limit', 'max'],
    [{ limit: 'abc' }, 'limit', 'isInt'],
    [{ page: '1.5' }, 'page', 'isInt'],
    [{ page: '1e2' }, 'page', 'isInt'],
    [{ page: '' }, 'page', 'isInt'],
    [{ page: ' 2' }, 'page', 'isInt'],
    [{ page: '+2' }, 'page', 'isInt'],
    [{ page: '0x10' }, 'page', 'isInt'],
    [{ page: ['1', '2'] }, 'page', 'isInt'],
    [{ page: '9007199254740993' }, 'page', 'max'],
    [{ sort: 'name' }, 'sort', 'unknown_field'],
  ])('refuses %p with 400 invalid_param locating %s', (query, field, type) => {
    const failure = failureOf(query);
    expect(failure).toMatchObject({ status: 400, code: 'invalid_param' });
    expect(failure.details).toEqual([
      { type, loc: ['query', field], msg: expect.stringContaining(field) },
    ]);
  });

  it('names every problem at once', () => {
    const failure = failureOf({ page: '0', limit: 'x', offset: '5', page_size: '2' });
    expect(failure.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'unknown_field', loc: ['query', 'offset'] }),
        expect.objectContaining({ type: 'unknown_field', loc: ['query', 'page_size'] }),
        expect.objectContaining({ type: 'min', loc: ['query', 'page'] }),
        expect.objectContaining({ type: 'isInt', loc: ['query', 'limit'] }),
      ]),
    );
    expect(failure.details).toHaveLength(4);
  });
});

describe('pageOffset', () => {
  it('skips the rows of the earlier pages, exactly even past 2^53', () => {
    expect(pageOffset({ page: 1, limit: 100 })).toBe('0');
    expect(pageOffset({ page: 3, limit: 25 })).toBe('50');
    expect(pageOffset({ page: Number.MAX_SAFE_INTEGER, limit: 100 })).toBe('900719925474099000');
  });
});

describe('pageEnvelope', () => {
  it('reports has_more while page × limit is below the total', () => {
    expect(pageEnvelope({ page: 1, limit: 2 }, 5, ['a', 'b'])).toEqual({
      page: 1,
      limit: 2,
      total: 5,
      has_more: true,
      data: ['a', 'b'],
      hints: [],
    });
    expect(pageEnvelope({ page: 3, limit: 2 }, 5, ['e']).has_more).toBe(false);
    expect(pageEnvelope({ page: 2, limit: 2 }, 4, ['c', 'd']).has_more).toBe(false);
    expect(pageEnvelope({ page: 9, limit: 2 }, 4, []).has_more).toBe(false);
  });
});
