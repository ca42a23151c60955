/**
 * The baseline of `npm run bench -- hsm`: the tightest synchronous pkcs11js loop of
 * "generate an AES-256 session key, wrap it under the token KEK (RFC 3394), destroy it",
 * in its own process (one C_Initialize per process). Prints {"rate": keys per second}.
 * Input from the environment: SOFTHSM2_CONF, BENCH_MODULE, BENCH_TOKEN, BENCH_PIN_FILE,
 * BENCH_KEK_LABEL, BENCH_COUNT, and BENCH_KCV=1 to also compute the key check value (AES-ECB of a
 * zero block inside the HSM), the same work per key as Lockwarden's driver does.
 */
import { readFileSync } from 'node:fs';
import pkcs11js from 'pkcs11js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const p = new pkcs11js.PKCS11();
p.load(env('BENCH_MODULE'));
p.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
try {
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === env('BENCH_TOKEN'));
  if (!slot) throw new Error('token not found');
  const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  p.C_Login(session, pkcs11js.CKU_USER, readFileSync(env('BENCH_PIN_FILE'), 'utf8').trim());
  p.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: env('BENCH_KEK_LABEL') },
  ]);
  const [kek] = p.C_FindObjects(session, 1);
  p.C_FindObjectsFinal(session);
  if (!kek) throw new Error('KEK not found');
  const template = [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: true },
    { type: pkcs11js.CKA_ENCRYPT, value: true },
    { type: pkcs11js.CKA_DECRYPT, value: true },
  ];
  const count = Number(env('BENCH_COUNT'));
  const out = Buffer.alloc(64);
  const withKcv = process.env.BENCH_KCV === '1';
  const zero = Buffer.alloc(16);
  const kcvOut = Buffer.alloc(16);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const key = p.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, template);
    if (withKcv) {
      p.C_EncryptInit(session, { mechanism: pkcs11js.CKM_AES_ECB }, key);
      p.C_Encrypt(session, zero, kcvOut);
    }
    p.C_WrapKey(session, { mechanism: pkcs11js.CKM_AES_KEY_WRAP }, kek, key, out);
    p.C_DestroyObject(session, key);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  p.C_Logout(session);
  p.C_CloseSession(session);
  process.stdout.write(`${JSON.stringify({ rate: count / seconds })}\n`);
} finally {
  p.C_Finalize();
}
