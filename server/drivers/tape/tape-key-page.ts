import { DriverError } from '../core/driver-error.ts';
import {
  DECRYPTION_MODE,
  ENCRYPTION_MODE,
  KAD_FORMAT,
  KAD_TYPE,
  KEY_FORMAT_PLAINTEXT,
  SCOPE,
} from './encryption-constants.ts';
import type { KadDescriptor } from './page-codec.ts';
import { encodeSetDataEncryption } from './set-data-encryption-page.ts';
import type { SetTapeKeyRequest, TapeDriveCapabilities, TapeEncryptionStatus } from './tape-drive-driver.ts';

/**
 * The Set Data Encryption page the driver sends (reference Appendix C "Set a key"): scope,
 * LOCK, CEEM 01b (do not check the mode blocks were written in, as stenc 2.0), CKOD,
 * encrypt + decrypt/mixed, the AES-256-GCM index, key format 0, KAD format 0x02 when the
 * drive takes one, the key, and the key id as U-KAD (A-KAD optional). Only ids, never key
 * material, go into a KAD: the U-KAD is stored in clear on the tape.
 */
export function assertKeyable(caps: TapeDriveCapabilities): number {
  if (!caps.encryption)
    throw new DriverError('TAPE_ENCRYPTION_UNSUPPORTED', 'the drive has no tape data encryption');
  if (!caps.hostControlled) {
    throw new DriverError(
      'TAPE_ENCRYPTION_NOT_CONTROLLABLE',
      'the drive reports CFG_P = 10b: the library or system manages its encryption, not this application',
    );
  }
  if (caps.algorithmIndex === undefined) {
    throw new DriverError(
      'TAPE_ENCRYPTION_UNSUPPORTED',
      'the drive offers no hardware AES-256-GCM algorithm',
    );
  }
  return caps.algorithmIndex;
}

const invalid = (problem: string) =>
  new DriverError('SCSI_INVALID_ARGUMENT', `set key: ${problem}`, { detail: { problem } });

export function keyPage(caps: TapeDriveCapabilities, req: SetTapeKeyRequest): Uint8Array {
  const algorithmIndex = assertKeyable(caps);
  if (req.key.isDisposed) throw invalid('the key was already disposed');
  const key = req.key.expose();
  if (key.length !== caps.keyLength)
    throw invalid(`the key has ${key.length} bytes, the drive takes ${caps.keyLength}`);
  if (!/^[\x20-\x7e]+$/u.test(req.keyId)) throw invalid('keyId must be printable ASCII and not empty');
  if (req.keyId.length > caps.maxUkadLength)
    throw invalid(`keyId is longer than the drive's ${caps.maxUkadLength}-byte U-KAD`);
  const ukad = Buffer.from(caps.ukadFixed ? req.keyId.padEnd(caps.maxUkadLength, ' ') : req.keyId, 'ascii');
  const encrypt = req.encrypt ?? true;
  const kads: KadDescriptor[] = encrypt ? [{ type: KAD_TYPE.U_KAD, authenticated: 0, data: ukad }] : [];
  if (req.authenticatedKeyId && encrypt) {
    if (req.authenticatedKeyId.length > caps.maxAkadLength)
      throw invalid(`the A-KAD is longer than ${caps.maxAkadLength} bytes`);
    kads.push({ type: KAD_TYPE.A_KAD, authenticated: 0, data: req.authenticatedKeyId });
  }
  const scope = req.scope ?? 'all-nexus';
  if (scope === 'local' && !caps.scopes.local) throw invalid('the drive does not support LOCAL scope');
  return encodeSetDataEncryption({
    scope: scope === 'local' ? SCOPE.LOCAL : SCOPE.ALL_I_T_NEXUS,
    lock: req.lock ?? false,
    ceem: 1,
    rdmc: 0,
    sdk: false,
    ckod: req.clearOnDemount ?? true,
    ckorp: false,
    ckorl: false,
    encryptionMode: encrypt ? ENCRYPTION_MODE.ENCRYPT : ENCRYPTION_MODE.DISABLE,
    decryptionMode: req.decryptMode === 'mixed' ? DECRYPTION_MODE.MIXED : DECRYPTION_MODE.DECRYPT,
    algorithmIndex,
    keyFormat: KEY_FORMAT_PLAINTEXT,
    kadFormat: caps.kadFormat ? KAD_FORMAT.ASCII : KAD_FORMAT.UNSPECIFIED,
    key,
    kads,
  });
}

/** Encryption and decryption off, KEY LENGTH 0, no KAD (stenc 2.0's "off", reference §3.3). */
export function clearPage(caps: TapeDriveCapabilities, scope: 'local' | 'all-nexus'): Uint8Array {
  const algorithmIndex = assertKeyable(caps);
  return encodeSetDataEncryption({
    scope: scope === 'local' ? SCOPE.LOCAL : SCOPE.ALL_I_T_NEXUS,
    lock: false,
    ceem: 1,
    rdmc: 0,
    sdk: false,
    ckod: false,
    ckorp: false,
    ckorl: false,
    encryptionMode: ENCRYPTION_MODE.DISABLE,
    decryptionMode: DECRYPTION_MODE.DISABLE,
    algorithmIndex,
    keyFormat: KEY_FORMAT_PLAINTEXT,
    kadFormat: caps.kadFormat ? KAD_FORMAT.ASCII : KAD_FORMAT.UNSPECIFIED,
    key: new Uint8Array(0),
    kads: [],
  });
}

/** Reference Appendix C step 3: the modes, the KAD echo and a risen key instance counter. */
export function verifyKeySet(
  req: SetTapeKeyRequest,
  before: TapeEncryptionStatus,
  after: TapeEncryptionStatus,
): void {
  const problems: string[] = [];
  const encrypt = req.encrypt ?? true;
  if (after.encrypting !== encrypt) problems.push(encrypt ? 'encryption is not on' : 'encryption is on');
  if (after.decryptionMode !== (req.decryptMode ?? 'decrypt'))
    problems.push(`decryption mode is ${after.decryptionMode}`);
  if (encrypt && after.keyId !== undefined && after.keyId !== req.keyId)
    problems.push('the U-KAD differs from the key id sent');
  if (after.keyInstanceCounter === before.keyInstanceCounter)
    problems.push('the key instance counter did not change');
  if (problems.length > 0) {
    throw new DriverError(
      'TAPE_ENCRYPTION_PARAMETER_REJECTED',
      `the drive did not confirm the key: ${problems.join('; ')}`,
      {
        detail: { problems, keyInstanceCounter: after.keyInstanceCounter },
      },
    );
  }
}
