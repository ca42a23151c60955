import { isDriverError } from '../../server/drivers/core/driver-error.ts';
import { decodeSecurityProtocolCdb, SECURITY_PROTOCOL } from '../../server/drivers/scsi/cdb.ts';
import {
  DECRYPTION_MODE,
  ENCRYPTION_MODE,
  KAD_TYPE,
  KEY_FORMAT_PLAINTEXT,
  SCOPE,
  TAPE_PAGE,
} from '../../server/drivers/tape/encryption-constants.ts';
import {
  decodeSetDataEncryption,
  kadOffsets,
  type SetDataEncryption,
} from '../../server/drivers/tape/set-data-encryption-page.ts';
import { SENSE } from '../scsi/emulated-device.ts';
import type { TargetRequest, TargetResponse } from '../scsi/scsi-target.ts';
import { ALGORITHM_INDEX, RDMC_C } from './drive-pages.ts';
import type { DriveContext } from './drive-types.ts';

/**
 * SECURITY PROTOCOL OUT, Set Data Encryption (reference §3.2 and the 5/26/00 rules of §4.3):
 * every refusal carries the FIELD POINTER of the offending byte, as T10000/Quantum do.
 */
export function handleSpout(d: DriveContext, nexus: number, req: TargetRequest): TargetResponse {
  const cdb = decodeSecurityProtocolCdb(req.cdb);
  if (cdb.protocol !== SECURITY_PROTOCOL.TAPE_DATA_ENCRYPTION || d.method === 'none') {
    return d.checkCondition(SENSE.invalidFieldInCdb(1));
  }
  // SA Encapsulation (0x0011) is not advertised, so it is refused like any unknown page.
  if (cdb.protocolSpecific !== TAPE_PAGE.SET_DATA_ENCRYPTION)
    return d.checkCondition(SENSE.invalidFieldInCdb(2));
  if (cdb.inc512) return d.checkCondition(SENSE.invalidFieldInCdb(4));
  if (d.method === 'LME') {
    return d.checkCondition({ senseKey: d.model.quirks.configPreventedSenseKey, asc: 0x74, ascq: 0x21 });
  }
  const data = req.dataOut.subarray(0, cdb.length);
  if (data.length < 4 || data.length < 4 + ((data[2]! << 8) | data[3]!))
    return d.checkCondition(SENSE.parameterListLength);
  let page: SetDataEncryption;
  try {
    page = decodeSetDataEncryption(data);
  } catch (e) {
    if (!isDriverError(e, 'SCSI_DECODE_FAILED')) throw e;
    return d.checkCondition(SENSE.invalidFieldInParameters(Number(e.detail['offset'] ?? 0)));
  }
  try {
    const bad = firstInvalidField(d, page);
    if (bad !== undefined) return d.checkCondition(SENSE.invalidFieldInParameters(bad));
    apply(d, nexus, page);
    return d.good();
  } finally {
    page.key.fill(0);
  }
}

const needsKey = (p: SetDataEncryption) =>
  p.encryptionMode === ENCRYPTION_MODE.ENCRYPT ||
  p.decryptionMode === DECRYPTION_MODE.DECRYPT ||
  p.decryptionMode === DECRYPTION_MODE.MIXED;

/** The byte offset of the first field a drive would refuse, or undefined. */
function firstInvalidField(d: DriveContext, p: SetDataEncryption): number | undefined {
  if (p.scope > SCOPE.ALL_I_T_NEXUS) return 4;
  if (p.scope === SCOPE.PUBLIC) return undefined; // the other fields are ignored
  if (p.sdk || p.rdmc === 1) return 5; // no supplemental keys; RDMC 01b is reserved
  if (p.rdmc >= 2 && (RDMC_C === 1 || RDMC_C >= 6)) return 5;
  if (p.ceem >= 2 && p.decryptionMode === DECRYPTION_MODE.DISABLE) return 5;
  if (p.ckod && !d.medium) return 5; // CKOD needs a mounted volume (⚠ reference §3.2)
  if (p.encryptionMode !== ENCRYPTION_MODE.DISABLE && p.encryptionMode !== ENCRYPTION_MODE.ENCRYPT) return 6;
  if (p.decryptionMode > DECRYPTION_MODE.MIXED) return 7;
  if (p.algorithmIndex !== ALGORITHM_INDEX) return 8;
  if (p.keyFormat !== KEY_FORMAT_PLAINTEXT) return 9;
  if (p.kadFormat !== 0 && (!d.model.kadfC || p.kadFormat > 2)) return 10;
  if (needsKey(p) ? p.key.length !== 32 : p.key.length !== 0 && p.key.length !== 32) return 18;
  const offsets = kadOffsets(p);
  const seen = new Set<number>();
  for (const [i, k] of p.kads.entries()) {
    const at = offsets[i]!;
    if (seen.has(k.type)) return at;
    seen.add(k.type);
    const off = p.encryptionMode === ENCRYPTION_MODE.DISABLE;
    if (off && d.model.quirks.kadWithEncryptionOff === 'reject') return at;
    if (k.type === KAD_TYPE.U_KAD && k.data.length > d.model.maxUkadLength) return at + 2;
    if (k.type === KAD_TYPE.A_KAD && k.data.length > d.model.maxAkadLength) return at + 2;
    if (k.type !== KAD_TYPE.U_KAD && k.type !== KAD_TYPE.A_KAD) return at;
  }
  return undefined;
}

function apply(d: DriveContext, nexus: number, p: SetDataEncryption): void {
  if (p.scope === SCOPE.PUBLIC) {
    d.enc.goPublic(nexus);
    d.enc.setLock(nexus, p.lock);
    return;
  }
  const keep = needsKey(p);
  const ignoreKads = p.encryptionMode === ENCRYPTION_MODE.DISABLE;
  const ukad = ignoreKads ? undefined : p.kads.find((k) => k.type === KAD_TYPE.U_KAD)?.data;
  const akad = ignoreKads ? undefined : p.kads.find((k) => k.type === KAD_TYPE.A_KAD)?.data;
  const changed = d.enc.establish(
    nexus,
    {
      scope: p.scope === SCOPE.LOCAL ? 'local' : 'all',
      encryptionMode: p.encryptionMode,
      decryptionMode: p.decryptionMode,
      algorithmIndex: p.algorithmIndex,
      key: keep ? p.key.slice() : null,
      ...(ukad ? { ukad } : {}),
      ...(akad ? { akad } : {}),
      kadFormat: p.kadFormat,
      ceem: p.ceem,
      rdmc: p.rdmc,
      ckod: p.ckod,
      ckorp: p.ckorp,
      ckorl: p.ckorl,
    },
    d.nexuses,
  );
  for (const other of changed) d.queueUnitAttention(other, { senseKey: 6, asc: 0x2a, ascq: 0x11 });
  d.enc.setLock(nexus, p.lock);
}
