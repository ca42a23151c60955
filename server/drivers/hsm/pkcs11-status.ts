import type { HsmMechanismName, HsmStatus } from './hsm-driver.ts';
import { CKM, CKS, CK_UNAVAILABLE_INFORMATION } from './pkcs11-constants.ts';
import type { OpContext } from './pkcs11-op-context.ts';

/** C_GetInfo, C_GetTokenInfo, C_GetSessionInfo and C_GetMechanismList, for getStatus(). */

const MECHANISMS: Record<HsmMechanismName, number> = {
  AES_KEY_GEN: CKM.AES_KEY_GEN,
  AES_KEY_WRAP: CKM.AES_KEY_WRAP,
  AES_KEY_WRAP_PAD: CKM.AES_KEY_WRAP_PAD,
  AES_ECB: CKM.AES_ECB,
  SHA256_HMAC: CKM.SHA256_HMAC,
  ECDSA: CKM.ECDSA,
  EC_KEY_PAIR_GEN: CKM.EC_KEY_PAIR_GEN,
  GENERIC_SECRET_KEY_GEN: CKM.GENERIC_SECRET_KEY_GEN,
};

const text = (s: string) => s.replace(/[ \0]+$/, '');
const version = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;

/** pkcs11js hands CK_ULONG sizes over as BigInt although its typings say number. */
function size(v: unknown): number | null {
  const n = typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : null;
  if (n === null || n === CK_UNAVAILABLE_INFORMATION || n > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(n);
}

export function status(ctx: OpContext) {
  return ctx.run((): Omit<HsmStatus, 'latencyMs'> => {
    const { conn } = ctx;
    const { p, slot, session } = conn;
    const info = p.C_GetInfo();
    const token = p.C_GetTokenInfo(slot);
    const { state } = p.C_GetSessionInfo(session);
    const available = new Set(p.C_GetMechanismList(slot));
    const mechanisms = Object.fromEntries(
      Object.entries(MECHANISMS).map(([name, id]) => [name, available.has(id)]),
    ) as Record<HsmMechanismName, boolean>;
    return {
      module: {
        description: text(info.libraryDescription),
        manufacturer: text(info.manufacturerID),
        libraryVersion: version(info.libraryVersion),
        cryptokiVersion: version(info.cryptokiVersion),
      },
      token: {
        label: text(token.label),
        serialNumber: text(token.serialNumber),
        model: text(token.model),
        manufacturer: text(token.manufacturerID),
        hardwareVersion: version(token.hardwareVersion),
        firmwareVersion: version(token.firmwareVersion),
      },
      isLoggedIn: state === CKS.RW_USER_FUNCTIONS || state === CKS.RO_USER_FUNCTIONS,
      memory: {
        publicFree: size(token.freePublicMemory),
        publicTotal: size(token.totalPublicMemory),
        privateFree: size(token.freePrivateMemory),
        privateTotal: size(token.totalPrivateMemory),
      },
      mechanisms,
      counters: { ...conn.counters },
    };
  });
}

export function ping(ctx: OpContext) {
  return ctx.run(() => {
    ctx.conn.p.C_GetSessionInfo(ctx.conn.session);
    return null;
  });
}
