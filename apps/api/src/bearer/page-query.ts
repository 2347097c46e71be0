import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiError, type FieldError, PLATFORM_ERROR_CODES } from '@dify/http-edge';
import type { FastifyRequest } from 'fastify';

/** Paging of the bearer API's lists (docs/bearer-api.md, "Paging"). */
export interface PageQuery {
  readonly page: number;
  readonly limit: number;
}

export const PAGE_QUERY_DEFAULTS: PageQuery = Object.freeze({ page: 1, limit: 100 });
export const PAGE_LIMIT_MAX = 100;

/** The list envelope; `hints` is always empty for now and is kept for clients that read it. */
export interface PageEnvelope<T> {
  readonly page: number;
  readonly limit: number;
  readonly total: number;
  readonly has_more: boolean;
  readonly data: readonly T[];
  readonly hints: readonly never[];
}

const INTEGER = /^-?\d+$/;
const KNOWN_KEYS: ReadonlySet<string> = new Set(['page', 'limit']);

function integerParam(
  key: keyof PageQuery,
  raw: unknown,
  min: number,
  max: number,
  errors: FieldError[],
): number | undefined {
  const loc = ['query', key];
  // A repeated key arrives as an array: which value was meant is a guess, so neither is taken.
  if (typeof raw !== 'string' || !INTEGER.test(raw)) {
    errors.push({ type: 'isInt', loc, msg: `${key} must be an integer` });
    return undefined;
  }
  const value = Number(raw);
  if (value < min) {
    errors.push({ type: 'min', loc, msg: `${key} must not be less than ${min}` });
    return undefined;
  }
  if (value > max) {
    errors.push({ type: 'max', loc, msg: `${key} must not be greater than ${max}` });
    return undefined;
  }
  return value;
}

/**
 * Parses `?page&limit` strictly: an unknown key, a value that is not a plain integer, `page < 1`
 * or `limit` outside 1..100 is a 400 `invalid_param` naming every problem at once. Defaults are
 * page 1 and limit 100. Nothing is clamped: a silently changed page would hide the client's bug.
 */
export function parsePageQuery(query: unknown): PageQuery {
  const params = (typeof query === 'object' && query !== null ? query : {}) as Record<
    string,
    unknown
  >;
  const errors: FieldError[] = [];
  for (const key of Object.keys(params)) {
    if (!KNOWN_KEYS.has(key)) {
      errors.push({
        type: 'unknown_field',
        loc: ['query', key],
        msg: `${key} is not a query parameter of this route`,
      });
    }
  }
  const page =
    params.page === undefined
      ? PAGE_QUERY_DEFAULTS.page
      : integerParam('page', params.page, 1, Number.MAX_SAFE_INTEGER, errors);
  const limit =
    params.limit === undefined
      ? PAGE_QUERY_DEFAULTS.limit
      : integerParam('limit', params.limit, 1, PAGE_LIMIT_MAX, errors);
  if (errors.length > 0 || page === undefined || limit === undefined) {
    throw new ApiError(400, PLATFORM_ERROR_CODES.invalidParam, 'Request validation failed', errors);
  }
  return { page, limit };
}

/** Rows to skip, as a decimal string: (page − 1) × limit can pass what a double holds exactly. */
export function pageOffset({ page, limit }: PageQuery): string {
  return ((BigInt(page) - 1n) * BigInt(limit)).toString();
}

export function pageEnvelope<T>(
  query: PageQuery,
  total: number,
  data: readonly T[],
): PageEnvelope<T> {
  return {
    page: query.page,
    limit: query.limit,
    total,
    has_more: query.page * query.limit < total,
    data,
    hints: [],
  };
}

/** Controller parameter: the route's validated `?page&limit`. */
export const PageQueryParam = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PageQuery =>
    parsePageQuery(context.switchToHttp().getRequest<FastifyRequest>().query),
);
