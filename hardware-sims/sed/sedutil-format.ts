import type { DriveModel, TperProperty } from './data/drive-models.ts';
import { lockingFeature } from './opal-state.ts';
import type { SimDrive } from './sim-types.ts';

/**
 * sedutil 1.20's printf/cout formats (reference §2.2–2.4), byte for byte: raw padded identity
 * fields, `%-10s` device names, the `ASYNC = N. ` period, the two spaces of `comIDManagement  =`,
 * the unindented Opal V1.0 line, lower-case hex, and the odd grouping of the properties block.
 */

const yn = (b: boolean) => (b ? 'Y' : 'N');
const hex = (n: number, width: number) => `0x${n.toString(16).padStart(width, '0')}`;

/** DTA's recognised SSCs: Opal 1.0, Opal 2.x, Enterprise. Pyrite, Opalite, Ruby read as "No". */
export const isAnySsc = (m: DriveModel) => m.ssc.opal1 || m.ssc.opal2 || m.ssc.enterprise;

/** One `--scan` line: name in 10 columns, SSC letters or ` No  `, model, space, firmware. */
export function scanLine(device: string, drive: SimDrive, m: DriveModel): string {
  const ssc = isAnySsc(m)
    ? ` ${m.ssc.opal1 ? '1' : ' '}${m.ssc.opal2 ? '2' : ' '}${m.ssc.enterprise ? 'E' : ' '} `
    : ' No  ';
  return `${device.padEnd(10)}${ssc}${drive.identity.model} ${drive.identity.firmware}\n`;
}

/** `--isValidSED`: ` SED ` + flags with `-` for absent, or ` NO --- `. */
export function isValidSedLine(device: string, drive: SimDrive, m: DriveModel): string {
  const flags = `${m.ssc.opal1 ? '1' : '-'}${m.ssc.opal2 ? '2' : '-'}${m.ssc.enterprise ? 'E' : '-'}`;
  const ssc = isAnySsc(m) ? ` SED ${flags} ` : ' NO --- ';
  return `${device}${ssc}${drive.identity.model} ${drive.identity.firmware}\n`;
}

const TYPE = { ata: ' ATA ', nvme: ' NVMe ', sas: ' SAS ' } as const;

/** The discovery part of `--query` (DtaDev::puke), each section only if its descriptor exists. */
export function queryDiscovery(device: string, drive: SimDrive, m: DriveModel): string {
  const id = drive.identity;
  const lines = ['', `${device}${TYPE[id.transport]}${id.model} ${id.firmware} ${id.serial}`];
  const t = m.tper;
  lines.push(
    'TPer function (0x0001)',
    `    ACKNAK = ${yn(t.ackNak)}, ASYNC = ${t.async ? 'Y, ' : 'N. '}BufferManagement = ${yn(t.bufferMgmt)}, ` +
      `comIDManagement  = ${yn(t.comIdMgmt)}, Streaming = ${yn(t.streaming)}, SYNC = ${yn(t.sync)}`,
  );
  const l = lockingFeature(drive, m);
  lines.push(
    'Locking function (0x0002)',
    `    Locked = ${yn(l.locked)}, LockingEnabled = ${yn(l.lockingEnabled)}, LockingSupported = ${yn(l.lockingSupported)}, ` +
      `MBRDone = ${yn(l.mbrDone)}, MBREnabled = ${yn(l.mbrEnabled)}, MediaEncrypt = ${yn(l.mediaEncrypt)}`,
  );
  const g = m.geometry;
  if (g) {
    lines.push(
      'Geometry function (0x0003)',
      `    Align = ${yn(g.align)}, Alignment Granularity = ${g.granularity} (${g.granularity * g.logicalBlockSize}), ` +
        `Logical Block size = ${g.logicalBlockSize}, Lowest Aligned LBA = ${g.lowestAlignedLba}`,
    );
  }
  if (m.enterprise) {
    const e = m.enterprise;
    // comIDs stays in hex (no 0x): the stream is still in hex mode when it is printed.
    lines.push(
      'Enterprise function (0x0100)',
      `    Range crossing = ${yn(e.rangeCrossing)}, Base comID = ${hex(e.baseComId, 4)}, comIDs = ${e.numComIds.toString(16)}`,
    );
  }
  if (m.opal1) {
    lines.push(
      'Opal V1.0 function (0x0200)',
      `Base comID = ${hex(m.opal1.baseComId, 4)}, comIDs = ${m.opal1.numComIds}`,
    );
  }
  if (m.singleUser) {
    const s = m.singleUser;
    lines.push(
      'SingleUser function (0x0201)',
      `    ALL = ${yn(s.all)}, ANY = ${yn(s.any)}, Policy = ${yn(s.policy)}, Locking Objects = ${s.lockingObjects}`,
    );
  }
  if (m.dataStore) {
    const d = m.dataStore;
    lines.push(
      'DataStore function (0x0202)',
      `    Max Tables = ${d.maxTables}, Max Size Tables = ${d.maxSizeTables}, Table size alignment = ${d.alignment}`,
    );
  }
  if (m.opal2) {
    const o = m.opal2;
    lines.push(
      'OPAL 2.0 function (0x0203)',
      `    Base comID = ${hex(o.baseComId, 4)}, Initial PIN = ${hex(o.initialPin, 2)}, Reverted PIN = ${hex(o.revertedPin, 2)}, comIDs = ${o.numComIds}`,
      `    Locking Admins = ${o.lockingAdmins}, Locking Users = ${o.lockingUsers}, Range Crossing = ${yn(o.rangeCrossing)}`,
    );
  }
  const unknown = m.unknownFeatures.filter((code) => code <= 0xbfff).length;
  if (unknown > 0) lines.push(`**** ${unknown} **** Unknown function codes IGNORED `);
  return `${lines.join('\n')}\n`;
}

