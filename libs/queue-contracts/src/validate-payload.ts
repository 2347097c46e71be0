import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { JOB_DEFINITIONS, type PayloadOf } from './job-definitions';
import type { JobName } from './queue-names';

/**
 * A job whose data does not match its payload class. Retrying cannot fix it, so consumers turn
 * it into a permanent failure.
 */
export class InvalidJobPayloadError extends Error {
  constructor(
    readonly job: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${job} payload: ${problems.join('; ')}`);
  }
}

/** Validates job data against its payload class, refusing unknown fields, and returns the instance. */
export function validateJobPayload<J extends JobName>(job: J, data: unknown): PayloadOf<J> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidJobPayloadError(job, ['data must be an object']);
  }
  const payloadClass = JOB_DEFINITIONS[job].payload as ClassConstructor<PayloadOf<J>>;
  const instance = plainToInstance(payloadClass, data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new InvalidJobPayloadError(
      job,
      errors.flatMap((error) =>
        Object.values(error.constraints ?? { [error.property]: `${error.property} is invalid` }),
      ),
    );
  }
  return instance;
}
