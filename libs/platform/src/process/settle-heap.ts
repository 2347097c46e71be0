import { Session } from 'node:inspector';

/**
 * Gives back the memory start-up used and no longer needs, before the service takes traffic.
 *
 * Loading a service's modules allocates tens of megabytes that mostly survive, so V8 grows its
 * young generation to the full 16 MB semi-spaces (32 MB committed) and the old generation keeps
 * the garbage of module evaluation. V8's memory reducer returns both by itself, but only once it
 * has watched the process stay idle for some seconds: 16–40 s after ready on a 2-core machine,
 * and never for a process that keeps allocating a little, as the worker's queue polling does.
 * Until then an idle service sits 30–35 MB above where it settles.
 *
 * The inspector's `HeapProfiler.collectGarbage` asks V8 for a low-memory collection: the same
 * memory-reducing full collection, with the young generation shrunk back to its initial size,
 * done once and at once (about 80 ms). Nothing listens yet, so no request waits for it. The
 * session is in-process and opens no port. A Node built without the inspector, or a collection
 * that fails, leaves the heap as it was: this never fails a start-up.
 */
export async function settleHeap(): Promise<void> {
  if (!process.features.inspector) return;
  const session = new Session();
  try {
    session.connect();
    await new Promise<void>((resolve) =>
      session.post('HeapProfiler.collectGarbage', () => resolve()),
    );
  } catch {
    // Memory is only an optimisation here.
  } finally {
    // Node 20 stops running timers when a session is closed from inside its own post callback,
    // so the session is closed on a later turn.
    setImmediate(() => session.disconnect());
  }
}
