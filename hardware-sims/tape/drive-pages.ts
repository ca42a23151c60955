import { decodeSecurityProtocolCdb, SECURITY_PROTOCOL } from '../../server/drivers/scsi/cdb.ts';
import { encodeCapabilities } from '../../server/drivers/tape/capabilities-page.ts';
import {
  ALGORITHM_AES_256_GCM,
  BLOCK_ENCRYPTION,
  CFG_P,
  DECRYPTION_MODE,
  INFO_PAGE,
  KAD_AUTH,
  KAD_TYPE,
  PARAMETERS_CONTROL,
  TAPE_PAGE,
} from '../../server/drivers/tape/encryption-constants.ts';
import { mediaAccess } from '../../server/drivers/tape/lto-media.ts';
import type { KadDescriptor } from '../../server/drivers/tape/page-codec.ts';
import {
  encodeDataEncryptionStatus,
  encodeNextBlockEncryptionStatus,
} from '../../server/drivers/tape/status-pages.ts';
import {
  encodeCertificate,
  encodeKeyFormats,
  encodeManagementCapabilities,
  encodePageList,
  encodeSupportedProtocols,
} from '../../server/drivers/tape/support-pages.ts';
import { SENSE } from '../scsi/emulated-device.ts';
import type { TargetRequest, TargetResponse } from '../scsi/scsi-target.ts';
import { cartridgeInfo, unb64 } from './cartridge.ts';
import type { DriveContext } from './drive-types.ts';
import { decryptRecord } from './record-crypto.ts';

/** LTO drives use algorithm index 1 (reference §2.3; index 0 fails, stenc PR #28). */
export const ALGORITHM_INDEX = 1;
/** Raw read supported, blocks disabled for raw read by default (mhvtl's LTO value). */
export const RDMC_C: number = 4;
const IN_PAGES = [0x0000, 0x0001, 0x0010, 0x0011, 0x0012, 0x0020, 0x0021];

/** SECURITY PROTOCOL IN (reference §1.4, §2): every page the in-support list names. */
export function handleSpin(d: DriveContext, nexus: number, req: TargetRequest): TargetResponse {
  const cdb = decodeSecurityProtocolCdb(req.cdb);
  if (cdb.inc512) return d.checkCondition(SENSE.invalidFieldInCdb(4));
  const max = d.model.quirks.maxSpinAllocation;
  if (max !== undefined && cdb.length > max) return d.checkCondition(SENSE.invalidFieldInCdb(6));
  const encryption = d.method !== 'none';
  if (cdb.protocol === SECURITY_PROTOCOL.INFORMATION) {
    if (cdb.protocolSpecific === INFO_PAGE.SUPPORTED_PROTOCOLS) {
      return d.good(encodeSupportedProtocols(encryption ? [0x00, 0x20] : [0x00]));
    }
    if (cdb.protocolSpecific === INFO_PAGE.CERTIFICATE) return d.good(encodeCertificate(new Uint8Array(0)));
    return d.checkCondition(SENSE.invalidFieldInCdb(2));
  }
  if (cdb.protocol !== SECURITY_PROTOCOL.TAPE_DATA_ENCRYPTION || !encryption) {
    return d.checkCondition(SENSE.invalidFieldInCdb(1));
  }
  switch (cdb.protocolSpecific) {
    case TAPE_PAGE.IN_SUPPORT:
      return d.good(encodePageList(TAPE_PAGE.IN_SUPPORT, IN_PAGES));
    case TAPE_PAGE.OUT_SUPPORT:
      return d.good(encodePageList(TAPE_PAGE.OUT_SUPPORT, [TAPE_PAGE.SET_DATA_ENCRYPTION]));
    case TAPE_PAGE.CAPABILITIES:
      return d.good(capabilitiesPage(d));
    case TAPE_PAGE.KEY_FORMATS:
      return d.good(encodeKeyFormats([0x00]));
    case TAPE_PAGE.MANAGEMENT_CAPABILITIES: {
      const all = {
        lockC: true,
        ckodC: true,
        ckorpC: true,
        ckorlC: true,
        aitnC: true,
        localC: true,
        publicC: true,
      };
      return d.good(encodeManagementCapabilities(all));
    }
    case TAPE_PAGE.DATA_ENCRYPTION_STATUS:
      return d.good(statusPage(d, nexus));
    case TAPE_PAGE.NEXT_BLOCK_ENCRYPTION_STATUS:
      return nextBlockPage(d, nexus);
    default:
      return d.checkCondition(SENSE.invalidFieldInCdb(2));
  }
}

