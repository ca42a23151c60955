import { describe, expect, it } from 'vitest';
import { EmulatedScsiTransport } from '../../../../hardware-sims/scsi/emulated-transport.ts';
import { createCartridge } from '../../../../hardware-sims/tape/cartridge.ts';
import { LtoDriveEmulator } from '../../../../hardware-sims/tape/lto-drive-emulator.ts';
import {
  securityProtocolInCdb,
  securityProtocolOutCdb,
  testUnitReadyCdb,
} from '../../../../server/drivers/scsi/cdb.ts';
import { decodeSense } from '../../../../server/drivers/scsi/sense.ts';
import type { ScsiResult } from '../../../../server/drivers/scsi/scsi-transport.ts';
import { encodeSetDataEncryption } from '../../../../server/drivers/tape/set-data-encryption-page.ts';
import {
  decodeDataEncryptionStatus,
  decodeNextBlockEncryptionStatus,
} from '../../../../server/drivers/tape/status-pages.ts';
import { loadUnloadCdb, read6Cdb, rewindCdb, write6Cdb } from '../../../../server/drivers/tape/tape-cdb.ts';
import * as F from '../../../fixtures/scsi/encryption-pages.ts';

/**
 * The drive emulator at the SCSI level, with the bytes real tools send (reference §3.3): the
 * parts the TapeDriveDriver contract does not reach (other tools' pages, scopes across
 * nexuses, LOCK, field pointers, persistence).
 */
function setup(model: 'ibm-hh9' | 'hpe-lto8' | 'quantum-hh8' = 'ibm-hh9') {
  const clock = { ms: 0 };
  const drive = new LtoDriveEmulator({ model, serial: '1000000001', now: () => clock.ms });
  drive.insertCartridge(createCartridge('A00001L9'));
  clock.ms = 60_000; // past the load time
  const nexus = () => {
    const t = new EmulatedScsiTransport(drive);
    const exec = (cdb: Uint8Array, opts: { out?: Uint8Array; alloc?: number } = {}): Promise<ScsiResult> =>
      t.execute(
        opts.out
          ? { cdb, direction: 'out', dataOut: opts.out, timeoutMs: 1000 }
          : opts.alloc
            ? { cdb, direction: 'in', allocationLength: opts.alloc, timeoutMs: 1000 }
            : { cdb, direction: 'none', timeoutMs: 1000 },
      );
    const spout = (page: Uint8Array) =>
      exec(securityProtocolOutCdb({ protocol: 0x20, protocolSpecific: 0x10, length: page.length }), {
        out: page,
      });
    const spin = (page: number) =>
      exec(securityProtocolInCdb({ protocol: 0x20, protocolSpecific: page, length: 8192 }), { alloc: 8192 });
    const clearUas = async () => {
      for (let i = 0; i < 5 && (await exec(testUnitReadyCdb())).status !== 0; i++);
    };
    return { t, exec, spout, spin, clearUas };
  };
  return { drive, nexus };
}

const senseOf = (r: ScsiResult) => decodeSense(r.sense!);
const key = Uint8Array.from({ length: 32 }, (_, i) => i);
const sde = (over: Partial<Parameters<typeof encodeSetDataEncryption>[0]> = {}) =>
  encodeSetDataEncryption({
    ...{ scope: 2, lock: false, ceem: 0, rdmc: 0, sdk: false, ckod: false, ckorp: false, ckorl: false },
    ...{ encryptionMode: 2, decryptionMode: 2, algorithmIndex: 1, keyFormat: 0, kadFormat: 0, key, kads: [] },
    ...over,
  });

