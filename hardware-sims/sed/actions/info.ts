import { pbkdf2Sync } from 'node:crypto';
import type { OpalAuthority, OpalSp } from '../opal-state.ts';
import type { SedutilOutput } from '../sedutil-log.ts';
import { queryDiscovery, queryProperties } from '../sedutil-format.ts';
import type { ActionProgram } from '../sedutil-session.ts';
import { TCG } from '../tcg-status.ts';
import { DTAERROR } from './ownership.ts';

/** IDENTIFY + Level-0 discovery + Properties: no session, so no credential and no SP_BUSY. */
export const query: ActionProgram = (ctx) => {
  ctx.out.printf(queryDiscovery(ctx.device, ctx.drive, ctx.model));
  ctx.out.printf(queryProperties(ctx.model.properties));
  return 0;
};

/** Enterprise-only actions on an Opal drive: a message and exit 0, having done nothing. */
export const notImplemented =
  (name: string): ActionProgram =>
  (ctx) => {
    ctx.out.info(`${name} is not implemented.  It is not part of the Opal SSC `);
    return 0;
  };

/** RFC 6070 PBKDF2-HMAC-SHA1 vectors (the 16,777,216-iteration one is left out, as sedutil does). */
const VECTORS = [
  ['password', 'salt', 1, 20, '0c60c80f961f0e71f3a9b524af6012062fe037a6'],
  ['password', 'salt', 2, 20, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'],
  ['password', 'salt', 4096, 20, '4b007901b765489abead49d926f721d065a429c1'],
  [
    'passwordPASSWORDpassword',
    'saltSALTsaltSALTsaltSALTsaltSALTsalt',
    4096,
    25,
    '3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038',
  ],
] as const;

/**
 * --validatePBKDF2: the report's layout is reconstructed (the reference does not reproduce it);
 * the exit code is sedutil's: 134 even when every vector passes.
 */
export function validatePbkdf2(out: SedutilOutput): number {
  out.printf('\nPBKDF2 testing using test vectors from RFC6070 \n\n');
  for (const [pw, salt, iterations, length, expected] of VECTORS) {
    const result = pbkdf2Sync(pw, salt, iterations, length, 'sha1').toString('hex');
    out.printf(`Password ${pw} Salt ${salt} Iterations ${iterations} Length ${length}\n`);
    out.printf(`Expected ${expected} \nResult   ${result}\n`);
    out.printf(result === expected ? 'Test passed\n\n' : 'Test FAILED\n\n');
  }
  return DTAERROR.INVALID_COMMAND;
}

const AUTHORITIES: Record<string, OpalAuthority> = {
  '0000000900000001': { kind: 'anybody' },
  '0000000900000006': { kind: 'sid' },
  '000000090001ff01': { kind: 'psid' },
};

function authorityFromUid(uid: string): OpalAuthority | undefined {
  const known = AUTHORITIES[uid.toLowerCase()];
  if (known) return known;
  const m = /^00000009000([13])00([0-9a-f]{2})$/i.exec(uid);
  return m ? { kind: m[1] === '1' ? 'admin' : 'user', n: parseInt(m[2]!, 16) } : undefined;
}

/** OPAL_UID enum index of the SP argument: 2 = Admin SP, 3 = Locking SP. */
const SPS: Record<string, OpalSp> = { '2': 'admin', '3': 'locking' };

/**
 * Developer commands (--objDump, --rawCmd): UIDs checked and the session authenticated as
 * sedutil does; the method itself is answered with an empty result, dumped to stderr. The
 * console never uses these; the simulator does not model their table reads.
 */
export const developerCommand: ActionProgram = (ctx) => {
  const { out, cmd, sessions } = ctx;
  const auth = cmd.args.auth ?? '';
  if (auth.length !== 16) {
    out.error(`Invalid Authority UID ${auth}`);
    return DTAERROR.INVALID_PARAMETER;
  }
  const who = authorityFromUid(auth);
  const sp = SPS[cmd.args.sp ?? ''];
  let rc: number;
  if (sp && who) rc = sessions.start(sp, who, ctx.pins.password);
  else {
    rc = sessions.method(TCG.INVALID_PARAMETER); // no such SP or authority on the drive
    out.error(`Session start failed rc = ${rc}`);
  }
  if (rc) {
    sessions.abandon();
    return rc;
  }
  out.log('E', '0000 f0f0 0000 0000 0000 0000 0000 0000 0000  ................ ');
  return 0;
};
