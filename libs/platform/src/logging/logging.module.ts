import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { redactUrl, REDACT_PATHS } from './redaction';
import { requestIdOf } from './request-id';

export interface LoggingOptions {
  readonly service: string;
  readonly level: string;
  /**
   * Paths served without a per-request logger (no access line, no request-scoped child logger):
   * the few hot protocol endpoints, where that bookkeeping would cost more than the work itself.
   */
  readonly unloggedPaths?: readonly string[];
}

/**
 * JSON logs through pino for every process. HTTP apps get one line per request carrying the
 * request id; query strings and headers that may hold secrets are redacted.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            base: { service: options.service },
            redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
            timestamp: () => `,"time":"${new Date().toISOString()}"`,
            formatters: { level: (label: string) => ({ level: label }) },
            genReqId: (request: IncomingMessage) => requestIdOf(request),
            customAttributeKeys: { reqId: 'request_id' },
            // Health probes and scrapes would drown the useful lines.
            autoLogging: {
              ignore: (request: IncomingMessage) =>
                request.url?.startsWith('/health/') === true || request.url === '/metrics',
            },
            serializers: {
              req: (request: { method?: string; url?: string; id?: unknown }) => ({
                id: request.id,
                method: request.method,
                url: request.url ? redactUrl(request.url) : request.url,
              }),
              res: (response: ServerResponse | { statusCode?: number }) => ({
                statusCode: response.statusCode,
              }),
            },
          },
          // The request logger is bound per request through AsyncLocalStorage.
          forRoutes: ['*path'],
          exclude: (options.unloggedPaths ?? []).map((path) => ({
            method: RequestMethod.ALL,
            path,
          })),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
