/** Injection token of the loaded web bundle. */
export const WEB_BUNDLE = Symbol('WEB_BUNDLE');
