// The bench's verdicts, its table and its JSON report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './load.mjs';

/** Net SQL statements per request below this count as none: the rest is background noise. */
export const SQL_ZERO = 0.001;

const verdictOf = (ok) => (ok ? 'ok' : 'MISSED');

/**
 * What a row is held to, as text, and whether it made it. Ratios are to the baseline unless the
 * scenario brings its own reference (the worker's no-op consumer); `multipleOf` reads the other
 * way round (our direct poll as a multiple of the peer's); `checks` are figures of their own
 * (cold starts, memory), each with its target.
 */
function judge(row, results, baselineRps) {
  const target = row.target ?? {};
  if (row.unavailable) return { verdict: 'NOT MEASURED' };
  const rps = row.load?.requestsPerSecond;
  if (target.minRatio && row.reference) {
    const ratio = round(rps / row.reference.perSecond, 3);
    return {
      comparison: `${ratio.toFixed(2)} × ${row.reference.name}`,
      targetText: `≥ ${target.minRatio.toFixed(2)} ×`,
      verdict: verdictOf(ratio >= target.minRatio),
    };
  }
  if (target.minRatio) {
    if (!baselineRps) return { verdict: 'NOT MEASURED' };
    return {
      targetText: `≥ ${target.minRatio.toFixed(2)} ×`,
      verdict: verdictOf(rps / baselineRps >= target.minRatio),
    };
  }
  if (target.minPerSecond) {
    return {
      targetText: `≥ ${target.minPerSecond}/s`,
      verdict: verdictOf(rps >= target.minPerSecond),
    };
  }
  if (target.multipleOf) {
    const ours = results[target.multipleOf]?.load?.requestsPerSecond;
    if (!ours) return { verdict: `NOT MEASURED (needs ${target.multipleOf})` };
    const multiple = round(ours / rps, 2);
    return {
      comparison: `${target.multipleOf} = ${multiple.toFixed(2)} × this`,
      targetText: `≥ ${target.min} ×`,
      verdict: verdictOf(multiple >= target.min),
    };
  }
  if (row.checks) return { verdict: verdictOf(row.checks.every((check) => check.ok)) };
  return { verdict: '' };
}

/** Scenario results plus the baseline ratios and verdicts, in the order they ran. */
export function evaluate(scenarios, results) {
  const baselineRps = results.baseline?.load?.requestsPerSecond;
  return scenarios.map((scenario) => {
    const result = results[scenario.id] ?? { unavailable: 'not run' };
    const row = { id: scenario.id, title: scenario.title, target: scenario.target, ...result };
    if (row.load && baselineRps && !row.reference && row.id !== 'flows') {
      row.ratioToBaseline = round(row.load.requestsPerSecond / baselineRps, 3);
    }
    Object.assign(row, judge(row, results, baselineRps));
    if (row.sql) {
      row.sql.verdict = !row.sql.methodWorks
        ? 'METHOD FAILED'
        : row.sql.statementsPerRequest < SQL_ZERO
          ? 'ok'
          : 'MISSED';
    }
    return row;
  });
}

const fixed = (value, digits) => (typeof value === 'number' ? value.toFixed(digits) : '—');

export function renderTable(rows, { generator }) {
  const header = [
    'scenario',
    'per s',
    'p50 ms',
    'p99 ms',
    '× baseline',
    'compared',
    'target',
    'result',
    'unexpected',
  ];
  const body = rows.map((row) => [
    row.title,
    fixed(row.load?.requestsPerSecond, 0),
    fixed(row.load?.latencyMs?.p50, 0),
    fixed(row.load?.latencyMs?.p99, 0),
    fixed(row.ratioToBaseline, 2),
    row.comparison ?? '—',
    row.targetText ?? (row.checks ? 'see below' : '—'),
    row.verdict || '—',
    row.load ? String(row.load.unexpectedAnswers + row.load.errors + row.load.timeouts) : '—',
  ]);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...body.map((cells) => cells[i].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ');
  const out = [
    `load generator: ${generator}`,
    line(header),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...body.map(line),
  ];

  for (const row of rows) {
    if (row.unavailable) out.push(`  ${row.id}: NOT MEASURED: ${row.unavailable}`);
    for (const check of row.checks ?? []) {
      out.push(
        `  ${row.id}: ${check.label}: ${check.value}${check.unit ? ` ${check.unit}` : ''} ` +
          `(target ${check.target}${check.unit ? ` ${check.unit}` : ''})  ${verdictOf(check.ok)}`,
      );
    }
    const kinds = row.load?.unexpectedByKind ?? {};
    if (Object.keys(kinds).length > 0) {
      out.push(`  ${row.id}: answers other than the expected one: ${JSON.stringify(kinds)}`);
    }
    if (row.load?.errors || row.load?.timeouts) {
      out.push(`  ${row.id}: ${row.load.errors} connection errors, ${row.load.timeouts} timeouts`);
    }
    const steps = Object.entries(row.load?.stepLatencyMs ?? {});
    if (steps.length > 0) {
      const each = steps.map(([step, ms]) => `${step} ${fixed(ms.p50, 0)}/${fixed(ms.p99, 0)}`);
      out.push(`  ${row.id}: per step, p50/p99 ms: ${each.join(', ')}`);
    }
    const perAnswer = row.details?.cpuUsPerAnswer;
    if (perAnswer) {
      const each = Object.entries(perAnswer).map(([service, us]) => `${service} ${us}`);
      out.push(`  ${row.id}: CPU µs per expected answer: ${each.join(', ')}`);
    }
    const cpu = row.details?.cpuMsPerFlow;
    if (cpu) {
      out.push(
        `  ${row.id}: CPU ms per flow: api ${cpu.api}, auth ${cpu.auth}, driver ${cpu.driver}, ` +
          `postgres ${cpu.postgres}; total ${cpu.total} = at most ${cpu.twoCoreCeilingPerSecond} ` +
          `flows/s on 2 idle cores (Redis not counted)`,
      );
    }
    if (row.details?.codesReusedWithinInterval) {
      out.push(
        `  ${row.id}: ${row.details.codesReusedWithinInterval} polls reused a code within 5 s (pool too small)`,
      );
    }
    if (row.sql) {
      const { sql } = row;
      const describe = (part) =>
        `${part.requests} requests: ${part.transactions} transactions in ${part.windowMs} ms ` +
        `(${part.backgroundTransactions} expected from the idle rate), ` +
        `${part.statementsPerRequest.toFixed(4)} per request`;
      out.push(
        '',
        `SQL statements per cached bearer request (GET /openapi/v1/account): ` +
          `${sql.statementsPerRequest.toFixed(4)}  target 0 (below ${SQL_ZERO} counts as 0)  ${sql.verdict}`,
        `  account:         ${describe(sql.account)}`,
        `  resolution only: ${describe(sql.resolutionOnly)}  [GET ${sql.resolutionOnly.path}, 404 before any query]`,
        `  calibration:     ${describe(sql.calibration)}  [unknown tokens; expected 1 each]`,
        `  idle:            ${sql.idle.transactions} transactions in ${sql.idle.windowMs} ms`,
        `  method: ${sql.method}`,
      );
      for (const [name, part] of Object.entries({
        account: sql.account,
        'resolution only': sql.resolutionOnly,
        calibration: sql.calibration,
      })) {
        if (part.unexpectedAnswers > 0) {
          out.push(`  ${name}: unexpected answers ${JSON.stringify(part.unexpectedByKind)}`);
        }
      }
    }
  }
  return out.join('\n');
}

export function writeReport(root, report) {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
