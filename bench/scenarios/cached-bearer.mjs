// (c) `GET /openapi/v1/account` on the gateway with a bearer token whose resolution is cached in
// Redis, and the SQL such a request costs (docs/tokens.md, "Bearer resolution": a cache hit makes
// no SQL query).
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { counterDelta, databaseCounters } from '../database.mjs';
import { createBearerFixture } from '../fixtures.mjs';
import { measureWithCpu } from '../cpu-per-answer.mjs';
import { answerLabel, measure, round } from '../load.mjs';

const ACCOUNT_PATH = '/openapi/v1/account';
// A route that resolves the bearer, runs the guards, and then answers 404 for a malformed id
// without a query: what is left of it is the resolution alone.
const RESOLUTION_ONLY_PATH = '/openapi/v1/workspaces/not-a-uuid';
// An idle backend publishes its statistics within PGSTAT_IDLE_INTERVAL (10 s) of its last
// statement; reading sooner misses some of them.
const STATS_SETTLE_MS = 11_000;
const IDLE_WINDOW_MS = 12_000;
const CALIBRATION_REQUESTS = 200;

export const SQL_METHOD =
  'pg_stat_database.xact_commit + xact_rollback of the bench database (each autocommit ' +
  'statement is one transaction), read from the maintenance database so the reads do not ' +
  `count, before a fixed number of requests and ${STATS_SETTLE_MS / 1000} s after the last ` +
  '(idle backends publish their statistics within 10 s); the background rate of an idle ' +
  'window is subtracted, and the rest divided by the number of requests. All cached requests ' +
  'run within the 60 s life of the cache entry. Calibrated with unknown tokens, which each ' +
  'cost one token lookup.';

async function counted(ctx, send) {
  const before = await databaseCounters(ctx.monitor, ctx.database.name);
  const started = Date.now();
  const load = await send();
  await sleep(STATS_SETTLE_MS);
  const after = await databaseCounters(ctx.monitor, ctx.database.name);
  return { load, windowMs: Date.now() - started, delta: counterDelta(before, after) };
}

function perRequest(run, requests, idlePerMs) {
  const background = idlePerMs * run.windowMs;
  const net = Math.max(0, run.delta.transactions - background);
  return {
    requests,
    windowMs: run.windowMs,
    transactions: run.delta.transactions,
    tuplesFetched: run.delta.tupFetched,
    backgroundTransactions: round(background, 1),
    statementsPerRequest: round(net / requests, 4),
    unexpectedAnswers: run.load.unexpectedAnswers,
    unexpectedByKind: run.load.unexpectedByKind,
  };
}

export default {
  id: 'cached-bearer',
  title: 'cached bearer GET /openapi/v1/account',
  target: { minRatio: 0.8, sqlPerRequest: 0 },
  async run(ctx) {
    const fixture = await createBearerFixture(ctx.database.url);
    const headers = { authorization: `Bearer ${fixture.token}` };
    // The first request resolves the token in SQL and caches it for 60 s; the rest are hits.
    const first = await fetch(`${ctx.urls.api}${ACCOUNT_PATH}`, { headers });
    const firstBody = await first.text();
    if (first.status !== 200) {
      return {
        unavailable: `api answers ${answerLabel(first.status, firstBody)} on GET ${ACCOUNT_PATH}`,
      };
    }
    ctx.log(`counting SQL (about a minute: Postgres publishes statistics lazily)`);
    await sleep(STATS_SETTLE_MS);

    const requests = ctx.settings.sqlRequests;
    const fixed =
      (path, expect, request = { method: 'GET', path, headers }) =>
      () =>
        measure({ url: ctx.urls.api, request, expect, connections: 10, amount: requests });
    const account = await counted(ctx, fixed(ACCOUNT_PATH, { status: 200 }));
    const resolution = await counted(ctx, fixed(RESOLUTION_ONLY_PATH, { status: 404 }));

    const idleBefore = await databaseCounters(ctx.monitor, ctx.database.name);
    await sleep(IDLE_WINDOW_MS);
    const idle = counterDelta(idleBefore, await databaseCounters(ctx.monitor, ctx.database.name));
    const idlePerMs = idle.transactions / IDLE_WINDOW_MS;

    // The method has to see SQL where there is some: an unknown token misses the cache.
    const calibration = await counted(ctx, () =>
      measure({
        url: ctx.urls.api,
        request: {
          method: 'GET',
          path: ACCOUNT_PATH,
          setupRequest(next) {
            next.headers = {
              authorization: `Bearer dfoa_${randomBytes(32).toString('base64url')}`,
            };
            return next;
          },
        },
        expect: { status: 401 },
        connections: 10,
        amount: CALIBRATION_REQUESTS,
      }),
    );

    const calibrated = perRequest(calibration, CALIBRATION_REQUESTS, idlePerMs);
    const { load, cpuUsPerAnswer } = await measureWithCpu(
      {
        url: ctx.urls.api,
        request: { method: 'GET', path: ACCOUNT_PATH, headers },
        expect: { status: 200 },
        ...ctx.load,
      },
      { api: ctx.services.api },
    );
    return {
      load,
      details: { cpuUsPerAnswer },
      sql: {
        method: SQL_METHOD,
        statementsPerRequest: perRequest(account, requests, idlePerMs).statementsPerRequest,
        account: perRequest(account, requests, idlePerMs),
        resolutionOnly: {
          path: RESOLUTION_ONLY_PATH,
          ...perRequest(resolution, requests, idlePerMs),
        },
        idle: { windowMs: IDLE_WINDOW_MS, transactions: idle.transactions },
        calibration: calibrated,
        methodWorks: calibrated.statementsPerRequest >= 0.9,
      },
    };
  },
};
