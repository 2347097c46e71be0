import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Who is calling, as far as audit records and rate limits care: the client IP (resolved through
 * trusted proxies at the edge), the request id and the User-Agent.
 */
export interface RequestContext {
  readonly ip: string;
  readonly requestId: string;
  readonly userAgent?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the HTTP app factory's onRequest hook (docs/device-flow.md, "Client IP"). */
    clientIp: string;
  }
}

export function requestContextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.clientIp,
    requestId: request.id,
    ...(userAgent ? { userAgent } : {}),
  };
}

/** Controller parameter: the caller's RequestContext. */
export const ReqContext = createParamDecorator(
  (_data: unknown, context: ExecutionContext): RequestContext =>
    requestContextOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
