import { HttpException } from '@nestjs/common';

/**
 * An error raised at the HTTP edge with a stable, machine-readable code. Controllers and guards
 * throw it; the envelope filter renders it as `{code, message, status, details?}`.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ code, message, status, details }, status);
  }
}
