// One autocannon measurement: an optional warm-up run whose numbers are thrown away, then the
// measured run. Every answer is checked by the scenario's `classify`, so a figure is never
// reported for answers other than the ones the scenario meant to measure.
import autocannon from 'autocannon';

/**
 * @param {object} options
 * @param {string} options.url          base URL of the service under load
 * @param {object} options.request      autocannon request (method, path, headers, body, setupRequest)
 * @param {(status: number, body: string) => true | string} options.classify
 *        true for the expected answer, otherwise a short label to count it under
 * @param {number} options.connections
 * @param {number} [options.duration]   seconds; ignored when `amount` is set
 * @param {number} [options.amount]     a fixed number of requests instead of a duration
 * @param {number} [options.warmup]     seconds of unmeasured load first
 * @param {(status: number, body: string) => void} [options.onAnswer]  sees every answer, warm-up too
 */
export async function measure({
  url,
  request,
  classify,
  connections,
  duration,
  amount,
  warmup = 0,
  onAnswer,
}) {
  if (warmup > 0) {
    await run({
      url,
      request,
      connections,
      duration: warmup,
      onResponse: (status, body) => onAnswer?.(status, body),
    });
  }
  let expected = 0;
  const unexpected = new Map();
  const result = await run({
    url,
    request,
    connections,
    duration,
    amount,
    onResponse(status, body) {
      onAnswer?.(status, body);
      const verdict = classify(status, body);
      if (verdict === true) expected += 1;
      else unexpected.set(verdict, (unexpected.get(verdict) ?? 0) + 1);
    },
  });
  return summarise(result, expected, unexpected);
}

function run({ url, request, connections, duration, amount, onResponse }) {
  return autocannon({
    url,
    connections,
    // No pipelining: one request in flight per connection, as real clients send.
    pipelining: 1,
    timeout: 10,
    ...(amount ? { amount } : { duration }),
    requests: [{ ...request, onResponse }],
  });
}

function summarise(result, expected, unexpected) {
  const completed = result.requests.total;
  return {
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
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
    ),
  };
}

export function round(value, digits) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `400 authorization_pending`-style label for an answer, for counting what came back instead. */
export function answerLabel(status, body) {
  const code = /"(?:error|code)"\s*:\s*"([^"]{1,64})"/.exec(body ?? '')?.[1];
  return code ? `${status} ${code}` : `${status}`;
}
