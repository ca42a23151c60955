import type { LibraryElement, TapeDrive, TapeLibrary } from '../../../../shared/schemas/tape.ts';
import type { BadgeTone } from '../common/StatusBadge.vue';

/** How the page names a library: its serial, or where it is reached before it has answered. */
export const libraryKey = (l: Pick<TapeLibrary, 'serial' | 'ref'>): string => l.serial ?? l.ref;

/** `IBM 3573-TL` (or the device path when the library never answered). */
export function libraryModel(l: Pick<TapeLibrary, 'vendor' | 'product' | 'ref'>): string {
  return [l.vendor, l.product].filter(Boolean).join(' ') || l.ref;
}

/** `IBM ULT3580-HH9` (or the device path when the drive never answered). */
export function driveModel(d: Pick<TapeDrive, 'vendor' | 'product' | 'ref'>): string {
  return [d.vendor, d.product].filter(Boolean).join(' ') || d.ref;
}

export const ELEMENT_KIND_LABEL: Record<LibraryElement['kind'], string> = {
  transport: 'Picker',
  storage: 'Slot',
  'import-export': 'I/E port',
  drive: 'Drive',
};

/** Whether the drive encrypts what it writes, and what it does with encrypted blocks it reads. */
export function encryptionState(d: Pick<TapeDrive, 'status' | 'encryption'>): {
  text: string;
  tone: BadgeTone;
} {
  if (d.encryption && !d.encryption.supported) return { text: 'no encryption', tone: 'neutral' };
  if (!d.status) return { text: 'status unknown', tone: 'neutral' };
  if (d.status.encrypting) return { text: 'encrypting', tone: 'ok' };
  return { text: 'not encrypting', tone: 'neutral' };
}

const DECRYPT_TEXT: Record<NonNullable<TapeDrive['status']>['decryptionMode'], string> = {
  disabled: 'not decrypting',
  raw: 'raw reads (no decryption)',
  decrypt: 'decrypting',
  mixed: 'decrypting (mixed)',
};

/** `decrypting`, `not decrypting`, … (null while the status is unknown). */
export function decryptionText(d: Pick<TapeDrive, 'status'>): string | null {
  return d.status ? DECRYPT_TEXT[d.status.decryptionMode] : null;
}

/** Who sets the keys: this console (application-managed) or the library / a key manager. */
export function controlText(d: Pick<TapeDrive, 'encryption'>): string | null {
  if (!d.encryption) return null;
  return d.encryption.hostControlled ? 'host-controlled' : 'library or LME controlled';
}

const CONDITION_TEXT: Record<NonNullable<TapeDrive['medium']>['condition'], string> = {
  ready: 'ready',
  'no-medium': 'empty',
  'becoming-ready': 'loading',
  cleaning: 'cleaning',
  incompatible: 'incompatible medium',
  'not-ready': 'not ready',
};

export function conditionText(d: Pick<TapeDrive, 'medium'>): string {
  return d.medium ? CONDITION_TEXT[d.medium.condition] : 'unknown';
}
