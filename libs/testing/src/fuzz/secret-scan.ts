/** One secret found in a log line: which kind, and the line's number (never the value itself). */
export interface LeakedSecret {
  readonly kind: string;
  readonly line: number;
}

/**
 * The secrets among `secrets` (kind → values) that appear in any of the lines. Values shorter
 * than 6 characters are skipped: they would match by chance and are not secrets anyway.
 */
export function findLeakedSecrets(
  lines: readonly string[],
  secrets: ReadonlyMap<string, ReadonlySet<string>>,
): LeakedSecret[] {
  const leaks: LeakedSecret[] = [];
  lines.forEach((text, line) => {
    for (const [kind, values] of secrets) {
      for (const value of values) {
        if (value.length >= 6 && text.includes(value)) leaks.push({ kind, line });
      }
    }
  });
  return leaks;
}

/** A secret store keyed by kind, for a suite that collects what it must never see logged. */
export class SecretCollector {
  readonly byKind = new Map<string, Set<string>>();

  add(kind: string, value: string | undefined): void {
    if (!value) return;
    let values = this.byKind.get(kind);
    if (!values) this.byKind.set(kind, (values = new Set()));
    values.add(value);
  }

  /** Picks up device codes, user codes, tokens and session cookies from a raw HTTP answer. */
  harvest(answerText: string): void {
    for (const match of answerText.matchAll(
      /"(device_code|user_code|token|access_token)":"([^"]+)"/g,
    )) {
      this.add(match[1] === 'access_token' ? 'token' : match[1], match[2]);
    }
    for (const match of answerText.matchAll(
      /set-cookie: (?:__Host-|__Secure-)?(console_access_token|console_refresh_token|csrf_token)=([^;\r\n]*)/gi,
    )) {
      this.add(match[1].toLowerCase(), match[2]);
    }
  }

  count(): number {
    let total = 0;
    for (const values of this.byKind.values()) total += values.size;
    return total;
  }
}
