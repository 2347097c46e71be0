import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RequestContext } from '@dify/platform';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the HTTP app factory's onRequest hook (docs/device-flow.md, "Client IP"). */
    clientIp: string;
  }
}

/** The caller as this request's edge resolved it (client IP through the trusted proxies). */
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
