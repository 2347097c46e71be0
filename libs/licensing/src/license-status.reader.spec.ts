import { Logger } from '@nestjs/common';
import { LicenseStatus } from '@dify/domain';
import { editionOf, LICENSE_EDITION } from './license-edition';
import { generateLicenseKeyPair, signLicense } from './license-evaluator';
import {
  LICENSE_STATUS_CACHE_MS,
  LicenseStatusReader,
  UNKNOWN_LICENSE_STATUS,
} from './license-status.reader';
import type { LicenseStatusStore } from './license-status.store';
import type { LicenseSettings } from './licensing.env';

type StoredReading = Awaited<ReturnType<LicenseStatusStore['read']>>;

const DAY_MS = 86_400_000;
const pair = generateLicenseKeyPair();

/** A store answering from a script, counting reads: the reader's only I/O, replaced here. */
function scriptedStore(...answers: (StoredReading | Error)[]) {
  const store = {
    reads: 0,
    read: (): Promise<StoredReading> => {
      const answer = answers[Math.min(store.reads, answers.length - 1)];
      store.reads += 1;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return store;
}

function readerWith(
  store: ReturnType<typeof scriptedStore>,
  settings: Partial<LicenseSettings> = {},
  clock = { now: new Date('2030-06-01T00:00:00.000Z') },
) {
  const reader = new LicenseStatusReader(
    { licenseKey: '', publicKeyPem: '', expiringDays: 30, ...settings },
    store as unknown as LicenseStatusStore,
    () => clock.now,
  );
  return { reader, clock };
}

const stored = (status: LicenseStatus | null, raw: unknown = status): StoredReading => ({
  status,
  raw,
});

describe('LicenseStatusReader', () => {
  // The reader logs why it denies; those lines are expected here and only clutter the output.
  beforeAll(() => Logger.overrideLogger(false));

  it.each(Object.values(LicenseStatus))('reports the shared status %s as it is', async (status) => {
    const { reader } = readerWith(scriptedStore(stored(status)));
    expect(await reader.current()).toBe(status);
  });

  it('keeps a shared value outside the six as unknown, which no gate allows', async () => {
    const { reader } = readerWith(scriptedStore(stored(null, 'grace')));
    expect(await reader.current()).toBe(UNKNOWN_LICENSE_STATUS);
    expect(await reader.allowsBearerApi()).toBe(false);
    expect(await reader.allowsEnterpriseFeatures()).toBe(false);
  });

  it('applies the allowlists of both gates', async () => {
    const gates = async (status: LicenseStatus) => {
      const { reader } = readerWith(scriptedStore(stored(status)));
      return [await reader.allowsBearerApi(), await reader.allowsEnterpriseFeatures()];
    };
    expect(await gates(LicenseStatus.none)).toEqual([true, false]);
    expect(await gates(LicenseStatus.active)).toEqual([true, true]);
    expect(await gates(LicenseStatus.expiring)).toEqual([true, true]);
    expect(await gates(LicenseStatus.inactive)).toEqual([false, false]);
    expect(await gates(LicenseStatus.expired)).toEqual([false, false]);
    expect(await gates(LicenseStatus.lost)).toEqual([false, false]);
  });

  it('is lost when the shared status cannot be read, rather than falling back to the key', async () => {
    const licenseKey = signLicense({
      privateKeyPem: pair.privateKeyPem,
      licensee: 'Acme',
      expiresAt: new Date(Date.parse('2030-06-01T00:00:00.000Z') + 100 * DAY_MS),
    });
    const { reader } = readerWith(scriptedStore(new Error('connection refused')), {
      licenseKey,
      publicKeyPem: pair.publicKeyPem,
    });
    expect(await reader.current()).toBe(LicenseStatus.lost);
    expect(await reader.allowsBearerApi()).toBe(false);
  });

  it('evaluates the configured key while nothing is shared', async () => {
    const now = new Date('2030-06-01T00:00:00.000Z');
    const licence = (days: number) =>
      signLicense({
        privateKeyPem: pair.privateKeyPem,
        licensee: 'Acme',
        expiresAt: new Date(now.getTime() + days * DAY_MS),
      });
    const statusFor = async (settings: Partial<LicenseSettings>) =>
      readerWith(scriptedStore(null), settings, { now }).reader.current();

    expect(await statusFor({})).toBe(LicenseStatus.none);
    expect(await statusFor({ licenseKey: 'garbage', publicKeyPem: pair.publicKeyPem })).toBe(
      LicenseStatus.inactive,
    );
    expect(await statusFor({ licenseKey: licence(100), publicKeyPem: pair.publicKeyPem })).toBe(
      LicenseStatus.active,
    );
    expect(await statusFor({ licenseKey: licence(10), publicKeyPem: pair.publicKeyPem })).toBe(
      LicenseStatus.expiring,
    );
    expect(await statusFor({ licenseKey: licence(-1), publicKeyPem: pair.publicKeyPem })).toBe(
      LicenseStatus.expired,
    );
  });

  it('is lost when local evaluation cannot judge the key', async () => {
    const { reader } = readerWith(scriptedStore(null), {
      licenseKey: 'something',
      publicKeyPem: pair.publicKeyPem,
      expiringDays: Number.NaN,
    });
    expect(await reader.current()).toBe(LicenseStatus.lost);
  });

  it('reuses one reading for 10 s, then reads again', async () => {
    const store = scriptedStore(stored(LicenseStatus.active), stored(LicenseStatus.expired));
    const { reader, clock } = readerWith(store);
    const start = clock.now.getTime();

    expect(await reader.current()).toBe(LicenseStatus.active);
    clock.now = new Date(start + LICENSE_STATUS_CACHE_MS - 1);
    expect(await reader.current()).toBe(LicenseStatus.active);
    expect(store.reads).toBe(1);

    clock.now = new Date(start + LICENSE_STATUS_CACHE_MS);
    expect(await reader.current()).toBe(LicenseStatus.expired);
    expect(store.reads).toBe(2);
  });

  it('caches a lost reading too, so a dead Redis is not asked on every request', async () => {
    const store = scriptedStore(new Error('down'), stored(LicenseStatus.active));
    const { reader, clock } = readerWith(store);
    const start = clock.now.getTime();
    expect(await reader.current()).toBe(LicenseStatus.lost);
    expect(await reader.current()).toBe(LicenseStatus.lost);
    expect(store.reads).toBe(1);
    clock.now = new Date(start + LICENSE_STATUS_CACHE_MS);
    expect(await reader.current()).toBe(LicenseStatus.active);
  });

  it('shares one read among concurrent callers on a cold cache', async () => {
    const store = scriptedStore(stored(LicenseStatus.none));
    const { reader } = readerWith(store);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => reader.current()));
    expect(new Set(statuses)).toEqual(new Set([LicenseStatus.none]));
    expect(store.reads).toBe(1);
  });

  it('names the edition after whether a key is configured, valid or not', () => {
    const store = scriptedStore(null);
    expect(readerWith(store).reader.edition()).toBe(LICENSE_EDITION.community);
    expect(readerWith(store, { licenseKey: 'broken' }).reader.edition()).toBe(
      LICENSE_EDITION.enterprise,
    );
    expect(editionOf('  \n')).toBe('community');
    expect(editionOf(undefined)).toBe('community');
    expect(editionOf('x.y.z')).toBe('enterprise');
  });
});
