import { createHash } from 'node:crypto';
import { parseBarcode, type BarcodeInfo } from '../../server/drivers/tape/lto-media.ts';

/**
 * A cartridge as the simulators keep it: plain JSON, so a fleet persists as one file. Records
 * are in tape order; end-of-data follows the last one. Encrypted records hold ciphertext only
 * (record-crypto.ts): the key never touches the cartridge or the data directory.
 */
export interface EncryptedPayload {
  algorithmIndex: number;
  /** HMAC of the key under a fixed label: tells "wrong key" (74/03) from "tampered" (74/04). */
  keyFingerprint: string;
  iv: string;
  tag: string;
  ciphertext: string;
  /** The U-KAD / A-KAD in clear beside the block, as LTO writes them (base64). */
  ukad?: string;
  akad?: string;
  /** Written with raw decryption disabled (RDMD). */
  rdmd: boolean;
}

export type TapeRecord =
  | { kind: 'filemark' }
  | { kind: 'data'; length: number; data: string }
  | { kind: 'encrypted'; length: number; enc: EncryptedPayload };

export interface CartridgeState {
  barcode: string;
  writeProtected: boolean;
  records: TapeRecord[];
}

export function createCartridge(barcode: string, opts: { writeProtected?: boolean } = {}): CartridgeState {
  return { barcode, writeProtected: opts.writeProtected ?? false, records: [] };
}

export function cartridgeInfo(c: CartridgeState): BarcodeInfo {
  return parseBarcode(c.barcode);
}

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
export const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** A stable pseudo-random fill of a serial pattern (`#` digit, `?` letter or digit). */
export function fillPattern(pattern: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const alnum = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(pattern, (c, i) => {
    const b = digest[i % digest.length]!;
    return c === '#' ? String(b % 10) : c === '?' ? alnum[b % alnum.length]! : c;
  }).join('');
}
