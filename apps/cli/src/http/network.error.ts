/**
 * The request never got an HTTP answer: DNS, refused or reset connections, TLS, or a timeout.
 * Callers treat it as transient (the poll loop retries it) or report it.
 */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}
