import { Controller, Get, Inject } from '@nestjs/common';
import { allowsEnterpriseFeatures } from '@dify/domain';
import { LicenseStatusReader } from '@dify/licensing';
import type { SystemFeaturesResponse } from './system-features.response';
import { SYSTEM_SETTINGS, type SystemSettings } from './system.settings';

/**
 * Whether this build serves the SSO branch's routes (sso-initiate, sso-complete, approval-context,
 * approve-external). It does not yet: until it does, offering SSO would send every person who
 * picks it to a 404, whatever the licence and `SSO_ISSUER` say.
 */
const SSO_ROUTES_SERVED = false;

/** Public feature flags of the deployment; the `/device` page reads them before signing in. */
@Controller('console/api')
export class SystemFeaturesController {
  constructor(
    @Inject(SYSTEM_SETTINGS) private readonly settings: SystemSettings,
    private readonly license: LicenseStatusReader,
  ) {}

  @Get('system-features')
  async features(): Promise<SystemFeaturesResponse> {
    // One reading serves both fields, so they can never disagree within one answer.
    const status = await this.license.current();
    return {
      edition: this.license.edition(),
      license: { status },
      device_flow: {
        sso_available:
          SSO_ROUTES_SERVED && allowsEnterpriseFeatures(status) && this.settings.ssoIssuer !== '',
      },
    };
  }
}
