import { randomUUID } from 'node:crypto';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  NotFoundException,
} from '@nestjs/common';
import { DomainError } from '@dify/domain';
import { isDependencyOutage, RATE_LIMIT_ERROR_CODE, redisRefusalOf } from '@dify/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'nestjs-pino';
import { isDeviceProtocolPath } from '../paths/protocol-paths';
import { routedPath } from '../paths/routed-path';
import { ApiError } from './api-error';
import { toDeviceEnvelope } from './device-envelope';
import {
  defaultCodeFor,
  type ErrorEnvelope,
  internalErrorEnvelope,
  OUTAGE_RETRY_AFTER_SECONDS,
  PLATFORM_ERROR_CODES,
  serviceUnavailableEnvelope,
} from './error-envelope';

/** Statuses for domain error codes; each app declares the codes its libs can raise. */
export type DomainErrorStatuses = Readonly<Record<string, number>>;

// Fastify's own request errors (body parsing and limits) are the caller's fault, never a 500.
const REFUSAL_LOG_INTERVAL_MS = 10_000;

const FASTIFY_CLIENT_ERRORS: Readonly<Record<string, { status: number; code: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: PLATFORM_ERROR_CODES.payloadTooLarge },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: PLATFORM_ERROR_CODES.invalidJson },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: PLATFORM_ERROR_CODES.badRequest },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: PLATFORM_ERROR_CODES.unsupportedMediaType },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: PLATFORM_ERROR_CODES.invalidJson },
};

interface FastifyClientError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyClientError(error: unknown): error is FastifyClientError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as Partial<FastifyClientError>;
  return (
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500 &&
    typeof candidate.code === 'string'
  );
}

/** Throttling errors carry `retryAfterSeconds`; every 429 must say when to come back. */
function retryAfterSecondsOf(exception: unknown): number | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const value = (exception as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.max(1, Math.ceil(value))
    : undefined;
}

/**
 * Renders every error as the canonical envelope `{code, message, status, details?}`. Anything
 * unexpected becomes a 500 whose body says nothing, with an error id that is logged alongside
 * the stack so an operator can find it.
 */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly domainStatuses: DomainErrorStatuses;
  private readonly refusalsLoggedAt = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    domainStatuses: DomainErrorStatuses = {},
  ) {
    this.domainStatuses = { [RATE_LIMIT_ERROR_CODE.rateLimited]: 429, ...domainStatuses };
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.reply(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /**
   * Renders the error on a reply. Also the error handler of the few hot routes that are plain
   * Fastify routes, so they answer exactly as the Nest routes do.
   */
  reply(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const envelope = this.toEnvelope(exception, request);
    if (reply.sent) return;
    const retryAfter = retryAfterSecondsOf(exception);
    if (retryAfter !== undefined && envelope.status === 429) {
      void reply.header('retry-after', String(retryAfter));
    }
    if (envelope.status === 503)
      void reply.header('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
    if (isDeviceProtocolPath(routedPath(request))) {
      const device = toDeviceEnvelope(envelope, exception instanceof DomainError);
      void reply.status(device.status).header('cache-control', 'no-store').send(device.body);
      return;
    }
    void reply.status(envelope.status).header('cache-control', 'no-store').send(envelope);
  }

  private toEnvelope(exception: unknown, request: FastifyRequest): ErrorEnvelope {
    if (exception instanceof ApiError) {
      return {
        code: exception.code,
        message: exception.message,
        status: exception.getStatus(),
        ...(exception.details === undefined ? {} : { details: exception.details }),
      };
    }
    if (exception instanceof NotFoundException && !request.routeOptions.url) {
      // The router's own 404 would echo the query string, which may carry a user code.
      const path = request.url.split('?')[0];
      return {
        code: defaultCodeFor(404),
        message: `Cannot ${request.method} ${path}`,
        status: 404,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) return this.internal(exception);
      return { code: defaultCodeFor(status), message: exception.message, status };
    }
    if (exception instanceof DomainError) {
      const status = this.domainStatuses[exception.code];
      if (status === undefined) return this.internal(exception);
      return {
        code: exception.code,
        message: exception.message,
        status,
        ...(exception.details === undefined ? {} : { details: exception.details }),
      };
    }
    if (isFastifyClientError(exception)) {
      const known = FASTIFY_CLIENT_ERRORS[exception.code];
      const status = known?.status ?? exception.statusCode;
      return {
        code: known?.code ?? defaultCodeFor(status),
        message: exception.message,
        status,
      };
    }
    return this.internal(exception);
  }

  private internal(exception: unknown): ErrorEnvelope {
    if (isDependencyOutage(exception)) {
      this.logRefusal(exception);
      return serviceUnavailableEnvelope();
    }
    const errorId = randomUUID();
    this.logger.error({ err: exception, error_id: errorId }, 'unhandled error');
    return { ...internalErrorEnvelope(), details: { error_id: errorId } };
  }

  /**
   * The connection watchers log a lost connection once; a Redis that refuses commands on a live
   * connection (OOM, READONLY, MISCONF, ...) is logged here, once per reply word every
   * REFUSAL_LOG_INTERVAL_MS, since one line per refused request would drown the log.
   */
  private logRefusal(exception: unknown): void {
    const refusal = redisRefusalOf(exception);
    if (!refusal) return;
    const now = Date.now();
    if (now - (this.refusalsLoggedAt.get(refusal) ?? -Infinity) < REFUSAL_LOG_INTERVAL_MS) return;
    this.refusalsLoggedAt.set(refusal, now);
    this.logger.error({ err: exception }, `redis refused a command (${refusal})`);
  }
}
