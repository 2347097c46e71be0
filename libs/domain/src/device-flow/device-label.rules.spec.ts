import { deviceLabelFromUserAgent, parseDeviceLabel } from './device-label.rules';

describe('parseDeviceLabel', () => {
  it('trims a supplied label', () => {
    expect(parseDeviceLabel('  build-server-01 ')).toEqual({
      kind: 'valid',
      label: 'build-server-01',
    });
  });

  it('keeps inner spaces and non-ASCII text', () => {
    expect(parseDeviceLabel('Jürgen’s MacBook Pro')).toEqual({
      kind: 'valid',
      label: 'Jürgen’s MacBook Pro',
    });
  });

  it.each(['', '   ', '\t\n'])('treats %p as absent', (value) => {
    expect(parseDeviceLabel(value)).toEqual({ kind: 'absent' });
  });

  it.each([
    ['a newline inside', 'host\nname'],
    ['a tab inside', 'host\tname'],
    ['a NUL', 'host\u0000'],
    ['DEL', 'host\u007f'],
    ['a C1 control', 'host\u0085name'],
  ])('refuses %s', (_label, value) => {
    expect(parseDeviceLabel(value)).toEqual({ kind: 'invalid' });
  });

  it('accepts 255 characters and refuses 256', () => {
    expect(parseDeviceLabel('x'.repeat(255))).toEqual({ kind: 'valid', label: 'x'.repeat(255) });
    expect(parseDeviceLabel('x'.repeat(256))).toEqual({ kind: 'invalid' });
  });

  it('counts characters, not UTF-16 units', () => {
    const emoji = '😀'.repeat(255);
    expect(emoji.length).toBe(510);
    expect(parseDeviceLabel(emoji)).toEqual({ kind: 'valid', label: emoji });
    expect(parseDeviceLabel(`${emoji}😀`)).toEqual({ kind: 'invalid' });
  });

  it('measures the length after trimming', () => {
    expect(parseDeviceLabel(`  ${'x'.repeat(255)}  `)).toEqual({
      kind: 'valid',
      label: 'x'.repeat(255),
    });
  });
});

describe('deviceLabelFromUserAgent', () => {
  it('uses a plain User-Agent as it is', () => {
    expect(deviceLabelFromUserAgent('probe/1.0', 'difyctl')).toBe('probe/1.0');
    expect(deviceLabelFromUserAgent('difyctl/0.3.0 (linux; amd64; stable)', 'difyctl')).toBe(
      'difyctl/0.3.0 (linux; amd64; stable)',
    );
  });

  it('removes control characters rather than turning them into spaces', () => {
    expect(deviceLabelFromUserAgent('probe\u0000/1.\u001b0', 'difyctl')).toBe('probe/1.0');
  });

  it('removes control characters, collapses whitespace and trims', () => {
    expect(
      deviceLabelFromUserAgent('  curl/8.5.0 \u0001\u007f  (x86_64)\u00a0\u00a0 ', 'difyctl'),
    ).toBe('curl/8.5.0 (x86_64)');
  });

  it('cuts to 255 characters without leaving a trailing space or half a character', () => {
    const long = `${'a'.repeat(254)} ${'b'.repeat(50)}`;
    expect(deviceLabelFromUserAgent(long, 'difyctl')).toBe('a'.repeat(254));

    const emoji = deviceLabelFromUserAgent('😀'.repeat(300), 'difyctl');
    expect(Array.from(emoji)).toHaveLength(255);
    expect(emoji).toBe('😀'.repeat(255));
  });

  it.each([undefined, null, '', '   ', '\u0000\u0001\t'])(
    'falls back to "<client_id> device" for the unusable User-Agent %p',
    (userAgent) => {
      expect(deviceLabelFromUserAgent(userAgent, 'difyctl')).toBe('difyctl device');
      expect(deviceLabelFromUserAgent(userAgent, 'my-tool')).toBe('my-tool device');
    },
  );

  it('always yields a label that parseDeviceLabel accepts unchanged', () => {
    for (const userAgent of ['probe/1.0', `x\n${'y'.repeat(400)}`, '\t', 'a\u0085b']) {
      const label = deviceLabelFromUserAgent(userAgent, 'difyctl');
      expect(parseDeviceLabel(label)).toEqual({ kind: 'valid', label });
    }
  });
});
