import fc from 'fast-check';
import type { RawHttpRequest } from './raw-http';

/**
 * A route to aim at: its method, its path (`:name` marks a path parameter) and a body that would
 * be valid, which the generator then mutates.
 */
export interface FuzzRoute {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly body?: Readonly<Record<string, unknown>>;
  readonly query?: Readonly<Record<string, string>>;
}

/**
 * Live values a request may use, named by placeholder (`{{csrf}}`, `{{token}}`…). Requests hold
 * the names and get the values when they are sent, so a printed counterexample never carries a
 * secret and always replays against the current state.
 */
export type PlaceholderValues = Readonly<Record<string, () => string>>;

/** A generated request: where it goes and what it says, before placeholders are filled in. */
export interface HostileRequest {
  readonly service: string;
  readonly method: string;
  /** `origin` targets get the path as is; `absolute` ones `http://<host><path>`. */
  readonly form: 'origin' | 'absolute' | 'asterisk' | 'authority';
  readonly absoluteHost: string;
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | Uint8Array | undefined;
  /** How the body is framed: a length, chunks, or chunks after a smuggling-style length too. */
  readonly framing: 'length' | 'chunked' | 'both';
  /** Headers sent twice, with a second, different value. */
  readonly repeated: readonly (readonly [string, string])[];
}

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

/** Placeholders a generated value may hold; the suite supplies a value for each. */
export const PLACEHOLDERS = [
  'cookie',
  'csrf',
  'token',
  'user_code',
  'device_code',
  'password',
  'email',
  'workspace_id',
  'session_id',
  'new_email',
] as const;

/** Percent-encodes the UTF-8 bytes; unlike encodeURIComponent it takes lone surrogates too. */
function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-_.~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

const placeholder = fc.constantFrom(...PLACEHOLDERS.map((name) => `{{${name}}}`));

/** Strings chosen to break parsers, validators, encoders and the database. */
const nastyString = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '\ud800',
  '\udfff\ud800',
  '\uffff',
  '\u202e',
  'ｆｕｌｌｗｉｄｔｈ',
  '😀'.repeat(100),
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  "' OR 1=1 --",
  '"; DROP TABLE accounts; --',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'null',
  'true',
  '-1',
  '1e309',
  'NaN',
  '0x10',
  'dfoa_',
  'dfoe_',
  'dc_',
  'ABCD-EFGH',
  'abcd efgh',
  'x'.repeat(300),
  'y'.repeat(17_000),
  '\r\n',
  '\\',
  '"',
  '%',
  '%zz',
  '%C0%AE',
  '\t',
);

const tokenShaped = fc
  .tuple(
    fc.constantFrom('dfoa_', 'dfoe_', 'dc_'),
    fc.base64String({ minLength: 44, maxLength: 44 }),
  )
  .map(([prefix, tail]) => `${prefix}${tail.replace(/\+/g, '-').replace(/\//g, '_').slice(0, 43)}`);

/** Hostile text that holds no live value: for places where a secret does not belong. */
export const plainHostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: tokenShaped },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.emailAddress() },
);

/** Hostile text that may also be a live value (a placeholder): for body fields. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: plainHostileString },
  { weight: 1, arbitrary: placeholder },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(plainHostileString, hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

// Mostly kept, so that requests get past the first field and into the routes' logic.
const fieldChoice = fc.oneof(
  { weight: 4, arbitrary: fc.constant('keep') },
  { weight: 2, arbitrary: fc.constant('replace') },
  { weight: 1, arbitrary: fc.constant('drop') },
  { weight: 1, arbitrary: fc.constant('poison') },
);

/** Characters that a valid value may carry one of and still look valid to a lax check. */
const poison = fc.tuple(
  fc.constantFrom('\u0000', '\ud800', '\u202e', '\u0007', '%00', '\\'),
  fc.constantFrom('start', 'middle', 'end'),
);

function poisoned(value: unknown, [char, where]: [string, string]): unknown {
  if (typeof value !== 'string') return value;
  if (where === 'start') return `${char}${value}`;
  if (where === 'end') return `${value}${char}`;
  const middle = Math.floor(value.length / 2);
  return `${value.slice(0, middle)}${char}${value.slice(middle)}`;
}

