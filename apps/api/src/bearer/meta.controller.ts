import { Controller, Get, Inject } from '@nestjs/common';
import { type LicenseEdition, LicenseStatusReader } from '@dify/licensing';
import { PACKAGE_VERSION } from './package-version';

/**
 * Unauthenticated meta routes of the bearer API (docs/bearer-api.md, "Meta routes"); exempt from
 * the version gate.
 */
@Controller('openapi/v1')
export class MetaController {
  constructor(
    @Inject(PACKAGE_VERSION) private readonly version: string,
    private readonly license: LicenseStatusReader,
  ) {}

  @Get('_health')
  health(): { ok: true } {
    return { ok: true };
  }

  @Get('_version')
  about(): { version: string; edition: LicenseEdition } {
    return { version: this.version, edition: this.license.edition() };
  }
}
