import { isSecretLogKey } from './secret-keys';
import { REDACTED } from './secret-text';

/** Replaces the values of secret query parameters (`?user_code=…`) in a URL path for logging. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of new Set(params.keys())) {
    if (isSecretLogKey(key)) params.set(key, REDACTED);
  }
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}