function capabilitiesPage(d: DriveContext): Uint8Array {
  const loaded = d.medium?.threaded ? d.medium.cartridge : undefined;
  const access = loaded ? mediaAccess(d.model.generation, loaded.barcode) : 'none';
  const capable =
    loaded !== undefined && cartridgeInfo(loaded).generation?.encryption === true && access !== 'none';
  return encodeCapabilities({
    extdecc: 2,
    cfgP: d.method === 'AME' ? CFG_P.ALLOWED : CFG_P.PREVENTED,
    algorithms: [
      {
        index: ALGORITHM_INDEX,
        avfmv: capable,
        sdkC: false,
        macC: true,
        delbC: true,
        decryptC: 2,
        encryptC: 2,
        avfclp: !loaded ? 0 : access === 'read-write' && !loaded.writeProtected ? 2 : 1,
        nonceC: 1,
        kadfC: d.model.kadfC,
        vcelbC: true,
        ukadFixed: false,
        akadFixed: false,
        maxUkadLength: d.model.maxUkadLength,
        maxAkadLength: d.model.maxAkadLength,
        keyLength: 32,
        dkadC: 0,
        eemcC: 0,
        rdmcC: RDMC_C,
        earem: true,
        maxEedkCount: 0,
        msdkCount: 0,
        maxEedkSize: 0,
        algorithmCode: ALGORITHM_AES_256_GCM,
      },
    ],
  });
}

function statusPage(d: DriveContext, nexus: number): Uint8Array {
  const p = d.enc.effective(nexus);
  const kads: KadDescriptor[] = [];
  if (p?.ukad) kads.push({ type: KAD_TYPE.U_KAD, authenticated: KAD_AUTH.NOT_AUTHENTICATED, data: p.ukad });
  if (p?.akad) kads.push({ type: KAD_TYPE.A_KAD, authenticated: KAD_AUTH.NOT_AUTHENTICATED, data: p.akad });
  const records = d.medium?.threaded ? d.medium.cartridge.records : [];
  return encodeDataEncryptionStatus({
    ...d.enc.scopes(nexus),
    encryptionMode: p?.encryptionMode ?? 0,
    decryptionMode: p?.decryptionMode ?? 0,
    algorithmIndex: p ? p.algorithmIndex : 0,
    keyInstanceCounter: p?.keyInstance ?? d.enc.keyInstanceCounter,
    parametersControl: d.method === 'AME' ? PARAMETERS_CONTROL.HOST : PARAMETERS_CONTROL.MANAGEMENT_INTERFACE,
    vcelb: records.some((r) => r.kind === 'encrypted'),
    ceems: p?.ceem ?? 0,
    rdmd: p?.encryptionMode === 2 && (p.rdmc === 3 || (p.rdmc === 0 && RDMC_C === 4)),
    kadFormat: p?.kadFormat ?? 0,
    asdkCount: 0,
    kads,
  });
}

function nextBlockPage(d: DriveContext, nexus: number): TargetResponse {
  const m = d.medium?.threaded ? d.medium : null;
  const page = {
    logicalObjectNumber: m?.position ?? 0,
    compressionStatus: 0,
    algorithmIndex: 0,
    emes: false,
    rdmds: false,
  };
  const answer = (encryptionStatus: number, extra: Partial<typeof page> = {}, kads: KadDescriptor[] = []) =>
    d.good(encodeNextBlockEncryptionStatus({ ...page, ...extra, encryptionStatus, kadFormat: 0, kads }));
  if (!m) {
    return d.model.quirks.nbesNoMedium === 'zeros'
      ? answer(BLOCK_ENCRYPTION.UNKNOWN)
      : d.checkCondition(SENSE.noMedium);
  }
  if (d.now() < m.readyAt) return d.checkCondition(SENSE.becomingReady);
  const records = m.cartridge.records;
  if (records.length === 0 && d.model.quirks.nbesBlank === 'blank-check') {
    return d.checkCondition({ senseKey: 8, asc: 0x14, ascq: 0x03 });
  }
  const rec = records[m.position];
  if (!rec) return answer(BLOCK_ENCRYPTION.NOT_NOW);
  if (rec.kind === 'filemark') return answer(BLOCK_ENCRYPTION.NOT_A_BLOCK);
  if (rec.kind === 'data') return answer(BLOCK_ENCRYPTION.NOT_ENCRYPTED, { compressionStatus: 3 });
  const p = d.enc.effective(nexus);
  const canDecrypt =
    p?.key != null &&
    (p.decryptionMode === DECRYPTION_MODE.DECRYPT || p.decryptionMode === DECRYPTION_MODE.MIXED) &&
    decryptRecord(p.key, rec.enc).ok;
  const kads: KadDescriptor[] = [];
  if (rec.enc.ukad)
    kads.push({ type: KAD_TYPE.U_KAD, authenticated: KAD_AUTH.NOT_AUTHENTICATED, data: unb64(rec.enc.ukad) });
  if (rec.enc.akad) {
    const auth = canDecrypt ? KAD_AUTH.AUTHENTICATED : KAD_AUTH.NOT_ATTEMPTED;
    kads.push({ type: KAD_TYPE.A_KAD, authenticated: auth, data: unb64(rec.enc.akad) });
  }
  const status = canDecrypt ? BLOCK_ENCRYPTION.ENCRYPTED : BLOCK_ENCRYPTION.ENCRYPTED_NO_KEY;
  return answer(status, { algorithmIndex: rec.enc.algorithmIndex, rdmds: rec.enc.rdmd }, kads);
}
