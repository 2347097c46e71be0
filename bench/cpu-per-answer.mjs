// CPU time each service spends per expected answer over a measured run: utime + stime from /proc
// before and after the run (not the warm-up), divided by the answers that matched. Unlike req/s it
// barely moves with what else the machine runs, so it is the figure to compare builds by.
import { measure } from './load.mjs';
import { cpuMs } from './services.mjs';

/**
 * `measure` with its warm-up run first, then the measured run between two CPU readings of each
 * named service. Answers `{ load, cpuUsPerAnswer: { <service>: µs } }`.
 * @param {Record<string, { pid: number }>} services
 */
export async function measureWithCpu(options, services) {
  if (options.warmup > 0) await measure({ ...options, duration: options.warmup, warmup: 0 });
  const read = () =>
    Object.fromEntries(Object.entries(services).map(([name, { pid }]) => [name, cpuMs(pid)]));
  const before = read();
  const load = await measure({ ...options, warmup: 0 });
  const after = read();
  const answers = Math.max(1, load.expectedAnswers);
  const cpuUsPerAnswer = Object.fromEntries(
    Object.keys(services).map((name) => [
      name,
      Math.round(((after[name] - before[name]) * 1000) / answers),
    ]),
  );
  return { load, cpuUsPerAnswer };
}
