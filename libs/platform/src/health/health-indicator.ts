/** Something a service needs in order to do its work; readiness asks each one. */
export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

/** The indicators a process checks for readiness, as chosen by its root module. */
export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');
