/** Injection token of the clock the licence reader uses; tests bind a controllable one. */
export const LICENSE_CLOCK = Symbol('LICENSE_CLOCK');

/** Answers the current time. */
export type LicenseClock = () => Date;
