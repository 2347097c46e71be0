import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HEALTH_INDICATORS, type HealthIndicator } from './health-indicator';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, 'up' | 'down'>>;
}

// A dependency that does not answer within this time is as good as down for a load balancer.
const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private draining = false;

  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: readonly HealthIndicator[]) {}

  /** Once shutdown starts the process reports not-ready, so traffic moves elsewhere. */
  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  async readiness(): Promise<ReadinessReport> {
    const indicators = this.indicators;
    const results = await Promise.all(
      indicators.map(async (indicator) => {
        try {
          await withTimeout(indicator.check(), CHECK_TIMEOUT_MS);
          return [indicator.name, 'up'] as const;
        } catch {
          return [indicator.name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = !this.draining && results.every(([, state]) => state === 'up');
    return { ready, checks: { ...checks, ...(this.draining ? { shutdown: 'down' } : {}) } };
  }
}
