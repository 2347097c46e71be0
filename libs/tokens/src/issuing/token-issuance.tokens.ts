/** Injection token of the issuance settings taken from the process's env. */
export const TOKEN_ISSUANCE_SETTINGS = Symbol('TOKEN_ISSUANCE_SETTINGS');
