/** What the device page takes from its URL, once, before replacing it with the bare path. */
export interface DeviceUrlParams {
  /** The raw `user_code` value (unvalidated), or null when absent. */
  readonly userCode: string | null;
  /** Only exactly `1` counts. */
  readonly ssoVerified: boolean;
  readonly ssoError: string | null;
}

export const DEVICE_PATH = '/device';

/**
 * Reads `user_code`, `sso_verified` and `sso_error`, then replaces the address with bare /device
 * whatever they held, so a code never stays in the history, a Referer or a server log.
 */
export function readAndScrubUrl(location: Location, history: History): DeviceUrlParams {
  const query = new URLSearchParams(location.search);
  const params: DeviceUrlParams = {
    userCode: query.get('user_code'),
    ssoVerified: query.get('sso_verified') === '1',
    ssoError: query.get('sso_error'),
  };
  if (location.pathname !== DEVICE_PATH || location.search !== '' || location.hash !== '') {
    history.replaceState(null, '', DEVICE_PATH);
  }
  return params;
}
