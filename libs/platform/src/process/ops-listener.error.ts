/**
 * An HTTP app's ops listener could not bind; start-up blames the ops port variable
 * (API_OPS_PORT, AUTH_OPS_PORT) or OPS_HOST, not the public one.
 */
export class OpsListenerError extends Error {
  override readonly name = 'OpsListenerError';

  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
