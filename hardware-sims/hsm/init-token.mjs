// Initialises a free SoftHSM2 slot as a token, in a process of its own (one C_Initialize per
// process, and the PINs stay out of every argv: they are read from their 0600 files).
// Usage: SOFTHSM2_CONF=… node init-token.mjs <modulePath> <tokenLabel> <soPinFile> <pinFile>
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [modulePath, tokenLabel, soPinFile, pinFile] = process.argv.slice(2);
if (!modulePath || !tokenLabel || !soPinFile || !pinFile) {
  console.error('usage: init-token.mjs <modulePath> <tokenLabel> <soPinFile> <pinFile>');
  process.exit(2);
}
const pkcs11js = createRequire(import.meta.url)('pkcs11js');
const CKF_OS_LOCKING_OK = 2;
const CKF_TOKEN_INITIALIZED = 0x400;
const CKU_SO = 0;

const p = new pkcs11js.PKCS11();
p.load(modulePath);
p.C_Initialize({ flags: CKF_OS_LOCKING_OK });
try {
  const slot = p.C_GetSlotList(false).find((s) => !(p.C_GetTokenInfo(s).flags & CKF_TOKEN_INITIALIZED));
  if (!slot) throw new Error('SoftHSM offers no free slot');
  const soPin = readFileSync(soPinFile, 'utf8');
  const pin = readFileSync(pinFile, 'utf8');
  // PKCS#11 labels are exactly 32 blank-padded bytes; pkcs11js passes the string as is and
  // SoftHSM reads 32 bytes, so an unpadded label picks up whatever follows it in memory.
  p.C_InitToken(slot, soPin, tokenLabel.padEnd(32, ' '));
  const session = p.C_OpenSession(slot, 0x2 | 0x4);
  p.C_Login(session, CKU_SO, soPin);
  p.C_InitPIN(session, pin);
  p.C_Logout(session);
  p.C_CloseSession(session);
} catch (err) {
  console.error(`init-token: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  p.C_Finalize();
}
