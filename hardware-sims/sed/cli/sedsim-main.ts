import { driveModel } from '../data/drive-models.ts';
import { FileFleetStore } from '../file-fleet-store.ts';
import { fleetHosts } from '../fleet-store.ts';
import { lockingFeature } from '../opal-state.ts';
import { buildScenario } from '../scenarios.ts';
import { getDrive, hostOf, powerCycleDrives, setFault, swapDevices } from '../sim-control.ts';
import type { SedFault, SimDrive } from '../sim-types.ts';
import { parseTcgStatus, TCG } from '../tcg-status.ts';
import { simEnvironment } from './sim-env.ts';

const HELP = `sedsim: control the simulated SED fleet (state: $LOCKWARDEN_SED_SIM_STATE)

usage: sedsim [--host HOST] COMMAND

  list                          drives of the host (--all-hosts: every host)
  hosts                         the fleet's hosts
  show DEVICE                   one drive's full record (JSON; includes MSID and PSID)
  power-cycle DEVICE|--all|--fleet
                                power loss and back: locks LockOnReset ranges, clears MBRDone,
                                sessions, try counters and Block SID
  fault DEVICE status NAME|CODE [COUNT]   next COUNT session starts answer that TCG status
  fault DEVICE sp-busy [COUNT]            same with SP_BUSY
  fault DEVICE latency MS                 every command holds its session MS longer (0: off)
  fault DEVICE vanish                     the drive disappears
  fault DEVICE clear                      remove the drive's faults (a vanished drive returns)
  swap DEVICE DEVICE            exchange two drives' slots (device paths)
  reset [SCENARIO]              rebuild the fleet (default: $LOCKWARDEN_SED_SIM_SCENARIO)
`;

class UsageError extends Error {}

const count = (text: string | undefined) => {
  const n = text === undefined ? 1 : Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`bad count ${text}`);
  return n;
};

function parseFault(kind: string | undefined, rest: string[]): SedFault | 'clear' {
  switch (kind) {
    case 'status': {
      const status = parseTcgStatus(rest[0] ?? '');
      if (status === undefined) throw new UsageError(`unknown TCG status ${rest[0]}`);
      return { kind: 'status', status, remaining: count(rest[1]) };
    }
    case 'sp-busy':
      return { kind: 'status', status: TCG.SP_BUSY, remaining: count(rest[0]) };
    case 'latency': {
      const ms = Number(rest[0]);
      if (!Number.isInteger(ms) || ms < 0) throw new UsageError(`bad latency ${rest[0]}`);
      return { kind: 'latency', ms };
    }
    case 'vanish':
      return { kind: 'vanish' };
    case 'clear':
      return 'clear';
    default:
      throw new UsageError(`unknown fault ${kind}`);
  }
}

function row(d: SimDrive): string {
  const m = driveModel(d.model);
  const l = lockingFeature(d, m);
  const ssc = m.ssc.opal2 ? 'opal2' : m.ssc.opal1 ? 'opal1' : m.ssc.enterprise ? 'enterprise' : 'none';
  const faults = d.faults.map((f) => f.kind).join(',') || '-';
  return [
    d.host.padEnd(10),
    d.device.padEnd(12),
    d.identity.model.trim().slice(0, 28).padEnd(29),
    d.identity.serial.trim().padEnd(21),
    ssc.padEnd(11),
    (l.lockingEnabled ? 'active' : 'inactive').padEnd(9),
    (l.locked ? 'locked' : '-').padEnd(7),
    (l.mbrEnabled ? `mbr${l.mbrDone ? '+done' : ''}` : '-').padEnd(9),
    d.present ? faults : 'VANISHED',
  ].join(' ');
}

async function command(store: FileFleetStore, host: string | undefined, args: string[]): Promise<string> {
  const [cmd, a, b, ...rest] = args;
  switch (cmd) {
    case 'list': {
      const state = await store.read();
      const h = a === '--all-hosts' ? undefined : hostOf(state, host);
      return state.drives
        .filter((d) => h === undefined || d.host === h)
        .map(row)
        .join('\n');
    }
    case 'hosts':
      return fleetHosts(await store.read()).join('\n');
    case 'show':
      if (!a) throw new UsageError('show needs a DEVICE');
      return JSON.stringify(await getDrive(store, host, a), null, 2);
    case 'power-cycle': {
      if (!a) throw new UsageError('power-cycle needs DEVICE, --all or --fleet');
      const n = await powerCycleDrives(store, host, a === '--all' ? 'all' : a === '--fleet' ? 'fleet' : a);
      return `power-cycled ${n} drive${n === 1 ? '' : 's'}`;
    }
    case 'fault':
      if (!a) throw new UsageError('fault needs a DEVICE and a KIND');
      await setFault(store, host, a, parseFault(b, rest));
      return '';
    case 'swap':
      if (!a || !b) throw new UsageError('swap needs two DEVICEs');
      await swapDevices(store, host, a, b);
      return '';
    case 'reset':
      await store.replace(buildScenario(a ?? simEnvironment().scenario));
      return '';
    case 'help':
    case undefined:
      return HELP;
    default:
      throw new UsageError(`unknown command ${cmd}`);
  }
}

/** `sedsim`: exit 0 done, 1 failed (no such drive, …), 2 usage. */
export async function main(argv: string[]): Promise<number> {
  const env = simEnvironment();
  const args = [...argv];
  let host = env.host;
  if (args[0] === '--host') {
    host = args[1];
    args.splice(0, 2);
  }
  try {
    const text = await command(new FileFleetStore(env.statePath, env.scenario), host, args);
    if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`sedsim: ${message}\n`);
    if (err instanceof UsageError) process.stderr.write(HELP);
    return err instanceof UsageError ? 2 : 1;
  }
}
