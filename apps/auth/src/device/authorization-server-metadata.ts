import { DEVICE_CODE_GRANT_TYPE } from './device-grant';

/** RFC 8414 metadata of this authorization server (docs/device-flow.md, "Discovery metadata"). */
export function authorizationServerMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    device_authorization_endpoint: `${issuer}/openapi/v1/oauth/device/code`,
    token_endpoint: `${issuer}/openapi/v1/oauth/device/token`,
    revocation_endpoint: `${issuer}/openapi/v1/oauth/revoke`,
    grant_types_supported: [DEVICE_CODE_GRANT_TYPE],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    response_types_supported: [],
    scopes_supported: [
      'full',
      'apps:read',
      'apps:read:permitted-external',
      'apps:run',
      'workspace:read',
      'workspace:write',
    ],
  };
}

/** CONSOLE_API_URL without its trailing slash: the issuer, exactly. */
export function issuerOf(consoleApiUrl: string): string {
  return consoleApiUrl.trim().replace(/\/+$/, '');
}

/** Where the document answers: the root well-known path, and the RFC 8414 §3.1 path form. */
export function metadataPaths(issuer: string): string[] {
  const path = new URL(issuer).pathname.replace(/\/+$/, '');
  const root = '/.well-known/oauth-authorization-server';
  return path ? [root, `${root}${path}`] : [root];
}
