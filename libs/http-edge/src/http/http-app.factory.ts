import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { DynamicModule, Type } from '@nestjs/common';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { BootLogger, MetricsService, REQUEST_ID_HEADER, requestIdOf } from '@dify/platform';
import { resolveClientIp } from '../client-ip/client-ip';
import type { TrustedProxies } from '../client-ip/trusted-proxies';
import { registerBodyDepthLimit } from './body-depth';
import { isOutdatedDifyctl } from './client-version-gate';
import { HttpDrain } from './http-drain';
import { useLeanAsyncResourceBind } from './lean-async-resource-bind';
import { attachOpsListener } from './ops-listener';
import { registerSecurityHeaders } from './security-headers';
import { ErrorEnvelopeFilter, type DomainErrorStatuses } from '../errors/error-envelope.filter';
import { RequestValidationPipe } from '../errors/validation';
import { isDeviceProtocolPath, isVersionGatedPath } from '../paths/protocol-paths';
import { routedPath, routeUrlOf } from '../paths/routed-path';

/**
 * Bodies above this are refused with 413 before they are parsed
 * (docs/device-flow.md, "Error envelopes").
 */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * How long a client may take to send its headers, and its whole request: a client that opens
 * connections and then sends nothing, or a body a few bytes at a time, is cut off rather than
 * held for Node's defaults (one and five minutes). Checked every 2 s.
 */
const PUBLIC_LISTENER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 15_000,
  connectionsCheckingInterval: 2_000,
} as const;

export interface HttpAppOptions {
  readonly domainErrorStatuses?: DomainErrorStatuses;
  /**
   * Proxies whose X-Forwarded-For is believed when resolving the client IP
   * (docs/device-flow.md, "Client IP").
   */
  readonly trustedProxies: TrustedProxies;
  /**
   * difyctl versions older than this get 426 on the gated paths
   * (docs/device-flow.md, "Client version gate").
   */
  readonly minClientVersion?: string;
  /** Send Strict-Transport-Security: the deployment's public URL is https. */
  readonly strictTransportSecurity?: boolean;
  /**
   * Sees every request before Fastify does and answers true when it took the request over. For
   * traffic that is only passed on (the gateway's proxy to auth), skipping the framework's
   * request objects, routing, hooks and logging is most of the cost saved.
   */
  readonly interceptRequest?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

const drains = new WeakMap<INestApplication, HttpDrain>();

/** The connection drain of an app built by createHttpApp, for the shutdown on signals. */
export function httpDrainOf(app: INestApplication): HttpDrain | undefined {
  return drains.get(app);
}

/**
 * Builds a Fastify-backed Nest app with everything production and tests share: JSON logs with
 * request ids, the body depth bound, the validation pipe, the error envelope, and request metrics. It does not listen,
 * so tests can pick their own port.
 */
export async function createHttpApp(
  rootModule: Type<unknown> | DynamicModule,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> {
  // Fastify binds an AsyncResource for every request body it parses (see the function).
  useLeanAsyncResourceBind();
  const intercept = options.interceptRequest;
  const drain = new HttpDrain();
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    genReqId: (request: IncomingMessage) => requestIdOf(request),
    // The drain refuses late requests itself, with the project's envelope.
    return503OnClosing: false,
    serverFactory: (handler: (request: IncomingMessage, response: ServerResponse) => void) => {
      const server = createServer(
        PUBLIC_LISTENER_TIMEOUTS,
        drain.wrap(
          intercept
            ? (request, response) => {
                if (!intercept(request, response)) handler(request, response);
              }
            : handler,
        ),
      );
      drain.attach(server);
      return server;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    logger: new BootLogger(),
    // A failed start-up reaches the caller, which reports it as one log line and exits 1.
    abortOnError: false,
  });
  drains.set(app, drain);
  try {
    await configure(app, options);
  } catch (error) {
    // A half-configured app still holds pools and connections; release them before failing.
    await app.close();
    throw error;
  }
  return app;
}

async function configure(app: NestFastifyApplication, options: HttpAppOptions): Promise<void> {
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(new ErrorEnvelopeFilter(logger, options.domainErrorStatuses));

  await app.register(fastifyCookie);

  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  const trustedProxies = options.trustedProxies;
  // Resolved on first use: most requests never ask, and resolution is not free.
  const resolvedIp = Symbol('clientIp');
  fastify.decorateRequest('clientIp', {
    getter(this: FastifyRequest & { [resolvedIp]?: string }): string {
      this[resolvedIp] ??= resolveClientIp(
        this.socket.remoteAddress,
        this.headers['x-forwarded-for'],
        trustedProxies,
      );
      return this[resolvedIp];
    },
  });
  const minClientVersion = options.minClientVersion;
  // One callback-style hook: it runs on every request, so it allocates no promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (minClientVersion && isRefusedClient(request, minClientVersion)) {
      const path = routedPath(request);
      const body = isDeviceProtocolPath(path)
        ? { error: 'client_upgrade_required' }
        : {
            code: 'client_upgrade_required',
            message: `difyctl ${minClientVersion} or newer is required`,
            status: 426,
          };
      void reply.status(426).header('cache-control', 'no-store').send(body);
      return;
    }
    done();
  });
  registerSecurityHeaders(fastify, {
    strictTransportSecurity: options.strictTransportSecurity ?? false,
  });
  registerBodyDepthLimit(fastify);
  attachOpsListener(app);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        // The route pattern, not the URL, keeps label cardinality bounded.
        route: routeUrlOf(request) ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

/**
 * A difyctl older than the minimum, on a path the version gate covers
 * (docs/device-flow.md, "Client version gate").
 */
function isRefusedClient(request: FastifyRequest, minClientVersion: string): boolean {
  const userAgent = request.headers['user-agent'];
  if (!userAgent?.startsWith('difyctl/')) return false;
  return isVersionGatedPath(routedPath(request)) && isOutdatedDifyctl(userAgent, minClientVersion);
}
