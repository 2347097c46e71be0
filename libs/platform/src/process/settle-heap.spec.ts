import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformFileSync } from '@swc/core';

const run = promisify(execFile);

// A process of its own, so each case starts from a fresh heap and a settle that stops the event
// loop fails on the timeout instead of freezing the test runner's own timers.
const PROBE = `
const { getHeapSpaceStatistics } = require('node:v8');
const { settleHeap } = require('./settle-heap.js');
const newSpace = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
// Young objects kept alive across scavenges, as module loading keeps them, grow new space.
let survivors = [];
for (let round = 0; round < 400; round += 1) {
  survivors.push(Array.from({ length: 1000 }, (_, i) => ({ round, i })));
  if (survivors.length > 40) survivors = survivors.slice(20);
}
survivors = null;
const grown = newSpace();
settleHeap().then(() => {
  const settled = newSpace();
  setTimeout(() => console.log(JSON.stringify({ grown, settled })), 20);
});
`;

describe('settleHeap', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'settle-heap-'));
    const { code } = transformFileSync(join(__dirname, 'settle-heap.ts'), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    writeFileSync(join(dir, 'settle-heap.js'), code);
    writeFileSync(join(dir, 'probe.js'), PROBE);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shrinks the young generation start-up grew, and timers keep running afterwards', async () => {
    const { stdout } = await run(process.execPath, [join(dir, 'probe.js')], { timeout: 10_000 });
    const { grown, settled } = JSON.parse(stdout) as { grown: number; settled: number };

    expect(grown).toBeGreaterThan(4 * 1024 * 1024);
    expect(settled).toBeLessThan(grown / 2);
  }, 20_000);
});
