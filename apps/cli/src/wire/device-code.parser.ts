import { isRecord, numberField, textField } from './wire-fields';

/** A device authorization answer the CLI can act on. */
export interface DeviceCode {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string | undefined;
  readonly expiresInSeconds: number;
  /** As the server sent it; 0 when absent (the poll loop picks the default). */
  readonly intervalSeconds: number;
}

const DEFAULT_EXPIRES_IN_SECONDS = 900;

/**
 * An http(s) URL that is safe to show and to hand to a browser. Anything else (`javascript:`,
 * `file:`, `data:`, a custom scheme) could run code or open a local file when "opened".
 */
export function isBrowsableUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The fields of a 200 device authorization answer, or a reason it cannot be used. */
export function parseDeviceCode(body: unknown): DeviceCode | string {
  if (!isRecord(body)) return 'the answer is not a JSON object';
  const deviceCode = textField(body, 'device_code', 512);
  const userCode = textField(body, 'user_code', 64);
  if (!deviceCode || !userCode) return 'the answer lacks device_code or user_code';
  const verificationUri = textField(body, 'verification_uri', 2048);
  if (!isBrowsableUrl(verificationUri)) return 'verification_uri is not an http(s) URL';
  const complete = body.verification_uri_complete;
  let verificationUriComplete: string | undefined;
  if (complete !== undefined && complete !== null) {
    const text = textField(body, 'verification_uri_complete', 2048);
    if (!isBrowsableUrl(text)) return 'verification_uri_complete is not an http(s) URL';
    verificationUriComplete = text;
  }
  const expiresIn = numberField(body, 'expires_in');
  const interval = numberField(body, 'interval');
  return {
    deviceCode,
    userCode,
    verificationUri,
    verificationUriComplete,
    expiresInSeconds: expiresIn && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN_SECONDS,
    intervalSeconds: interval && interval > 0 ? Math.min(interval, 300) : 0,
  };
}