/** The route's valid body with fields kept, replaced, dropped, or joined by unknown ones. */
function mutatedJson(template: Readonly<Record<string, unknown>>): fc.Arbitrary<string> {
  const fields = Object.keys(template);
  return fc
    .tuple(
      fc.array(fieldChoice, {
        minLength: fields.length,
        maxLength: fields.length,
      }),
      fc.array(hostileValue, { minLength: fields.length, maxLength: fields.length }),
      fc.array(poison, { minLength: fields.length, maxLength: fields.length }),
      fc.dictionary(
        fc.oneof(plainHostileString, fc.constantFrom('__proto__', 'constructor')),
        hostileValue,
        {
          maxKeys: 2,
        },
      ),
    )
    .map(([choices, values, poisons, extra]) => {
      const body: Record<string, unknown> = {};
      fields.forEach((field, i) => {
        if (choices[i] === 'keep') body[field] = template[field];
        else if (choices[i] === 'replace') body[field] = values[i];
        else if (choices[i] === 'poison') body[field] = poisoned(template[field], poisons[i]);
      });
      // Keys like __proto__ must be own keys of the text, not a prototype change of the object.
      const text = JSON.stringify(body);
      const extraText = Object.entries(extra)
        .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`)
        .join(',');
      if (!extraText) return text;
      return text === '{}' ? `{${extraText}}` : `${text.slice(0, -1)},${extraText}}`;
    });
}

function formEncoded(template: Readonly<Record<string, unknown>>): fc.Arbitrary<string> {
  const fields = Object.keys(template);
  const name =
    fields.length > 0
      ? fc.oneof(fc.constantFrom(...fields), plainHostileString)
      : plainHostileString;
  const value =
    fields.length > 0
      ? fc.oneof(hostileString, fc.constantFrom(...fields.map((field) => String(template[field]))))
      : hostileString;
  return fc
    .array(fc.tuple(name, value), { maxLength: 5 })
    .chain((pairs) =>
      fc.constantFrom(
        pairs.map(([key, text]) => `${percentEncode(key)}=${percentEncode(text)}`).join('&'),
        pairs.map(([key, text]) => `${key}=${text}`).join('&'),
      ),
    );
}

function bodyFor(route: FuzzRoute): fc.Arbitrary<string | Uint8Array | undefined> {
  const template = route.body ?? {};
  return fc.oneof(
    { weight: 6, arbitrary: mutatedJson(template) },
    { weight: 2, arbitrary: formEncoded(template) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.integer({ min: 20, max: 200 }), fc.integer({ min: 2_000, max: 8_000 }))
        .map((depth) => `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{', '{"a":1}{"b":2}', '\u0000', '[]') },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 16_000, max: 40_000 })
        .map((size) => `{"a":"${'z'.repeat(size)}"}`),
    },
  );
}

/** A header value as it may go on the wire: latin1 without CR or LF, so framing stays intact. */
const headerText = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    plainHostileString,
    fc.string({ unit: 'binary-ascii', maxLength: 30 }),
  )
  // Control characters other than CR and LF stay: servers must refuse them, not choke on them.
  .map((value) =>
    Array.from(value, (char) =>
      char === '\r' || char === '\n' || char.charCodeAt(0) > 0xff ? '?' : char,
    ).join(''),
  );

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'APPLICATION/JSON',
    'application/json;;;',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=latin1',
    'text/plain',
    'multipart/form-data; boundary=xyz',
    'application/octet-stream',
    'application/problem+json',
    '*/*',
    '',
  ),
  headerText,
);

const bearer = fc.oneof(
  fc.constantFrom(
    'Bearer {{token}}',
    'bearer {{token}}',
    'Bearer  {{token}}',
    'Bearer',
    'Basic YTpi',
  ),
  tokenShaped.map((token) => `Bearer ${token}`),
  headerText.map((value) => `Bearer ${value}`),
  headerText,
);

const cookie = fc.oneof(
  fc.constant('{{cookie}}'),
  fc.constantFrom(
    'console_access_token=x.y.z',
    'console_access_token=; csrf_token=',
    'console_refresh_token=%00%ff',
    'csrf_token={{csrf}}',
    'a=b; a=c; console_access_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
  ),
  headerText.map((value) => `console_access_token=${value}; csrf_token=${value}`),
  headerText,
);

