/**
 * Drive models as data (STYLE §3.6): identity strings, Level-0 discovery, TPer properties,
 * limits and firmware quirks. Model/firmware strings and discovery values come from reference
 * opal-sedutil.md §2.4 and §8; where the reference marks a value UNVERIFIED or gives none, the
 * entry says "assumed" and copies the closest documented drive.
 */

export interface TperProperty {
  name: string;
  value: number;
}

export interface DriveModel {
  transport: 'ata' | 'nvme' | 'sas';
  /** Unpadded strings; the factory pads them to the transport's field widths. */
  model: string;
  firmware: string;
  /** SAS only: T10 vendor id (8 chars), shown in the serial position and used as salt. */
  vendor?: string;
  /** Serial number pattern: `#` digit, `?` upper-case letter or digit, `%` hex digit; else literal. */
  serialPattern: string;
  /** ATA serials of some HDDs are right-justified in their 20-byte field. */
  serialJustify: 'left' | 'right';
  ssc: { opal1: boolean; opal2: boolean; enterprise: boolean; pyrite: boolean; ruby: boolean };
  tper: {
    ackNak: boolean;
    async: boolean;
    bufferMgmt: boolean;
    comIdMgmt: boolean;
    streaming: boolean;
    sync: boolean;
  };
  geometry: {
    align: boolean;
    granularity: number;
    logicalBlockSize: number;
    lowestAlignedLba: number;
  } | null;
  enterprise?: { rangeCrossing: boolean; baseComId: number; numComIds: number };
  opal1?: { baseComId: number; numComIds: number };
  singleUser?: { all: boolean; any: boolean; policy: boolean; lockingObjects: number };
  dataStore?: { maxTables: number; maxSizeTables: number; alignment: number };
  opal2?: {
    baseComId: number;
    initialPin: number;
    revertedPin: number;
    numComIds: number;
    lockingAdmins: number;
    lockingUsers: number;
    rangeCrossing: boolean;
  };
  /** Feature codes 1.20 does not parse (Block SID 0x0402, …): counted in the "Unknown" line. */
  unknownFeatures: number[];
  properties: TperProperty[];
  /** LockingInfo.MaxRanges: ranges 1..maxRanges exist besides the global range. */
  maxRanges: number;
  /** C_PIN TryLimit of every authority (0 = unlimited). */
  tryLimit: number;
  /** False on drives that report "MBR shadowing not supported" (Set on MBRControl fails). */
  mbrShadow: boolean;
  mbrTableBytes: number;
  capacityLbas: number;
  quirks?: { mbrDisableIgnoredAfterPowerCycle?: boolean };
}

const TPER_SYNC = {
  ackNak: false,
  async: false,
  bufferMgmt: false,
  comIdMgmt: false,
  streaming: true,
  sync: true,
};

const p = (name: string, value: number): TperProperty => ({ name, value });

/** Samsung SATA and NVMe (reference §2.4 samples A and B). */
const SAMSUNG_PROPS = [
  p('MaxComPacketSize', 66048),
  p('MaxResponseComPacketSize', 66048),
  p('MaxPacketSize', 66028),
  p('MaxIndTokenSize', 65540),
  p('MaxPackets', 1),
  p('MaxSubpackets', 1),
  p('MaxMethods', 1),
  p('MaxAuthentications', 5),
  p('MaxSessions', 1),
  p('MaxTransactionLimit', 1),
  p('DefSessionTimeout', 0),
];

/** Crucial MX200 ([ISSUE #197]): note the different order. */
const CRUCIAL_PROPS = [
  p('MaxComPacketSize', 131072),
  p('MaxResponseComPacketSize', 131072),
  p('MaxPacketSize', 129792),
  p('MaxIndTokenSize', 126976),
  p('MaxPackets', 1),
  p('MaxSubpackets', 1),
  p('MaxMethods', 1),
  p('MaxSessions', 1),
  p('MaxAuthentications', 21),
  p('MaxTransactionLimit', 1),
  p('DefSessionTimeout', 240000),
];

const OPAL2_SAMSUNG = {
  baseComId: 0x1004,
  initialPin: 0x00,
  revertedPin: 0x00,
  numComIds: 1,
  lockingAdmins: 4,
  lockingUsers: 9,
  rangeCrossing: false,
};
const SSC_OPAL2 = { opal1: false, opal2: true, enterprise: false, pyrite: false, ruby: false };
const SSC_NONE = { opal1: false, opal2: false, enterprise: false, pyrite: false, ruby: false };
const GEO_512 = { align: false, granularity: 1, logicalBlockSize: 512, lowestAlignedLba: 0 };
const GEO_4K = { align: true, granularity: 8, logicalBlockSize: 512, lowestAlignedLba: 0 };
const DATASTORE_SAMSUNG = { maxTables: 9, maxSizeTables: 10485760, alignment: 1 };
const OPAL_LIMITS = { maxRanges: 8, tryLimit: 5, mbrShadow: true, mbrTableBytes: 128 * 1024 * 1024 };