describe('LtoDriveEmulator: SPOUT as the tools send it', () => {
  it('accepts stenc 1.0.7 mixed/ckod and LTFS A-KAD pages; DES echoes them and the KIC goes up', async () => {
    const { nexus } = setup();
    const a = nexus();
    await a.clearUas();
    expect((await a.spout(F.spoutStenc1MixedCkod().bytes)).status).toBe(0);
    let des = decodeDataEncryptionStatus((await a.spin(0x20)).dataIn);
    expect(des).toMatchObject({
      encryptionMode: 2,
      decryptionMode: 3,
      keyInstanceCounter: 1,
      itNexusScope: 2,
      keyScope: 2,
    });
    expect((await a.spout(F.spoutLtfsAkad().bytes)).status).toBe(0);
    des = decodeDataEncryptionStatus((await a.spin(0x20)).dataIn);
    expect(des.keyInstanceCounter).toBe(2);
    expect(des.kads.map((k) => k.type)).toEqual([1]);
    expect((await a.spout(F.spoutStenc1Off().bytes)).status).toBe(0);
    expect(decodeDataEncryptionStatus((await a.spin(0x20)).dataIn)).toMatchObject({
      encryptionMode: 0,
      keyInstanceCounter: 3,
    });
  });

  it('refuses with 5/26/00 and the field pointer of the bad byte', async () => {
    const { nexus } = setup();
    const a = nexus();
    await a.clearUas();
    const pointer = async (page: Uint8Array) => senseOf(await a.spout(page)).fieldPointer?.field;
    expect(await pointer(sde({ algorithmIndex: 0 }))).toBe(8); // stenc PR #28
    expect(await pointer(sde({ keyFormat: 2 }))).toBe(9);
    expect(await pointer(sde({ key: key.subarray(0, 16) }))).toBe(18);
    expect(await pointer(sde({ kadFormat: 2 }))).toBe(10); // an IBM drive without KADF_C
    expect(await pointer(sde({ kads: [{ type: 0, authenticated: 0, data: new Uint8Array(33) }] }))).toBe(54);
    expect(await pointer(sde({ sdk: true }))).toBe(5);
    const garbage = F.spoutStenc2On().bytes;
    garbage[53] = 0xf8; // stenc issue #11
    expect(await pointer(garbage)).toBe(53);
    const r = await a.spout(sde({ algorithmIndex: 0 }));
    expect(senseOf(r)).toMatchObject({ senseKey: 5, asc: 0x26, ascq: 0, fieldPointer: { inCdb: false } });
  });

  it('KAD format 2 (stenc 2.0) is accepted where KADF_C is set (HPE)', async () => {
    const { nexus } = setup('hpe-lto8');
    const a = nexus();
    await a.clearUas();
    expect((await a.spout(F.spoutStenc2On().bytes)).status).toBe(0);
  });

  it('an LME drive refuses SPOUT with 74/21 and reports CFG_P 10b', async () => {
    const { drive, nexus } = setup();
    drive.method = 'LME';
    const a = nexus();
    await a.clearUas();
    expect(senseOf(await a.spout(sde()))).toMatchObject({ senseKey: 7, asc: 0x74, ascq: 0x21 });
    expect(decodeDataEncryptionStatus((await a.spin(0x20)).dataIn).parametersControl).toBe(4);
  });
});

describe('LtoDriveEmulator: scopes, LOCK and unit attentions across I_T nexuses', () => {
  it('ALL I_T NEXUS from A: B sees 2A/11 once, then the same parameters', async () => {
    const { nexus } = setup();
    const [a, b] = [nexus(), nexus()];
    await a.clearUas();
    await b.clearUas();
    await a.spout(sde({ kads: [{ type: 0, authenticated: 0, data: new TextEncoder().encode('key-7') }] }));
    expect(senseOf(await b.exec(testUnitReadyCdb()))).toMatchObject({ senseKey: 6, asc: 0x2a, ascq: 0x11 });
    expect(decodeDataEncryptionStatus((await b.spin(0x20)).dataIn)).toMatchObject({
      encryptionMode: 2,
      keyInstanceCounter: 1,
    });
  });

  it('LOCAL parameters stay with their nexus; a LOCKed nexus gets 7/2A/13 after another changes the key', async () => {
    const { nexus } = setup();
    const [a, b] = [nexus(), nexus()];
    await a.clearUas();
    await b.clearUas();
    await a.spout(sde({ scope: 1 }));
    expect(decodeDataEncryptionStatus((await b.spin(0x20)).dataIn)).toMatchObject({
      encryptionMode: 0,
      itNexusScope: 0,
    });
    expect(decodeDataEncryptionStatus((await a.spin(0x20)).dataIn)).toMatchObject({
      itNexusScope: 1,
      keyScope: 1,
    });
    await a.spout(sde({ scope: 0, lock: true })); // back to PUBLIC, locked to "no key"
    await b.spout(sde());
    await a.exec(testUnitReadyCdb()); // 2A/11
    const w = await a.exec(write6Cdb({ length: 4 }), { out: new Uint8Array(4) });
    expect(senseOf(w)).toMatchObject({ senseKey: 7, asc: 0x2a, ascq: 0x13 });
  });

  it('a closed nexus drops its LOCAL set; CKOD clears at unload with 2A/12', async () => {
    const { drive, nexus } = setup();
    const a = nexus();
    const b = nexus();
    await a.clearUas();
    await b.clearUas();
    await a.spout(sde({ ckod: true }));
    await b.exec(testUnitReadyCdb());
    await a.exec(loadUnloadCdb({ load: false }));
    expect(senseOf(await b.exec(testUnitReadyCdb()))).toMatchObject({ asc: 0x2a, ascq: 0x12 });
    expect(drive.enc.effective(b.t.nexus)).toBeNull();
  });
});

