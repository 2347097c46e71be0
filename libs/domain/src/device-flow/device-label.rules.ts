import { DEVICE_FLOW_LIMITS } from './device-flow.constants';

/**
 * Outcome of reading a client-supplied `device_label`
 * (docs/device-flow.md, "Device authorization request").
 */
export type ParsedDeviceLabel =
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'valid'; readonly label: string };

// Unicode category Cc: C0 controls, DEL and C1 controls (tab, CR and LF included).
const CONTROL_CHARS = /\p{Cc}/gu;
const HAS_CONTROL_CHAR = /\p{Cc}/u;
const WHITESPACE_RUN = /\s+/gu;

/**
 * A label the client sent: trimmed, and an empty result counts as absent. A control character or
 * more than 255 characters (code points, as Postgres `varchar(255)` counts them) is refused rather
 * than repaired, because the client chose this value and should learn it was not stored as sent.
 */
export function parseDeviceLabel(value: string): ParsedDeviceLabel {
  const label = value.trim();
  if (label === '') {
    return { kind: 'absent' };
  }
  if (
    HAS_CONTROL_CHAR.test(label) ||
    Array.from(label).length > DEVICE_FLOW_LIMITS.deviceLabelMaxLength
  ) {
    return { kind: 'invalid' };
  }
  return { kind: 'valid', label };
}

/**
 * The label used when the client sent none (docs/device-flow.md, "Device authorization request"):
 * the `User-Agent` with control characters removed, whitespace runs collapsed, trimmed and cut to
 * 255 characters, else `"<client_id> device"`. It is kept verbatim rather than prettified so that
 * two requests with the same `User-Agent` land on the same device identity and rotate one token
 * instead of piling up.
 */
export function deviceLabelFromUserAgent(
  userAgent: string | null | undefined,
  clientId: string,
): string {
  const cleaned = (userAgent ?? '').replace(CONTROL_CHARS, '').replace(WHITESPACE_RUN, ' ').trim();
  // Cutting by code point never splits a surrogate pair; trimming again drops a space left at the cut.
  const label = Array.from(cleaned)
    .slice(0, DEVICE_FLOW_LIMITS.deviceLabelMaxLength)
    .join('')
    .trim();
  return label === '' ? `${clientId} device` : label;
}