const samsungSata = (model: string, firmware: string, serialPrefix: string, opal1: boolean): DriveModel => ({
  transport: 'ata',
  model,
  firmware,
  serialPattern: `${serialPrefix}######?`,
  serialJustify: 'left',
  ssc: { ...SSC_OPAL2, opal1 },
  tper: TPER_SYNC,
  geometry: GEO_512,
  ...(opal1 ? { opal1: { baseComId: 0x1004, numComIds: 1 } } : {}),
  singleUser: { all: false, any: false, policy: true, lockingObjects: 9 },
  dataStore: DATASTORE_SAMSUNG,
  opal2: OPAL2_SAMSUNG,
  unknownFeatures: [],
  properties: SAMSUNG_PROPS,
  ...OPAL_LIMITS,
  capacityLbas: 976_773_168,
});

const samsungNvme = (
  model: string,
  firmware: string,
  serialPrefix: string,
  extra: Partial<DriveModel> = {},
) => ({
  transport: 'nvme' as const,
  model,
  firmware,
  serialPattern: `${serialPrefix}######?`,
  serialJustify: 'left' as const,
  ssc: SSC_OPAL2,
  tper: TPER_SYNC,
  geometry: GEO_4K,
  dataStore: DATASTORE_SAMSUNG,
  opal2: OPAL2_SAMSUNG,
  unknownFeatures: [],
  properties: SAMSUNG_PROPS,
  ...OPAL_LIMITS,
  capacityLbas: 1_953_525_168,
  ...extra,
});

