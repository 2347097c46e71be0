/** Injection token of the licence settings taken from the process's env. */
export const LICENSE_SETTINGS = Symbol('LICENSE_SETTINGS');
