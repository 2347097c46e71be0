/** Injection token of beat's validated, frozen config. */
export const BEAT_CONFIG = Symbol('BEAT_CONFIG');