const forwardedFor = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom(
    'unknown',
    '',
    '1.1.1.1, 2.2.2.2, 3.3.3.3',
    '999.1.1.1',
    '::ffff:127.0.0.1',
    '[::1]:80',
  ),
  headerText,
);

/** Optional headers: each one present or not, with a hostile or a live value. */
const extraHeaders = fc
  .record(
    {
      cookie,
      'x-csrf-token': fc.oneof(fc.constant('{{csrf}}'), headerText),
      authorization: bearer,
      'user-agent': fc.oneof(
        fc.constantFrom(
          'difyctl/0.0.1',
          'difyctl/9.9.9',
          'difyctl/not-a-version',
          'difyctl/',
          'curl/8',
        ),
        headerText,
      ),
      'x-forwarded-for': forwardedFor,
      'x-forwarded-proto': fc.constantFrom('https', 'http', 'gopher', ''),
      'x-request-id': fc.oneof(fc.uuid(), headerText, fc.constant('r'.repeat(2_000))),
      accept: fc.constantFrom('application/json', 'text/html', '*/*', ''),
      origin: fc.constantFrom('http://evil.example', 'null', ''),
      'accept-encoding': fc.constantFrom('gzip', 'br, deflate', 'identity;q=0', ''),
    },
    { requiredKeys: [] },
  )
  .map((record) => Object.entries(record));

/** A path segment where a route takes a parameter. */
const pathSegment = fc.oneof(
  fc.uuid(),
  fc.constantFrom(
    '{{workspace_id}}',
    '{{session_id}}',
    'self',
    '%00',
    '%ff',
    '%2e%2e',
    '..',
    '.',
    '%2F',
    '%',
    '',
  ),
  plainHostileString.map((value) => percentEncode(value)),
  fc.string({ unit: 'binary-ascii', maxLength: 10 }).map((value) => value.replace(/[\s?#]/g, '')),
);

// Live values go only under the names that carry them, which the logs are expected to redact.
const SECRET_QUERY_NAMES = ['user_code', 'device_code', 'token'];

const queryPair = fc
  .oneof(
    fc.constantFrom(...SECRET_QUERY_NAMES, 'page', 'limit', '__proto__', 'a[b]', ''),
    fc.string({ maxLength: 8 }),
  )
  .chain((key) =>
    fc.tuple(
      fc.constant(key),
      SECRET_QUERY_NAMES.includes(key) ? hostileString : plainHostileString,
    ),
  );

const queryString = fc.oneof(
  fc.constant(''),
  fc
    .array(queryPair, { maxLength: 4 })
    .chain((pairs) =>
      fc.constantFrom(
        `?${pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&')}`,
        `?${pairs.map(([key, value]) => `${key}=${value}`.replace(/[\s#]/g, '+')).join('&')}`,
      ),
    ),
  fc.constantFrom(
    '?',
    '?&&',
    '?%',
    '?user_code=%zz',
    '?page=-1&limit=1e9',
    '?limit=0',
    '?page=a&page=b',
  ),
);

function pathOf(route: FuzzRoute): fc.Arbitrary<string> {
  const parts = route.path.split('/');
  const parameters = parts.filter((part) => part.startsWith(':')).length;
  const query = route.query
    ? fc.oneof(
        queryString,
        fc.constant(
          `?${Object.entries(route.query)
            .map(([key, value]) => `${key}=${value}`)
            .join('&')}`,
        ),
      )
    : queryString;
  return fc
    .tuple(
      fc.array(pathSegment, { minLength: parameters, maxLength: parameters }),
      query,
      fc.oneof(
        { weight: 12, arbitrary: fc.constant('') },
        fc.constantFrom('/', '//', '%20', '.json', '/..', ';x'),
      ),
      fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, fc.constant(true)),
    )
    .map(([segments, q, suffix, upper]) => {
      let next = 0;
      const path = parts
        .map((part) => (part.startsWith(':') ? (segments[next++] ?? '') : part))
        .join('/');
      return `${upper ? path.toUpperCase() : path}${suffix}${q}`;
    });
}

const randomPath = fc.oneof(
  fc.webPath(),
  fc.constantFrom(
    '/',
    '//',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/console/api/../../openapi/v1/oauth/device/code',
    '/openapi/v1/oauth/%2e%2e/device/code',
    '/openapi/v1/oauth/device/%74oken',
    '/v1/oauth/authorizations/self',
    '/.well-known/oauth-authorization-server/extra',
    '/health/ready?x=1',
    '/metrics',
    '/console/api/%00',
    '/\u00ff',
  ),
  fc
    .string({ unit: 'binary-ascii', maxLength: 30 })
    .map((value) => `/${value.replace(/[\s#]/g, '')}`),
);

const methods = fc.constantFrom(
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'get',
  'PROPFIND',
);

/** Requests aimed at the given routes (and now and then at none), hostile in every part. */
export function hostileRequest(
  routes: readonly FuzzRoute[],
  services: readonly string[],
): fc.Arbitrary<HostileRequest> {
  const aimed = fc.constantFrom(...routes).chain((route) =>
    fc.record({
      service: fc.oneof(
        { weight: 9, arbitrary: fc.constant(route.service) },
        fc.constantFrom(...services),
      ),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, methods),
      path: pathOf(route),
      body: bodyFor(route),
    }),
  );
  const stray = fc.record({
    service: fc.constantFrom(...services),
    method: methods,
    path: randomPath,
    body: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 })),
  });
  return fc
    .tuple(
      fc.oneof({ weight: 9, arbitrary: aimed }, { weight: 1, arbitrary: stray }),
      fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, contentType),
      fc.boolean(),
      extraHeaders,
      fc.oneof(
        { weight: 20, arbitrary: fc.constant<HostileRequest['form']>('origin') },
        { weight: 3, arbitrary: fc.constant<HostileRequest['form']>('absolute') },
        fc.constantFrom<HostileRequest['form']>('asterisk', 'authority'),
      ),
      fc.constantFrom('{{self}}', 'evil.example', 'evil.example:1', '[::1]', ''),
      fc.oneof(
        { weight: 8, arbitrary: fc.constant<HostileRequest['framing']>('length') },
        fc.constantFrom<HostileRequest['framing']>('chunked', 'both'),
      ),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant<[string, string][]>([]) },
        extraHeaders,
        contentType.map((type): [string, string][] => [['content-type', type]]),
      ),
    )
    .map(([target, type, withType, headers, form, absoluteHost, framing, repeated]) => ({
      service: target.service,
      method: target.method,
      form,
      absoluteHost,
      path: target.path,
      headers: withType ? [['content-type', type] as const, ...headers] : headers,
      body: target.body,
      framing,
      repeated,
    }));
}