describe('LtoDriveEmulator: encrypted records and the next-block page', () => {
  it('the NBES KAD survives a wrong key; reading gives 74/03, no key 74/01, plain in DECRYPT 74/02', async () => {
    const { nexus } = setup();
    const a = nexus();
    await a.clearUas();
    const ukad = new TextEncoder().encode('tape-key-0001');
    await a.spout(sde({ kads: [{ type: 0, authenticated: 0, data: ukad }] }));
    expect((await a.exec(write6Cdb({ length: 5 }), { out: new TextEncoder().encode('hello') })).status).toBe(
      0,
    );
    await a.spout(sde({ encryptionMode: 0, decryptionMode: 0, key: new Uint8Array(0) }));
    await a.exec(write6Cdb({ length: 5 }), { out: new TextEncoder().encode('plain') });
    await a.exec(rewindCdb());
    const nbes = decodeNextBlockEncryptionStatus((await a.spin(0x21)).dataIn);
    expect(nbes).toMatchObject({ encryptionStatus: 6, logicalObjectNumber: 0 });
    expect(nbes.kads[0]!.data).toEqual(ukad);
    expect(senseOf(await a.exec(read6Cdb({ length: 64, sili: true }), { alloc: 64 }))).toMatchObject({
      asc: 0x74,
      ascq: 0x01,
    });
    await a.spout(sde({ key: new Uint8Array(32).fill(9) }));
    expect(senseOf(await a.exec(read6Cdb({ length: 64, sili: true }), { alloc: 64 }))).toMatchObject({
      senseKey: 7,
      asc: 0x74,
      ascq: 0x03,
    });
    await a.spout(sde());
    expect(decodeNextBlockEncryptionStatus((await a.spin(0x21)).dataIn).encryptionStatus).toBe(5);
    const ok = await a.exec(read6Cdb({ length: 64, sili: true }), { alloc: 64 });
    expect(new TextDecoder().decode(ok.dataIn)).toBe('hello');
    expect(senseOf(await a.exec(read6Cdb({ length: 64, sili: true }), { alloc: 64 }))).toMatchObject({
      asc: 0x74,
      ascq: 0x02,
    });
  });

  it('persists cartridges and the counter, not keys: a restored drive is power-cycled', async () => {
    const { drive, nexus } = setup();
    const a = nexus();
    await a.clearUas();
    await a.spout(sde());
    await a.exec(write6Cdb({ length: 3 }), { out: Uint8Array.from([1, 2, 3]) });
    const json = JSON.parse(JSON.stringify(drive.toState())) as ReturnType<typeof drive.toState>;
    expect(JSON.stringify(json)).not.toContain(Buffer.from(key).toString('base64'));
    const again = LtoDriveEmulator.fromState(json);
    expect(again.enc.keyInstanceCounter).toBe(1);
    const b = new EmulatedScsiTransport(again);
    expect(
      decodeSense((await b.execute({ cdb: testUnitReadyCdb(), direction: 'none', timeoutMs: 100 })).sense!)
        .asc,
    ).toBe(0x29);
    expect(again.cartridge?.records[0]?.kind).toBe('encrypted');
  });
});
