/**
 * Who is calling, as far as audit records and rate limits care: the client IP (resolved through
 * trusted proxies at the edge), the request id and the User-Agent. Plain data, so the libraries
 * that record or throttle a caller need nothing of the HTTP edge that fills it in.
 */
export interface RequestContext {
  readonly ip: string;
  readonly requestId: string;
  readonly userAgent?: string;
}
