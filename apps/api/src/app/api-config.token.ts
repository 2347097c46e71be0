/** Injection token of the gateway's validated, frozen config. */
export const API_CONFIG = Symbol('API_CONFIG');
