/** One way of writing a route's request target that a router reads as the same path. */
export interface PathSpelling {
  readonly label: string;
  readonly target: string;
}

/**
 * The spellings of `path` (origin-form, no query) a policy keyed on the path must treat like the
 * plain one: each letter of each segment percent-encoded in turn (`/openapi/v1/oauth/device/%63ode`),
 * and the absolute-form target `http://<host><path>`. `:name` parameters are left as they are
 * for the caller to fill in.
 */
export function pathSpellings(path: string, host: string): PathSpelling[] {
  const spellings: PathSpelling[] = [];
  const segments = path.split('/');
  segments.forEach((segment, index) => {
    if (segment.startsWith(':')) return;
    for (let at = 0; at < segment.length; at += 1) {
      const char = segment[at];
      if (!/[a-z]/i.test(char)) continue;
      const encoded = `%${char.charCodeAt(0).toString(16).toUpperCase()}`;
      const spelled = [...segments];
      spelled[index] = `${segment.slice(0, at)}${encoded}${segment.slice(at + 1)}`;
      const target = spelled.join('/');
      spellings.push({ label: target, target });
    }
  });
  spellings.push({ label: `http://x${path}`, target: `http://${host}${path}` });
  return spellings;
}
