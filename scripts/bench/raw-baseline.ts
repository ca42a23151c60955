import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ensureSoftHsmToken } from '../../hardware-sims/hsm/softhsm.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The baseline every HSM benchmark compares against: a tight pkcs11js generate+wrap loop
 * (hsm-raw-loop.ts) in its own process on the same token and KEK, keys per second.
 */
export function rawBaseline(
  token: Awaited<ReturnType<typeof ensureSoftHsmToken>>,
  kekLabel: string,
  count: number,
  withKcv = false,
): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'hsm-raw-loop.ts')], {
    env: {
      ...process.env,
      SOFTHSM2_CONF: token.confPath,
      BENCH_MODULE: token.modulePath,
      BENCH_TOKEN: token.tokenLabel,
      BENCH_PIN_FILE: token.pinFile,
      BENCH_KEK_LABEL: kekLabel,
      BENCH_COUNT: String(count),
      BENCH_KCV: withKcv ? '1' : '0',
    },
    encoding: 'utf8',
  });
  return (JSON.parse(out.trim().split('\n').at(-1) as string) as { rate: number }).rate;
}