export const DRIVE_MODELS = {
  /** Reference sample A; reports Opal 1.0 and 2.0 (`12` in --scan). The small lab's "Opal 1" drive. */
  'samsung-850-evo-500': samsungSata('Samsung SSD 850 EVO 500GB', 'EMT02B6Q', 'S2RBNX0H', true),
  /** Assumed like the 850 without the Opal 1.0 feature ([#314]). */
  'samsung-860-evo-1t': samsungSata('Samsung SSD 860 EVO 1TB', 'RVT02B6Q', 'S3Z9NB0K', false),
  'crucial-mx200-250': {
    transport: 'ata',
    model: 'Crucial_CT250MX200SSD1',
    firmware: 'MU04',
    serialPattern: '####%%%%%%%%',
    serialJustify: 'left',
    ssc: SSC_OPAL2,
    tper: TPER_SYNC,
    geometry: GEO_4K,
    singleUser: { all: false, any: false, policy: true, lockingObjects: 16 },
    dataStore: { maxTables: 16, maxSizeTables: 94371840, alignment: 1 },
    opal2: { ...OPAL2_SAMSUNG, baseComId: 0x1000, lockingUsers: 16 },
    unknownFeatures: [],
    properties: CRUCIAL_PROPS,
    ...OPAL_LIMITS,
    maxRanges: 15,
    capacityLbas: 488_397_168,
    quirks: { mbrDisableIgnoredAfterPowerCycle: true },
  },
  /** SATA HDD; serial right-justified (assumed, reference §8 #4); properties assumed Samsung-like. */
  'seagate-st500lt025': {
    transport: 'ata',
    model: 'ST500LT025-1DH142',
    firmware: '0001SDM7',
    serialPattern: 'W###????',
    serialJustify: 'right',
    ssc: SSC_OPAL2,
    tper: TPER_SYNC,
    geometry: GEO_4K,
    dataStore: DATASTORE_SAMSUNG,
    opal2: { ...OPAL2_SAMSUNG, baseComId: 0x07fe },
    unknownFeatures: [],
    properties: SAMSUNG_PROPS,
    ...OPAL_LIMITS,
    capacityLbas: 976_773_168,
  },
  'kingston-suv500-120': {
    transport: 'ata',
    model: 'KINGSTON SUV500120G',
    firmware: '003056RI',
    serialPattern: '50026B77%%%%%%%%',
    serialJustify: 'left',
    ssc: SSC_OPAL2,
    tper: TPER_SYNC,
    geometry: GEO_4K,
    dataStore: DATASTORE_SAMSUNG,
    opal2: { ...OPAL2_SAMSUNG, baseComId: 0x1000 },
    unknownFeatures: [],
    properties: SAMSUNG_PROPS,
    ...OPAL_LIMITS,
    capacityLbas: 234_441_648,
  },
  /** Not a SED: `No` in --scan, "Invalid or unsupported disk" for everything else. */
  'wdc-wd10spcx': {
    transport: 'ata',
    model: 'WDC WD10SPCX-24HWST1',
    firmware: '02.01A02',
    serialPattern: 'WD-WXA#A########',
    serialJustify: 'left',
    ssc: SSC_NONE,
    tper: TPER_SYNC,
    geometry: null,
    unknownFeatures: [],
    properties: [],
    ...OPAL_LIMITS,
    capacityLbas: 1_953_525_168,
  },
  /** Reference sample B (no SingleUser descriptor). */
  'samsung-960-evo-1t': samsungNvme('Samsung SSD 960 EVO 1TB', '2B7QCXE7', 'S3X4NB0K'),
  'samsung-970-pro-512': samsungNvme('Samsung SSD 970 PRO 512GB', '1B2QEXP7', 'S463NF0K'),
  /** Reports Block SID (0x0402), which 1.20 counts as unknown ([#364]); firmware string assumed. */
  'samsung-970-evo-plus-1t': samsungNvme('Samsung SSD 970 EVO Plus 1TB', '2B2QEXM7', 'S4EWNX0N', {
    unknownFeatures: [0x0402],
  }),
  /** [#503]: comID 0x2000, SUM 9, DataStore 10/10485760/4096, granularity 1. */
  'kioxia-xg8-1t': samsungNvme('KXG8AZNV1T02 LA KIOXIA', '5108APLA', '', {
    serialPattern: '###FC###????',
    geometry: GEO_512,
    singleUser: { all: false, any: false, policy: true, lockingObjects: 9 },
    dataStore: { maxTables: 10, maxSizeTables: 10485760, alignment: 4096 },
    opal2: { ...OPAL2_SAMSUNG, baseComId: 0x2000 },
  }),
  /** PM1735 ([#397]): SUM 9, granularity 16; no MBR shadowing, so Set on MBRControl fails. */
  'samsung-pm1735-12t': samsungNvme('SAMSUNG MZPLJ12THALA-00007', 'EPK9CB5Q', 'S55LNG0R', {
    serialPattern: 'S55LNG0R######',
    geometry: { align: true, granularity: 16, logicalBlockSize: 512, lowestAlignedLba: 0 },
    singleUser: { all: false, any: false, policy: true, lockingObjects: 9 },
    mbrShadow: false,
    capacityLbas: 25_004_872_368,
  }),
  /** Ruby-only NVMe: "NO ---" on DTA 1.20 ([#459]). */
  'wdc-wus5ea138': {
    transport: 'nvme',
    model: 'WUS5EA138ESP7E4',
    firmware: 'RC610004',
    serialPattern: 'A0######',
    serialJustify: 'left',
    ssc: { ...SSC_NONE, ruby: true },
    tper: TPER_SYNC,
    geometry: GEO_4K,
    unknownFeatures: [0x0304],
    properties: SAMSUNG_PROPS,
    ...OPAL_LIMITS,
    capacityLbas: 7_501_476_528,
  },
  /** SAS Enterprise SSC ([PR #295]); the scan line is the short SAS form. */
  'hgst-husmm814': {
    transport: 'sas',
    model: 'HUSMM814 CLAR400',
    firmware: 'C260',
    vendor: 'HGST',
    serialPattern: '0LX#####',
    serialJustify: 'left',
    ssc: { ...SSC_NONE, enterprise: true },
    tper: TPER_SYNC,
    geometry: null,
    enterprise: { rangeCrossing: false, baseComId: 0x07fe, numComIds: 2 },
    unknownFeatures: [],
    properties: SAMSUNG_PROPS,
    ...OPAL_LIMITS,
    capacityLbas: 781_422_768,
  },
  /** SAS Enterprise HDD ([#460]). */
  'hgst-huh721010': {
    transport: 'sas',
    model: 'HUH721010AL5205',
    firmware: 'NE02',
    vendor: 'HGST',
    serialPattern: '7JX#####',
    serialJustify: 'left',
    ssc: { ...SSC_NONE, enterprise: true },
    tper: TPER_SYNC,
    geometry: null,
    enterprise: { rangeCrossing: false, baseComId: 0x07fe, numComIds: 2 },
    unknownFeatures: [],
    properties: SAMSUNG_PROPS,
    ...OPAL_LIMITS,
    capacityLbas: 19_532_873_728,
  },
} satisfies Record<string, DriveModel>;

export type DriveModelKey = keyof typeof DRIVE_MODELS;

export function driveModel(key: string): DriveModel {
  const m = (DRIVE_MODELS as Record<string, DriveModel>)[key];
  if (!m) throw new Error(`unknown drive model ${key}`);
  return m;
}
