// Accounts, workspaces and console sessions arrive with the identity issue; the lib exists so
// its boundaries are enforced from the start.
export {};
