// One load measurement: an optional warm-up whose numbers are thrown away, then the measured run.
// Every answer is checked against the scenario's `expect`, so a figure is never reported for
// answers other than the ones the scenario meant to measure.
//
// Timed runs go to wrk (bench/wrk/request.lua) when the bench found it, else to autocannon.
// Runs of a fixed number of requests (filling a code pool, the SQL counts) always use autocannon:
// wrk has no request count, and those runs count work per request, not requests per second.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const WRK_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'wrk', 'request.lua');
const TIMEOUT_S = 10;

/**
 * @param {object} options
 * @param {string} options.url          base URL of the service under load
 * @param {{ method: string, path: string, headers?: object, body?: string, setupRequest?: Function }} options.request
 *        with a `pool`, `{code}` in the body becomes the pool's next device code on each request;
 *        `setupRequest` (autocannon only) rewrites each request
 * @param {{ status: number, body?: string }} options.expect  the answer to measure
 * @param {import('./fixtures.mjs').DeviceCodePool} [options.pool]
 * @param {{ js: RegExp, lua: string, into: (value: string) => void }} [options.collect]
 *        takes one value out of every expected answer (issued device codes)
 * @param {number} options.connections
 * @param {number} [options.duration]   seconds; ignored when `amount` is set
 * @param {number} [options.amount]     a fixed number of requests instead of a duration
 * @param {number} [options.warmup]     seconds of unmeasured load first
 * @param {object} [options.generator]  from chooseGenerator; autocannon when absent
 * @param {string} [options.workDir]    where wrk's code and collect files go
 */
export async function measure(options) {
  const useWrk =
    options.generator?.name === 'wrk' && !options.amount && !options.request.setupRequest;
  const run = useWrk ? runWrk : runAutocannon;
  if (options.warmup > 0) await run({ ...options, duration: options.warmup });
  return run(options);
}

export function answerMatches(expect, status, body) {
  return status === expect.status && (!expect.body || (body ?? '').includes(expect.body));
}

/** `400 authorization_pending`-style label for an answer, for counting what came back instead. */
export function answerLabel(status, body) {
  const code = /"(?:error|code)"\s*:\s*"([^"]{1,64})"/.exec(body ?? '')?.[1];
  return code ? `${status} ${code}` : `${status}`;
}

async function runAutocannon({
  url,
  request,
  expect,
  pool,
  collect,
  connections,
  duration,
  amount,
}) {
  let expected = 0;
  const unexpected = new Map();
  const { setupRequest, ...fixed } = request;
  const template = pool ? fixed.body : undefined;
  const result = await autocannon({
    url,
    connections,
    // No pipelining: one request in flight per connection, as real clients send.
    pipelining: 1,
    timeout: TIMEOUT_S,
    ...(amount ? { amount } : { duration }),
    requests: [
      {
        ...fixed,
        ...(setupRequest || template
          ? {
              setupRequest(next) {
                if (template) next.body = template.replace('{code}', pool.next());
                return setupRequest ? setupRequest(next) : next;
              },
            }
          : {}),
        onResponse(status, body) {
          if (answerMatches(expect, status, body)) {
            expected += 1;
            const value = collect && collect.js.exec(body)?.[1];
            if (value) collect.into(value);
          } else {
            const label = answerLabel(status, body);
            unexpected.set(label, (unexpected.get(label) ?? 0) + 1);
          }
        },
      },
    ],
  });
  const completed = result.requests.total;
  return {
    generator: 'autocannon',
    requestsPerSecond: round(completed / result.duration, 1),
    latencyMs: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      mean: round(result.latency.average, 2),
      max: result.latency.max,
    },
    requests: completed,
    durationSeconds: round(result.duration, 2),
    connections: result.connections,
    errors: result.errors,
    timeouts: result.timeouts,
    expectedAnswers: expected,
    unexpectedAnswers: [...unexpected.values()].reduce((sum, count) => sum + count, 0),
    unexpectedByKind: Object.fromEntries(unexpected),
  };
}

/** The pool's codes as a file for the Lua script, written once per pool size. */
function codesFile(pool, workDir) {
  if (pool.file?.size !== pool.size) {
    const path = join(workDir, `codes-${randomBytes(4).toString('hex')}.txt`);
    writeFileSync(path, `${pool.codes.join('\n')}\n`);
    pool.file = { path, size: pool.size };
  }
  return pool.file.path;
}

function headerLines(headers = {}) {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

export function parseWrkResult(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`wrk printed no BENCH_RESULT line:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}

async function runWrk({
  url,
  request,
  expect,
  pool,
  collect,
  connections,
  duration,
  generator,
  workDir,
}) {
  const threads = Math.max(1, Math.min(generator.threads, connections));
  const tag = randomBytes(4).toString('hex');
  const headersFile = join(workDir, `headers-${tag}.txt`);
  writeFileSync(headersFile, `${headerLines(request.headers)}\n`);
  const collectFile = collect ? join(workDir, `collect-${tag}`) : '';
  const env = {
    PATH: process.env.PATH ?? '',
    BENCH_METHOD: request.method,
    BENCH_PATH: request.path,
    BENCH_HEADERS_FILE: headersFile,
    BENCH_BODY: request.body ?? '',
    BENCH_CODES_FILE: pool ? codesFile(pool, workDir) : '',
    BENCH_CODES_OFFSET: String(pool?.cursor ?? 0),
    BENCH_THREADS: String(threads),
    BENCH_EXPECT_STATUS: String(expect.status),
    BENCH_EXPECT_BODY: expect.body ?? '',
    BENCH_COLLECT_PATTERN: collect?.lua ?? '',
    BENCH_COLLECT_FILE: collectFile,
  };
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${duration}s`];
  args.push('--timeout', `${TIMEOUT_S}s`, '-s', WRK_SCRIPT, url);
  const stdout = await new Promise((resolve, reject) => {
    const child = spawn(generator.path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${err || out}`)),
    );
  });
  rmSync(headersFile, { force: true });
  const result = parseWrkResult(stdout);
  if (pool) {
    // The next run carries on where this one stopped, so a warm-up's codes are not sent again.
    pool.cursor = result.cursor % pool.size;
    pool.early += result.early;
  }
  if (collect) {
    for (const file of readdirSync(workDir).filter((f) => f.startsWith(`collect-${tag}.`))) {
      const path = join(workDir, file);
      for (const value of readFileSync(path, 'utf8').split('\n')) if (value) collect.into(value);
      rmSync(path, { force: true });
    }
  }
  const seconds = result.durationUs / 1e6;
  const unexpectedAnswers = Object.values(result.unexpected).reduce((sum, n) => sum + n, 0);
  return {
    generator: 'wrk',
    requestsPerSecond: round(result.requests / seconds, 1),
    latencyMs: {
      p50: round(result.latencyUs.p50 / 1000, 2),
      p99: round(result.latencyUs.p99 / 1000, 2),
      mean: round(result.latencyUs.mean / 1000, 2),
      max: round(result.latencyUs.max / 1000, 2),
    },
    requests: result.requests,
    durationSeconds: round(seconds, 2),
    connections,
    threads,
    errors: result.errors.connect + result.errors.read + result.errors.write,
    timeouts: result.errors.timeout,
    expectedAnswers: result.expected,
    unexpectedAnswers,
    unexpectedByKind: result.unexpected,
  };
}

export function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
