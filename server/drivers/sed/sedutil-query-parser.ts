import type { SedQueryResult, SedSscFlags, SedTransport } from './sed-driver.ts';
import { outputLines, SedutilParseError, sscOf } from './sedutil-parser.ts';

const TRANSPORTS: Record<string, SedTransport> = {
  ATA: 'ata',
  SAS: 'sas',
  USB: 'usb',
  NVMe: 'nvme',
  OTHER: 'other',
};

/**
 * The identity line: `<dev> <TYPE> <model> <fw> <serial>` with raw fixed-width fields (ATA/NVMe
 * 40/8/20; SAS/USB 16/4/8, the vendor id in the serial position). 1.49 separates the fields by
 * runs of spaces instead; that form is split on two or more spaces.
 */
function parseIdentity(line: string) {
  const m = /^(\S+) +(ATA|SAS|USB|NVMe|OTHER) (.*)$/.exec(line);
  if (!m) throw new SedutilParseError('no identity line');
  const [, device, type, rest] = m as unknown as [string, string, string, string];
  const fixed = (model: number, fw: number) =>
    rest.length > model + fw + 2 && rest[model] === ' ' && rest[model + fw + 1] === ' '
      ? {
          model: rest.slice(0, model),
          firmware: rest.slice(model + 1, model + fw + 1),
          serialField: rest.slice(model + fw + 2),
        }
      : undefined;
  const split = () => {
    const parts = rest.trim().split(/\s{2,}/);
    if (parts.length < 3) throw new SedutilParseError('identity line has no serial field');
    return { model: parts.slice(0, -2).join('  '), firmware: parts.at(-2)!, serialField: parts.at(-1)! };
  };
  const f = (type === 'SAS' || type === 'USB' ? fixed(16, 4) : fixed(40, 8)) ?? split();
  return {
    device,
    transport: TRANSPORTS[type]!,
    model: f.model.trim(),
    firmware: f.firmware.trim(),
    serial: f.serialField.trim(),
    serialField: f.serialField,
  };
}

/** `Key = Value, Key = Value` pairs of a feature section (`ASYNC = N. ` has a period, sic). */
function pairs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.replace(/= ([YN])\. /g, '= $1, ').matchAll(/([A-Za-z][\w ]*?)\s+=\s+([^,]+)/g)) {
    out.set(m[1]!.trim(), m[2]!.trim());
  }
  return out;
}

const yes = (v: string | undefined) => v === 'Y';
const num = (v: string | undefined) => {
  const n = v === undefined ? NaN : v.startsWith('0x') ? parseInt(v, 16) : parseInt(v, 10);
  if (Number.isNaN(n)) throw new SedutilParseError(`not a number: ${v}`);
  return n;
};

/** Feature sections by code (`OPAL 2.0 function (0x0203)`, `Block SID Authentication (0x0402)`). */
function sections(lines: string[]): Map<number, Map<string, string>> {
  const out = new Map<number, Map<string, string>>();
  let current: string[] | null = null;
  let code = 0;
  const flush = () => {
    if (current) out.set(code, pairs(current.join(', ')));
  };
  for (const line of lines) {
    const head = /\((0x[0-9a-fA-F]{4})\)\s*$/.exec(line);
    if (head && !line.startsWith(' ') && !line.includes('=')) {
      flush();
      code = parseInt(head[1]!, 16);
      current = [];
    } else if (current && line.includes('=') && !/Properties:/.test(line)) {
      current.push(line);
    } else if (line === '' || /Properties:/.test(line)) {
      flush();
      current = null;
    }
  }
  flush();
  return out;
}

/**
 * `--query` (reference §2.4) into identity, SSC flags, the Locking bits, geometry, Opal 2.0
 * counts and the TPer properties. The device is as printed; the driver replaces it with the
 * canonical path it asked about.
 */
export function parseQuery(stdout: string): SedQueryResult {
  const lines = outputLines(stdout);
  const idLine = lines.find((l) => l.startsWith('/dev/'));
  if (!idLine) throw new SedutilParseError('not --query output (no identity line)');
  const id = parseIdentity(idLine);
  const propsAt = lines.findIndex((l) => l.startsWith('TPer Properties:'));
  const hostAt = lines.findIndex((l) => l.startsWith('Host Properties:'));
  const s = sections(lines.slice(0, propsAt < 0 ? undefined : propsAt));
  const flags: SedSscFlags = {
    opal1: s.has(0x0200),
    opal2: s.has(0x0203),
    enterprise: s.has(0x0100),
    pyrite: s.has(0x0302) || s.has(0x0303),
    opalite: s.has(0x0301),
    ruby: s.has(0x0304),
  };
  const tperProperties: Record<string, number> = {};
  if (propsAt >= 0) {
    const block = lines.slice(propsAt + 1, hostAt < 0 ? undefined : hostAt).join(' ');
    for (const m of block.matchAll(/(\w+) = (\d+)/g)) tperProperties[m[1]!] = Number(m[2]);
  }
  const locking = s.get(0x0002);
  const geometry = s.get(0x0003);
  const opal2 = s.get(0x0203);
  const single = s.get(0x0201);
  const unknown = /^\*\*\*\* (\d+) \*\*\*\* Unknown function codes IGNORED/.exec(
    lines.find((l) => l.startsWith('****')) ?? '',
  );
  return {
    ...id,
    ssc: sscOf(flags),
    flags,
    ...(locking && {
      locking: {
        locked: yes(locking.get('Locked')),
        lockingEnabled: yes(locking.get('LockingEnabled')),
        // 1.49 replaced this field with "MBR shadowing Not Supported".
        lockingSupported: locking.has('LockingSupported') ? yes(locking.get('LockingSupported')) : true,
        mbrDone: yes(locking.get('MBRDone')),
        mbrEnabled: yes(locking.get('MBREnabled')),
        mediaEncrypt: yes(locking.get('MediaEncrypt')),
      },
    }),
    ...(geometry && {
      geometry: {
        align: yes(geometry.get('Align')),
        granularity: num(geometry.get('Alignment Granularity')),
        logicalBlockSize: num(geometry.get('Logical Block size')),
        lowestAlignedLba: num(geometry.get('Lowest Aligned LBA')),
      },
    }),
    ...(opal2 && {
      opal2: {
        baseComId: num(opal2.get('Base comID')),
        lockingAdmins: num(opal2.get('Locking Admins')),
        lockingUsers: num(opal2.get('Locking Users')),
        initialPin: num(opal2.get('Initial PIN')),
        revertedPin: num(opal2.get('Reverted PIN')),
      },
    }),
    ...(single && {
      singleUser: {
        lockingObjects: num(single.get('Locking Objects')),
        any: yes(single.get('ANY')),
        all: yes(single.get('ALL')),
        policy: yes(single.get('Policy')),
      },
    }),
    unknownFeatureCount: unknown ? Number(unknown[1]) : 0,
    tperProperties,
  };
}
