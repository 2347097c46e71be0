import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HEALTH_INDICATORS, type HealthIndicator } from './health-indicator';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, 'up' | 'down'>>;
}

// A dependency that does not answer within this time is as good as down for a load balancer;
// probes answer within about a second either way.
const CHECK_TIMEOUT_MS = 900;

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

  /** From the first moment of a shutdown the process reports not-ready, so traffic moves away. */
  startDraining(): void {
    this.draining = true;
  }

  beforeApplicationShutdown(): void {
    this.startDraining();
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