/** Fills placeholders in; unknown names are left as they are. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name]?.() ?? whole);
}

/** The wire form of a generated request, for a service listening on `host` (`127.0.0.1:port`). */
export function toRawRequest(
  request: HostileRequest,
  host: string,
  values: PlaceholderValues,
): RawHttpRequest {
  const fill = (text: string) => fillPlaceholders(text, values);
  const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
  const absoluteHost = request.absoluteHost === '{{self}}' ? host : request.absoluteHost;
  const target =
    request.form === 'absolute'
      ? `http://${absoluteHost}${fill(path)}`
      : request.form === 'asterisk'
        ? '*'
        : request.form === 'authority'
          ? host
          : fill(path);
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? Buffer.from(fill(request.body), 'utf8')
        : Buffer.from(request.body);
  const headers: [string, string][] = [
    ['host', host],
    ['connection', 'close'],
    ...[...request.headers, ...request.repeated].map(
      ([name, value]) => [name, fill(value)] as [string, string],
    ),
  ];
  let framed = body;
  if (body !== undefined && request.framing === 'length') {
    headers.push(['content-length', String(body.length)]);
  } else if (body !== undefined) {
    // One chunk per 1 KiB, then the last chunk: a well-formed chunked body of the same bytes.
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += 1024) {
      const chunk = body.subarray(at, at + 1024);
      chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from('0\r\n\r\n'));
    framed = Buffer.concat(chunks);
    headers.push(['transfer-encoding', 'chunked']);
    // Both at once is how requests are smuggled past a proxy; servers must refuse it.
    if (request.framing === 'both') headers.push(['content-length', String(body.length)]);
  }
  return {
    method: request.method,
    // The request line carries no spaces or line breaks: anything else would change the framing.
    target: target.replace(/[\s]/g, '%20'),
    headers: headers.map(([name, value]) => [name, value.replace(/[\r\n]/g, ' ')] as const),
    body: framed,
  };
}
