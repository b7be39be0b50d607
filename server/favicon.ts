/**
 * The platform's icon, drawn at start-up: a 32×32 ICO of the console's blue with the white
 * peaks of Wudang mountain. Browsers ask for /favicon.ico on every app; it answers from memory.
 */

import { crc32, deflateSync } from 'node:zlib';

const SIZE = 32;
const BLUE = [0x1f, 0x5f, 0xbf]; // #1f5fbf, the console's primary colour

/** Whether pixel (x, y), y from the top, is part of the white peaks. */
function peak(x: number, y: number): boolean {
  const cx = x + 0.5;
  const cy = y + 0.5;
  const base = 24;
  if (cy > base) return false;
  // The main peak (金顶) and two lower shoulders.
  const main = cy >= 7 + Math.abs(cx - 16) * 1.25;
  const left = cy >= 14 + Math.abs(cx - 8) * 1.1;
  const right = cy >= 13 + Math.abs(cx - 24) * 1.1;
  return main || left || right;
}

/** Inside the square with rounded corners (radius 6). */
function inside(x: number, y: number): boolean {
  const r = 6;
  const cx = Math.min(Math.max(x + 0.5, r), SIZE - r);
  const cy = Math.min(Math.max(y + 0.5, r), SIZE - r);
  return (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r;
}

export function faviconIco(): Buffer {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  // BMP rows run bottom-up; each pixel is B, G, R, A.
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const o = ((SIZE - 1 - y) * SIZE + x) * 4;
      if (!inside(x, y)) continue; // transparent
      const white = peak(x, y);
      pixels[o] = white ? 0xff : BLUE[2]!;
      pixels[o + 1] = white ? 0xff : BLUE[1]!;
      pixels[o + 2] = white ? 0xff : BLUE[0]!;
      pixels[o + 3] = 0xff;
    }
  }
  const mask = Buffer.alloc(SIZE * 4); // 1 bit per pixel, rows padded to 4 bytes: all 0 (alpha decides)
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0); // header size
  info.writeInt32LE(SIZE, 4);
  info.writeInt32LE(SIZE * 2, 8); // XOR image and AND mask
  info.writeUInt16LE(1, 12); // planes
  info.writeUInt16LE(32, 14); // bits per pixel
  const image = Buffer.concat([info, pixels, mask]);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(SIZE, 6);
  header.writeUInt8(SIZE, 7);
  header.writeUInt8(0, 8); // no palette
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(22, 18); // offset of the image
  return Buffer.concat([header, image]);
}

/**
 * The same icon as a PNG of any size (the installable app's icons, 192 and 512 px): the drawing
 * scaled, full-bleed blue so launchers may mask it (a "maskable" icon keeps the peaks in the
 * middle 80 %).
 */
export function iconPng(size: number): Buffer {
  const rows: Buffer[] = [];
  const inset = size * 0.1;
  const scale = (size - 2 * inset) / SIZE;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter 0, then RGBA
    for (let x = 0; x < size; x++) {
      const sx = (x - inset) / scale;
      const sy = (y - inset) / scale;
      const white = sx >= 0 && sy >= 0 && sx < SIZE && sy < SIZE && peak(Math.floor(sx), Math.floor(sy));
      const o = 1 + x * 4;
      row[o] = white ? 0xff : BLUE[0]!;
      row[o + 1] = white ? 0xff : BLUE[1]!;
      row[o + 2] = white ? 0xff : BLUE[2]!;
      row[o + 3] = 0xff;
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(6, 9); // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
