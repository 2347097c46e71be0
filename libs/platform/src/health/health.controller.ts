import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthService, type ReadinessReport } from './health.service';

/**
 * Liveness and readiness on an HTTP app's public port, at the same paths as the ops listener, for
 * operators whose load balancer can only probe that port. Metrics are never served here.
 */
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    void reply.status(report.ready ? 200 : 503);
    return report;
  }
}
