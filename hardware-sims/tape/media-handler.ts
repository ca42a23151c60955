import { mediaAccess } from '../../server/drivers/tape/lto-media.ts';
import {
  decodeReadWrite6Cdb,
  decodeSpace6Cdb,
  decodeWriteFilemarksCdb,
  SPACE_CODE,
} from '../../server/drivers/tape/tape-cdb.ts';
import { DECRYPTION_MODE, ENCRYPTION_MODE } from '../../server/drivers/tape/encryption-constants.ts';
import { SENSE } from '../scsi/emulated-device.ts';
import type { TargetRequest, TargetResponse } from '../scsi/scsi-target.ts';
import { b64, cartridgeInfo, unb64, type TapeRecord } from './cartridge.ts';
import type { DriveContext, LoadedMedium } from './drive-types.ts';
import { decryptRecord, encryptRecord, rawRecord } from './record-crypto.ts';

/**
 * Medium access: TEST UNIT READY, READ(6)/WRITE(6) in variable-block mode, WRITE FILEMARKS,
 * REWIND, SPACE (reference §5.5-5.6). Reads of encrypted blocks follow the §5.6 table.
 */
export function mediumCheck(d: DriveContext): { medium: LoadedMedium } | { fail: TargetResponse } {
  const m = d.medium;
  if (!m?.threaded) return { fail: d.checkCondition(SENSE.noMedium) };
  const left = m.readyAt - d.now();
  if (left > 0) return { fail: d.checkCondition({ ...SENSE.becomingReady, progress: 0.5 }) };
  const access = mediaAccess(d.model.generation, m.cartridge.barcode);
  if (access === 'cleaning') return { fail: d.checkCondition({ senseKey: 2, asc: 0x30, ascq: 0x03 }) };
  if (access === 'none') return { fail: d.checkCondition({ senseKey: 5, asc: 0x30, ascq: 0x00 }) };
  return { medium: m };
}

function dataAccess(d: DriveContext, nexus: number): { medium: LoadedMedium } | { fail: TargetResponse } {
  const c = mediumCheck(d);
  if ('fail' in c) return c;
  if (d.enc.lockBroken(nexus)) return { fail: d.checkCondition({ senseKey: 7, asc: 0x2a, ascq: 0x13 }) };
  return c;
}

export function handleWrite(d: DriveContext, nexus: number, req: TargetRequest): TargetResponse {
  const cdb = decodeReadWrite6Cdb(req.cdb);
  if (cdb.fixed) return d.checkCondition(SENSE.invalidFieldInCdb(1)); // variable-block mode only
  const c = dataAccess(d, nexus);
  if ('fail' in c) return c.fail;
  const m = c.medium;
  const info = cartridgeInfo(m.cartridge);
  if (m.cartridge.writeProtected) return d.checkCondition({ senseKey: 7, asc: 0x27, ascq: 0 });
  if (mediaAccess(d.model.generation, m.cartridge.barcode) === 'read-only') {
    return d.checkCondition({ senseKey: 7, asc: 0x30, ascq: 0x05 });
  }
  if (info.kind === 'worm' && m.position < m.cartridge.records.length) {
    return d.checkCondition({ senseKey: 7, asc: 0x30, ascq: 0x0c });
  }
  if (d.method === 'LME') {
    // A drive left in library-managed mode with no key from the library (reference §9).
    const ibm = d.model.vendor === 'IBM';
    return d.checkCondition(
      ibm ? { senseKey: 7, asc: 0xef, ascq: 0x10 } : { senseKey: 7, asc: 0x74, ascq: 0x63 },
    );
  }
  const data = req.dataOut.subarray(0, cdb.length);
  const p = d.enc.effective(nexus);
  let record: TapeRecord;
  if (p?.encryptionMode === ENCRYPTION_MODE.ENCRYPT && p.key) {
    // Encryption needs LTO-4+ media (reference §6.1); the refusal code is an assumption.
    if (!info.generation?.encryption) return d.checkCondition({ senseKey: 7, asc: 0x30, ascq: 0x05 });
    const rdmd = p.rdmc === 3 || p.rdmc === 0;
    const kads = { ...(p.ukad ? { ukad: p.ukad } : {}), ...(p.akad ? { akad: p.akad } : {}) };
    record = {
      kind: 'encrypted',
      length: data.length,
      enc: encryptRecord(p.key, p.algorithmIndex, data, kads, rdmd),
    };
  } else {
    record = { kind: 'data', length: data.length, data: b64(data) };
  }
  m.cartridge.records.splice(m.position, m.cartridge.records.length - m.position, record);
  m.position++;
  return d.good();
}

