// Whole sign-ins per second through the gateway, as the CLI and the console do them: issue a
// code, approve it from a signed-in console session (cookie + CSRF header), then poll until the
// token comes back. Each flow is three dependent requests, so it is driven from Node (undici,
// one keep-alive pool) rather than wrk; at the target of 300 flows/s that is about 900 req/s,
// far below what the generator could send. As many flows run at once as the other scenarios
// hold connections (`--connections`, 50 by default), so every scenario meets the services with
// the same number of callers in flight. Auth lets one account approve one code at a time
// (409 approve_in_progress otherwise), as a person does, so each concurrent flow has an
// approver of its own, signed in once.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { createConsoleAccount, signIn } from '../console-account.mjs';
import { CODE_PATH, codeRequest, POLL_PATH } from '../device-codes.mjs';
import { answerLabel, round } from '../load.mjs';
import { backendCpuMs, cpuMs } from '../services.mjs';

const APPROVE_PATH = '/openapi/v1/oauth/device/approve';
const ACCOUNTS_AT_ONCE = 4;
// The approval is complete when the poll is sent, so the first poll must carry the token.
const TOKEN = /"access_token"\s*:\s*"dfoa_/;

async function send(pool, path, body, headers = {}) {
  const answer = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: answer.statusCode, body: await answer.body.text() };
}

/** Times each step of a flow, so a slow flow says which request made it slow. */
function stepClock(steps) {
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    steps[step].push(now - last);
    last = now;
  };
}

async function oneFlow(pool, session, steps) {
  const lap = stepClock(steps);
  const issued = await send(pool, CODE_PATH, codeRequest.body);
  lap('issue');
  if (issued.status !== 200) return `code: ${answerLabel(issued.status, issued.body)}`;
  const { device_code: deviceCode, user_code: userCode } = JSON.parse(issued.body);
  const approved = await send(pool, APPROVE_PATH, JSON.stringify({ user_code: userCode }), {
    cookie: session.cookie,
    'x-csrf-token': session.csrf,
  });
  lap('approve');
  if (approved.status !== 200) return `approve: ${answerLabel(approved.status, approved.body)}`;
  const polled = await send(
    pool,
    POLL_PATH,
    JSON.stringify({ client_id: 'difyctl', device_code: deviceCode }),
  );
  lap('poll');
  if (polled.status !== 200 || !TOKEN.test(polled.body)) {
    return `token: ${answerLabel(polled.status, polled.body)}`;
  }
  return true;
}

async function drive(pool, sessions, seconds) {
  const deadline = Date.now() + seconds * 1000;
  const latencies = [];
  const unexpected = {};
  let errors = 0;
  const steps = { issue: [], approve: [], poll: [] };
  const started = Date.now();
  await Promise.all(
    sessions.map(async (session) => {
      while (Date.now() < deadline) {
        const began = performance.now();
        const verdict = await oneFlow(pool, session, steps).catch((error) => {
          errors += 1;
          return `error: ${error.code ?? error.message}`;
        });
        if (verdict === true) latencies.push(performance.now() - began);
        else unexpected[verdict] = (unexpected[verdict] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const at = (values, q) =>
    round(values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0, 1);
  const spread = (values) => {
    values.sort((a, b) => a - b);
    return { p50: at(values, 0.5), p99: at(values, 0.99) };
  };
  return {
    generator: 'node (undici)',
    flowsPerSecond: round(latencies.length / elapsed, 1),
    requestsPerSecond: round(latencies.length / elapsed, 1),
    latencyMs: spread(latencies),
    // Each step's own latency, flows that failed included up to the step they reached.
    stepLatencyMs: Object.fromEntries(
      Object.entries(steps).map(([step, values]) => [step, spread(values)]),
    ),
    flows: latencies.length,
    durationSeconds: round(elapsed, 2),
    connections: sessions.length,
    errors,
    timeouts: 0,
    expectedAnswers: latencies.length,
    unexpectedAnswers: Object.values(unexpected).reduce((sum, n) => sum + n, 0) - errors,
    unexpectedByKind: unexpected,
  };
}

/**
 * CPU time each of our processes spends per completed flow: the gateway, auth, this process (the
 * driver) and the Postgres backends serving the bench database. Unlike flows/s it barely moves
 * with what else the machine runs, so it tells what the flows would reach with both cores to
 * themselves: 2 × 1000 ms ÷ the total. Redis is shared with other work and left out.
 */
async function cpuClock(ctx) {
  const read = async () => ({
    api: cpuMs(ctx.services.api.pid),
    auth: cpuMs(ctx.services.auth.pid),
    driver: (({ user, system }) => (user + system) / 1000)(process.cpuUsage()),
    backends: await backendCpuMs(ctx),
  });
  const before = await read();
  return {
    async perFlow(flows) {
      const after = await read();
      // A backend opened during the run counts whole; one closed during it is missed (the
      // services' pools keep theirs open).
      let postgres = 0;
      for (const [pid, ms] of after.backends) postgres += ms - (before.backends.get(pid) ?? 0);
      const spent = {
        api: after.api - before.api,
        auth: after.auth - before.auth,
        driver: after.driver - before.driver,
        postgres,
      };
      const perFlow = Object.fromEntries(
        Object.entries(spent).map(([name, ms]) => [name, round(ms / Math.max(flows, 1), 2)]),
      );
      const total = round(
        Object.values(perFlow).reduce((sum, ms) => sum + ms, 0),
        2,
      );
      return { ...perFlow, total, twoCoreCeilingPerSecond: round(2000 / total, 0) };
    },
  };
}

export default {
  id: 'flows',
  title: 'whole sign-in flows/s, via api gateway',
  target: { minPerSecond: 300 },
  async run(ctx) {
    // A few operator commands at a time: sixteen Node processes booting at once on a loaded
    // machine have timed out connecting to Postgres.
    const concurrency = ctx.load.connections;
    const accounts = [];
    while (accounts.length < concurrency) {
      const batch = Math.min(ACCOUNTS_AT_ONCE, concurrency - accounts.length);
      accounts.push(
        ...(await Promise.all(
          Array.from({ length: batch }, () => createConsoleAccount(ctx.root, ctx.commandEnv)),
        )),
      );
    }
    const sessions = [];
    for (const account of accounts) sessions.push(await signIn(ctx.urls.api, account));
    const pool = new Pool(ctx.urls.api, { connections: concurrency });
    try {
      if (ctx.load.warmup > 0) await drive(pool, sessions, ctx.load.warmup);
      const cpu = await cpuClock(ctx);
      const load = await drive(pool, sessions, ctx.load.duration);
      return { load, details: { cpuMsPerFlow: await cpu.perFlow(load.flows) } };
    } finally {
      await pool.close();
    }
  },
};
