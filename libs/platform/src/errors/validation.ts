import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error';
import { PLATFORM_ERROR_CODES } from './error-envelope';

/** One field problem, located by its path from the request part (`["body", "email"]`). */
export interface FieldError {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
}

function toFieldErrors(
  errors: readonly ValidationError[],
  parent: readonly string[],
): FieldError[] {
  return errors.flatMap((error) => {
    const loc = [...parent, error.property];
    const own = Object.entries(error.constraints ?? {}).map(([type, msg]) => ({
      type: type === 'whitelistValidation' ? 'unknown_field' : type,
      loc,
      msg,
    }));
    return [...own, ...toFieldErrors(error.children ?? [], loc)];
  });
}

class FieldValidationFailed extends Error {
  constructor(readonly errors: readonly ValidationError[]) {
    super('validation failed');
  }
}

/**
 * The one validation pipe of every HTTP app: unknown fields are refused, payloads are
 * transformed into their DTO classes, and failures answer 400 `invalid_param` with every field
 * error at once, each located from the request part it came from (body, query, param).
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new FieldValidationFailed(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof FieldValidationFailed)) throw error;
      throw new ApiError(
        400,
        PLATFORM_ERROR_CODES.invalidParam,
        'Request validation failed',
        toFieldErrors(error.errors, [metadata.type]),
      );
    }
  }
}
