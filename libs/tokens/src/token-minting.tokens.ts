/** Injection token of the token-minting settings taken from the process's env. */
export const TOKEN_MINTING_SETTINGS = Symbol('TOKEN_MINTING_SETTINGS');
