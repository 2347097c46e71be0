/** Injection token of the process's shared Redis client (key prefix applied). */
export const REDIS = Symbol('REDIS');
