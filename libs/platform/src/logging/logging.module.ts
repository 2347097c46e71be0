import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { serviceLoggerOptions } from './logger-options';
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
 * request id. Secrets are redacted from every line (see serviceLoggerOptions).
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...serviceLoggerOptions(options.service, options.level),
            genReqId: (request: IncomingMessage) => requestIdOf(request),
            customAttributeKeys: { reqId: 'request_id' },
            // Health probes and scrapes would drown the useful lines.
            autoLogging: {
              ignore: (request: IncomingMessage) =>
                request.url?.startsWith('/health/') === true || request.url === '/metrics',
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
