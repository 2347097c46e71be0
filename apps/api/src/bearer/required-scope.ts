/** Metadata key under which `@BearerRoute` stores the scope its route requires. */
export const REQUIRED_SCOPE = 'bearer:required-scope';
