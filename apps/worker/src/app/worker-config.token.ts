/** Injection token of the worker's validated, frozen config. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
