// The bench's verdicts, its table and its JSON report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './load.mjs';

/** Net SQL statements per request below this count as none: the rest is background noise. */
export const SQL_ZERO = 0.001;

function ratioVerdict(row, baselineRps) {
  if (row.unavailable) return 'NOT MEASURED';
  if (!row.target?.minRatio || !baselineRps) return '';
  return row.load.requestsPerSecond / baselineRps >= row.target.minRatio ? 'ok' : 'MISSED';
}

/** Scenario results plus the baseline ratios and verdicts, in the order they ran. */
export function evaluate(scenarios, results) {
  const baselineRps = results.baseline?.load?.requestsPerSecond;
  return scenarios.map((scenario) => {
    const result = results[scenario.id] ?? { unavailable: 'not run' };
    const row = { id: scenario.id, title: scenario.title, target: scenario.target, ...result };
    if (row.load && baselineRps) {
      row.ratioToBaseline = round(row.load.requestsPerSecond / baselineRps, 3);
    }
    row.verdict = ratioVerdict(row, baselineRps);
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

export function renderTable(rows) {
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    '× baseline',
    'target',
    'result',
    'unexpected',
  ];
  const body = rows.map((row) => [
    row.title,
    fixed(row.load?.requestsPerSecond, 0),
    fixed(row.load?.latencyMs.p50, 0),
    fixed(row.load?.latencyMs.p99, 0),
    fixed(row.ratioToBaseline, 2),
    row.target?.minRatio ? `≥ ${row.target.minRatio.toFixed(2)}` : '—',
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
    line(header),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...body.map(line),
  ];

  for (const row of rows) {
    if (row.unavailable) out.push(`  ${row.id}: NOT MEASURED: ${row.unavailable}`);
    const kinds = row.load?.unexpectedByKind ?? {};
    if (Object.keys(kinds).length > 0) {
      out.push(`  ${row.id}: answers other than the expected one: ${JSON.stringify(kinds)}`);
    }
    if (row.load?.errors || row.load?.timeouts) {
      out.push(`  ${row.id}: ${row.load.errors} connection errors, ${row.load.timeouts} timeouts`);
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
