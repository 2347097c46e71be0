import qrcode from 'qrcode-terminal';

/** The URL as a QR code drawn with block characters, for approving from a phone. */
export function renderQrCode(url: string): Promise<string> {
  return new Promise((resolve) => {
    qrcode.generate(url, { small: true }, (drawing) => resolve(drawing));
  });
}
