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

// Postgres refuses U+0000 in text and jsonb, so a string carrying it would fail at the first write.
const NUL = '\u0000';
// Half a surrogate pair is no character at all: it cannot be encoded as UTF-8, and validators
// that URI-encode their input (isEmail does) throw on it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CHECKED_PARTS = new Set<string>(['body', 'query', 'param']);

function characterProblem(text: string, loc: (string | number)[]): FieldError | undefined {
  if (text.includes(NUL)) {
    return { type: 'nul_character', loc, msg: 'must not contain NUL characters' };
  }
  if (LONE_SURROGATE.test(text)) {
    return { type: 'invalid_unicode', loc, msg: 'must be well-formed Unicode' };
  }
  return undefined;
}

/**
 * Every string (and key) of the value holding a character no field may carry, located from its
 * request part. Iterative, so a deep value cannot overflow the stack here.
 */
function characterErrors(value: unknown, part: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { node: unknown; loc: (string | number)[] }[] = [{ node: value, loc: [part] }];
  while (pending.length > 0) {
    const { node, loc } = pending.pop() as { node: unknown; loc: (string | number)[] };
    if (typeof node === 'string') {
      const problem = characterProblem(node, loc);
      if (problem) errors.push(problem);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      const childLoc = [...loc, Array.isArray(node) ? Number(key) : key];
      const problem = characterProblem(key, childLoc);
      if (problem) errors.push(problem);
      pending.push({ node: child, loc: childLoc });
    }
  }
  return errors.reverse();
}

class FieldValidationFailed extends Error {
  constructor(readonly errors: readonly ValidationError[]) {
    super('validation failed');
  }
}

/**
 * The one validation pipe of every HTTP app: unknown fields are refused, payloads are
 * transformed into their DTO classes, and failures answer 400 `invalid_param` with every field
 * error at once, each located from the request part it came from (body, query, param). A NUL
 * character or a lone surrogate anywhere in a typed body, query or path parameter is refused
 * first, unknown fields included, so no such string reaches a validator or the database.
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
    // An untyped input (`unknown`, a plain record) is read by its handler in its own dialect: the
    // device endpoints drop every character outside the user-code alphabet, as their protocol
    // says, and refuse labels with control characters. The rule covers inputs bound to fields.
    if (CHECKED_PARTS.has(metadata.type) && metadata.metatype !== Object) {
      const characterProblems = characterErrors(value, metadata.type);
      if (characterProblems.length > 0) {
        throw new ApiError(
          400,
          PLATFORM_ERROR_CODES.invalidParam,
          'Request validation failed',
          characterProblems,
        );
      }
    }
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
