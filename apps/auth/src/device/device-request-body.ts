import { ApiError } from '@dify/http-edge';

/**
 * The two wire dialects of the device endpoints
 * (docs/device-flow.md, "Device authorization request", "Polling").
 */
export type BodyDialect = 'json' | 'form';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export function invalidRequest(description?: string): ApiError {
  return new ApiError(400, 'invalid_request', description ?? 'invalid request');
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * A device-endpoint body in either dialect, read field by field. JSON keeps its value types so a
 * wrong type can be refused; form fields are strings, an empty one counts as absent and a
 * repeated one is refused (RFC 6749 §3.2). Unknown fields are simply never asked for.
 */
export class DeviceRequestBody {
  private constructor(
    readonly dialect: BodyDialect,
    private readonly fields: Readonly<Record<string, unknown>>,
  ) {}

  static read(
    contentType: string | undefined,
    body: unknown,
    dialects: readonly BodyDialect[] = ['json', 'form'],
  ): DeviceRequestBody {
    const mediaType = mediaTypeOf(contentType);
    const dialect: BodyDialect | undefined =
      mediaType === JSON_TYPE ? 'json' : mediaType === FORM ? 'form' : undefined;
    if (!dialect || !dialects.includes(dialect)) {
      throw invalidRequest('unsupported content type');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalidRequest('the body must be an object');
    }
    return new DeviceRequestBody(dialect, body as Record<string, unknown>);
  }

  /** The raw value, undefined when absent (or an empty form field). */
  get(name: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.fields, name)) return undefined;
    const value = this.fields[name];
    if (this.dialect === 'form') {
      if (Array.isArray(value)) throw invalidRequest(`${name} is repeated`);
      return value === '' ? undefined : value;
    }
    return value;
  }

  requiredString(name: string, maxLength = Number.POSITIVE_INFINITY): string {
    const value = this.get(name);
    if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
      throw invalidRequest(`${name} is required`);
    }
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.get(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalidRequest(`${name} must be a string`);
    return value;
  }
}
