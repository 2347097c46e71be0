/** Injection token of the auth service's validated, frozen config. */
export const AUTH_CONFIG = Symbol('API_CONFIG');