/** What sedutil offers as host properties; the TPer echoes them and sedutil prints the echo. */
export const HOST_PROPERTIES: TperProperty[] = [
  { name: 'MaxComPacketSize', value: 2048 },
  { name: 'MaxResponseComPacketSize', value: 2048 },
  { name: 'MaxPacketSize', value: 2028 },
  { name: 'MaxIndTokenSize', value: 1992 },
  { name: 'MaxPackets', value: 1 },
  { name: 'MaxSubpackets', value: 1 },
  { name: 'MaxMethods', value: 1 },
];

type Token =
  | { kind: 'startname' }
  | { kind: 'bytes'; text: string }
  | { kind: 'uint'; value: number }
  | { kind: 'other' };

const OTHER: Token = { kind: 'other' };
const START: Token = { kind: 'startname' };
const props = (list: TperProperty[]): Token[] =>
  list.flatMap((p) => [START, { kind: 'bytes', text: p.name }, { kind: 'uint', value: p.value }, OTHER]);

/**
 * The properties block exactly as sedutil walks the Properties response's token list
 * (reference §2.4): a newline whenever the running token index is a multiple of 6.
 */
export function queryProperties(tper: TperProperty[], host: TperProperty[] = HOST_PROPERTIES): string {
  const tokens: Token[] = [
    ...[OTHER, { kind: 'bytes', text: 'SMUID' }, { kind: 'bytes', text: 'Properties' }, OTHER, OTHER],
    ...props(tper),
    ...[OTHER, START, { kind: 'uint', value: 0 }, OTHER],
    ...props(host),
    ...[OTHER, OTHER, OTHER, OTHER, OTHER, { kind: 'uint', value: 0 }, { kind: 'uint', value: 0 }],
    ...[{ kind: 'uint', value: 0 }, OTHER],
  ] as Token[];
  let out = '\nTPer Properties: ';
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.kind === 'startname') {
      const name = tokens[i + 1];
      const value = tokens[i + 2];
      if (name?.kind === 'bytes') out += `  ${name.text} = ${value?.kind === 'uint' ? value.value : ''}`;
      else out += '\nHost Properties: \n';
      i += 2;
    }
    if (i % 6 === 0) out += '\n';
  }
  return out;
}
