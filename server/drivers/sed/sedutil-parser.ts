import type {
  SedLockingRange,
  SedScanEntry,
  SedSsc,
  SedSscFlags,
  SedToolInfo,
  SedToolVariant,
} from './sed-driver.ts';

/**
 * Pure parsers for sedutil-cli output (reference §2), tested against transcripts in
 * test/fixtures/sedutil. They throw `SedutilParseError` on output they do not recognise rather
 * than guess: a mis-parsed serial or lock bit is worse than a clear failure.
 */
export class SedutilParseError extends Error {
  override readonly name = 'SedutilParseError';
}

/** `-l` style and pre-1.15.1 builds prefix every LOG line: `- 14:06:39.709 INFO: `. */
const LOG_PREFIX = /^- \d\d:\d\d:\d\d\.\d{3} (?:ERR |WARN|INFO|DBG |DBG\d): /;

/** Output lines without `-l` prefixes or carriage-return progress. */
export function outputLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(LOG_PREFIX, '').replace(/\r$/, ''))
    .filter((l, i, all) => l !== '' || i < all.length - 1);
}

const NO_FLAGS: SedSscFlags = {
  opal1: false,
  opal2: false,
  enterprise: false,
  pyrite: false,
  opalite: false,
  ruby: false,
};

/** The class the console acts on, in sedutil's own order of preference (isOpal2 first). */
export function sscOf(f: SedSscFlags): SedSsc {
  if (f.opal2) return 'opal2';
  if (f.opal1) return 'opal1';
  if (f.enterprise) return 'enterprise';
  if (f.pyrite) return 'pyrite';
  return 'none';
}

/** Per variant: width of the SSC block after the name, and the letters at each position. */
const SCAN_LAYOUT: Record<SedToolVariant, { width: number; letters: (keyof SedSscFlags | null)[] }> = {
  'dta-1.20': { width: 5, letters: [null, 'opal1', 'opal2', 'enterprise'] },
  chubbyant: {
    width: 9,
    letters: [null, 'opal1', 'opal2', 'enterprise', 'opalite', 'pyrite', 'pyrite', 'ruby'],
  },
  'dta-1.49': { width: 7, letters: [null, 'opal1', 'opal2', 'pyrite', 'pyrite', 'enterprise'] },
};

/** Splits `model + ' ' + firmware` (raw, padded): ATA/NVMe 40/8, the SAS short form 16/4. */
function splitModelFirmware(body: string): { model: string; firmware: string } {
  if (body.length >= 49 && body[40] === ' ')
    return { model: body.slice(0, 40).trim(), firmware: body.slice(41).trim() };
  if (body.length >= 21 && body[16] === ' ')
    return { model: body.slice(0, 16).trim(), firmware: body.slice(17).trim() };
  const m = /^(.*\S)?\s+(\S+)\s*$/.exec(body);
  return { model: m?.[1]?.trim() ?? '', firmware: m?.[2] ?? body.trim() };
}

/**
 * `--scan` (reference §2.2). DTA 1.20: name in `%-10s` (longer names not cut), ` c1c2c3 ` or
 * ` No  `, raw model and firmware. ChubbyAnt: 7 letters. 1.49: the name column is as wide as the
 * longest name, model cut to 25, then firmware and transport.
 */
export function parseScan(stdout: string, variant: SedToolVariant = 'dta-1.20'): SedScanEntry[] {
  const lines = outputLines(stdout);
  if (!lines.some((l) => l.startsWith('Scanning for Opal compliant disks'))) {
    throw new SedutilParseError('not --scan output (no header)');
  }
  const devices = lines.filter((l) => l.startsWith('/dev/'));
  const nameWidth =
    variant === 'dta-1.49' ? Math.max(8, ...devices.map((l) => /^\S+/.exec(l)![0].length)) : 10;
  const layout = SCAN_LAYOUT[variant];
  return devices.map((line) => {
    const device = /^\S+/.exec(line)![0];
    const rest = line.slice(Math.max(nameWidth, device.length));
    const block = rest.slice(0, layout.width);
    const flags = { ...NO_FLAGS };
    if (block.trim() !== 'No') {
      layout.letters.forEach((key, i) => {
        if (key && block[i] !== undefined && block[i] !== ' ' && block[i] !== '-') flags[key] = true;
      });
    }
    const body = rest.slice(layout.width);
    const { model, firmware } =
      variant === 'dta-1.49'
        ? { model: body.slice(0, 25).trim(), firmware: body.slice(26, 34).trim() }
        : splitModelFirmware(body);
    return { device, ssc: sscOf(flags), flags, model, firmware };
  });
}

const YN = /^[YN]$/;

/** `--listLockingRanges` (reference §2.5): `LR<i> Begin <start> for <length>` + the flags line. */
export function parseLockingRanges(stdout: string): SedLockingRange[] {
  const lines = outputLines(stdout);
  if (!lines.some((l) => l.startsWith('Locking Range Configuration for '))) {
    throw new SedutilParseError('not --listLockingRanges output (no header)');
  }
  const ranges: SedLockingRange[] = [];
  lines.forEach((line, i) => {
    const head = /^LR(\d+) Begin (\d+) for (\d+)\s*$/.exec(line);
    if (!head) return;
    const bits = /RLKEna = ([YN])\s+WLKEna = ([YN])\s+RLocked = ([YN])\s+WLocked = ([YN])/.exec(
      lines[i + 1] ?? '',
    );
    if (!bits || !bits.slice(1).every((b) => YN.test(b))) {
      throw new SedutilParseError(`LR${head[1]} has no flags line`);
    }
    ranges.push({
      range: Number(head[1]),
      start: Number(head[2]),
      length: Number(head[3]),
      readLockEnabled: bits[1] === 'Y',
      writeLockEnabled: bits[2] === 'Y',
      readLocked: bits[3] === 'Y',
      writeLocked: bits[4] === 'Y',
    });
  });
  if (ranges.length === 0) throw new SedutilParseError('no locking ranges listed');
  return ranges;
}

/**
 * Which sedutil-cli this is, from `--help` (reference §9): DTA prints `sedutil v<ver> Copyright…`
 * (1.20, and builds of `develop` carry a 1.49 version), 1.49 builds may print `sedutil-cli v…`;
 * ChubbyAnt's usage mentions Opalite and `--PSIDrevertAdminSP`. Undefined when unrecognised.
 */
export function parseToolInfo(helpStdout: string): SedToolInfo | undefined {
  const first = helpStdout.split('\n', 1)[0] ?? '';
  const dta = /^sedutil v(\S+) Copyright/.exec(first);
  const cli = /^sedutil-cli v?(\S+)/.exec(first);
  const version = dta?.[1] ?? cli?.[1];
  if (version === undefined) return undefined;
  if (dta && (/Opalite/.test(helpStdout) || helpStdout.includes('--PSIDrevertAdminSP'))) {
    return { variant: 'chubbyant', version, passwordScheme: 'chubbyant-sha512-500k' };
  }
  const variant: SedToolVariant = cli || /(^|\.)1\.49/.test(version) ? 'dta-1.49' : 'dta-1.20';
  return { variant, version, passwordScheme: 'dta-sha1-75k' };
}

/** The TCG status name sedutil logged (`method status code NOT_AUTHORIZED`), if any. */
export function tcgStatusOf(stderr: string): string | undefined {
  return /method status code (\w+)/.exec(stderr)?.[1];
}
