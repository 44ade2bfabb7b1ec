import sharp from 'sharp';

/**
 * Real files for the attachment tests, made on the spot: a camera-like JPEG with a GPS position, a
 * camera serial and an orientation tag (the sensor's 1200 × 800 shown upright as 800 × 1200).
 */

/** 常州 天宁区: where the test photo claims it was taken. */
export const PHOTO_GPS = { latitude: 31.7795, longitude: 119.9741 };

function dms(value: number): string {
  const d = Math.floor(value);
  const m = Math.floor((value - d) * 60);
  const s = Math.round(((value - d) * 60 - m) * 60 * 100);
  return `${d}/1 ${m}/1 ${s}/100`;
}

export async function cameraJpeg(options: { width?: number; height?: number; quality?: number; noise?: boolean } = {}): Promise<Buffer> {
  const width = options.width ?? 1200;
  const height = options.height ?? 800;
  const base = options.noise
    ? sharp(Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width, height, channels: 3 } })
    : sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 40 } } });
  return base
    .jpeg({ quality: options.quality ?? 80 })
    // Orientation is written by sharp itself (an EXIF tag given here would be replaced by 1).
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'RedgridCam', Model: 'Field Phone' },
      IFD2: { BodySerialNumber: 'SN-PRIVATE-123' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(PHOTO_GPS.latitude), GPSLongitudeRef: 'E', GPSLongitude: dms(PHOTO_GPS.longitude) },
    })
    .toBuffer();
}

export async function pngImage(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 120, b: 200, alpha: 0.5 } } }).png().toBuffer();
}

/** The smallest honest PDF: one empty page. */
export function tinyPdf(): Buffer {
  const body = ['%PDF-1.4', '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj', '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj', '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj', 'trailer << /Root 1 0 R >>', '%%EOF', ''].join('\n');
  return Buffer.from(body, 'latin1');
}
