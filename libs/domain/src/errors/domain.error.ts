/**
 * Base of every error a lib throws on purpose. Libs never know about HTTP: only the edge maps
 * `code` to a status (or, in the worker, to retry versus give up), so `code` is a stable,
 * machine-readable string and `message` is for people and logs.
 *
 * `details` must never carry a secret (token, device code, user code, password, licence key):
 * the edge may log it or send it to a client.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly details: unknown;

  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
    // `new.target` keeps subclass names in stack traces and logs without each subclass repeating it.
    this.name = new.target.name;
  }
}
