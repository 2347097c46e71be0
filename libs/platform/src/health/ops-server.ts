import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsService } from '../metrics/metrics.service';
import type { HealthService } from './health.service';

/**
 * The tiny listener of processes without an HTTP API (worker, beat): health and metrics only.
 * Plain `node:http` keeps these processes free of a web framework.
 */
export class OpsServer {
  private server: Server | undefined;

  constructor(
    private readonly health: HealthService,
    private readonly metrics: MetricsService,
  ) {}

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const send = (status: number, type: string, body: string): void => {
        response.writeHead(status, { 'content-type': type }).end(body);
      };
      const json = (status: number, body: unknown): void =>
        send(status, 'application/json; charset=utf-8', JSON.stringify(body));
      if (request.method !== 'GET') {
        json(405, { code: 'method_not_allowed', message: 'Method Not Allowed', status: 405 });
      } else if (path === '/health/live') {
        json(200, { status: 'ok' });
      } else if (path === '/health/ready') {
        this.health.readiness().then(
          (report) => json(report.ready ? 200 : 503, report),
          () => json(503, { ready: false, checks: {} }),
        );
      } else if (path === '/metrics') {
        this.metrics.render().then(
          (text) => send(200, this.metrics.contentType(), text),
          () =>
            json(500, {
              code: 'internal_server_error',
              message: 'Internal Server Error',
              status: 500,
            }),
        );
      } else {
        json(404, { code: 'not_found', message: `Cannot GET ${path}`, status: 404 });
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