export function handleWriteFilemarks(d: DriveContext, nexus: number, req: TargetRequest): TargetResponse {
  const { count } = decodeWriteFilemarksCdb(req.cdb);
  const c = dataAccess(d, nexus);
  if ('fail' in c) return c.fail;
  const m = c.medium;
  if (m.cartridge.writeProtected) return d.checkCondition({ senseKey: 7, asc: 0x27, ascq: 0 });
  const marks: TapeRecord[] = Array.from({ length: count }, () => ({ kind: 'filemark' }));
  m.cartridge.records.splice(m.position, m.cartridge.records.length - m.position, ...marks);
  m.position += count;
  return d.good();
}

export function handleRead(d: DriveContext, nexus: number, req: TargetRequest): TargetResponse {
  const cdb = decodeReadWrite6Cdb(req.cdb);
  if (cdb.fixed) return d.checkCondition(SENSE.invalidFieldInCdb(1));
  const c = dataAccess(d, nexus);
  if ('fail' in c) return c.fail;
  const m = c.medium;
  const rec = m.cartridge.records[m.position];
  if (!rec) return d.checkCondition({ senseKey: 8, asc: 0x00, ascq: 0x05, information: cdb.length });
  if (rec.kind === 'filemark') {
    m.position++;
    return d.checkCondition({ senseKey: 0, asc: 0, ascq: 0x01, filemark: true, information: cdb.length });
  }
  const plain = blockData(d, nexus, rec);
  if ('fail' in plain) {
    if (d.model.quirks.positionAfterDecryptError === 'after') m.position++;
    return plain.fail;
  }
  m.position++;
  const residue = cdb.length - plain.data.length;
  const out = plain.data.subarray(0, cdb.length);
  if (residue === 0 || (residue > 0 && cdb.sili)) return d.good(out);
  // Short or long block: ILI with the residue (negative when the block was longer).
  return {
    ...d.checkCondition({ senseKey: 0, asc: 0, ascq: 0, ili: true, information: residue }),
    dataIn: out,
  };
}

function blockData(
  d: DriveContext,
  nexus: number,
  rec: TapeRecord,
): { data: Uint8Array } | { fail: TargetResponse } {
  const p = d.enc.effective(nexus);
  const mode = p?.decryptionMode ?? DECRYPTION_MODE.DISABLE;
  const dp = (ascq: number) => ({ fail: d.checkCondition({ senseKey: 7, asc: 0x74, ascq }) });
  if (rec.kind === 'data') return mode === DECRYPTION_MODE.DECRYPT ? dp(0x02) : { data: unb64(rec.data) };
  if (rec.kind !== 'encrypted') return { data: new Uint8Array(0) };
  if (mode === DECRYPTION_MODE.DISABLE) return dp(0x01);
  if (mode === DECRYPTION_MODE.RAW) return rec.enc.rdmd ? dp(0x0a) : { data: rawRecord(rec.enc) };
  if (!p?.key) return dp(0x01);
  const out = decryptRecord(p.key, rec.enc);
  if (!out.ok) return dp(out.reason === 'wrong-key' ? 0x03 : 0x04);
  return { data: out.plain };
}

export function handleRewind(d: DriveContext): TargetResponse {
  const c = mediumCheck(d);
  if ('fail' in c) return c.fail;
  c.medium.position = 0;
  return d.good();
}

export function handleSpace(d: DriveContext, req: TargetRequest): TargetResponse {
  const { code, count } = decodeSpace6Cdb(req.cdb);
  const c = mediumCheck(d);
  if ('fail' in c) return c.fail;
  const m = c.medium;
  const records = m.cartridge.records;
  if (code === SPACE_CODE.END_OF_DATA) {
    m.position = records.length;
    return d.good();
  }
  if (code !== SPACE_CODE.BLOCKS && code !== SPACE_CODE.FILEMARKS)
    return d.checkCondition(SENSE.invalidFieldInCdb(1));
  const step = Math.sign(count);
  for (let done = 0; done < Math.abs(count);) {
    const next = step > 0 ? m.position : m.position - 1;
    if (next < 0)
      return d.checkCondition({
        senseKey: 0,
        asc: 0,
        ascq: 0x04,
        eom: true,
        information: Math.abs(count) - done,
      });
    const rec = records[next];
    if (!rec)
      return d.checkCondition({ senseKey: 8, asc: 0, ascq: 0x05, information: Math.abs(count) - done });
    m.position += step;
    if (code === SPACE_CODE.BLOCKS && rec.kind === 'filemark') {
      return d.checkCondition({
        senseKey: 0,
        asc: 0,
        ascq: 0x01,
        filemark: true,
        information: Math.abs(count) - done - 1,
      });
    }
    if (code === SPACE_CODE.BLOCKS || rec.kind === 'filemark') done++;
  }
  return d.good();
}
