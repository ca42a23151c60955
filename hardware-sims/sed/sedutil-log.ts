/**
 * sedutil's two output channels (reference §2.1): `LOG(x)` lines and `printf` text.
 * Default mode: INFO lines to stdout without prefix, everything else to stderr without prefix.
 * `-l`: every LOG line to stderr as `- HH:MM:SS.mmm LEVL: msg`. printf text is always stdout.
 */
export type LogLevel = 'E' | 'W' | 'I' | 'D' | 'D1' | 'D2' | 'D3' | 'D4';

const LEVELS: Record<LogLevel, { n: number; tag: string }> = {
  E: { n: 0, tag: 'ERR ' },
  W: { n: 1, tag: 'WARN' },
  I: { n: 2, tag: 'INFO' },
  D: { n: 3, tag: 'DBG ' },
  D1: { n: 4, tag: 'DBG1' },
  D2: { n: 5, tag: 'DBG2' },
  D3: { n: 6, tag: 'DBG3' },
  D4: { n: 7, tag: 'DBG4' },
};

/** CLog::ToString for "Log level set to …". */
export const LEVEL_NAMES = ['ERR', 'WARN', 'INFO', 'DBG', 'DBG1', 'DBG2', 'DBG3', 'DBG4'];

const two = (n: number) => String(n).padStart(2, '0');

export class SedutilOutput {
  stdout = '';
  stderr = '';
  /** 2 = INFO (the default); `-v` raises it. */
  level = 2;
  logStyle = false;

  constructor(private readonly now: () => Date) {}

  log(level: LogLevel, msg: string): void {
    const l = LEVELS[level];
    if (l.n > this.level) return;
    if (this.logStyle) {
      // strftime("%X") in the C locale is HH:MM:SS; sedutil appends the milliseconds.
      const t = this.now();
      const stamp = `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}.${String(t.getMilliseconds()).padStart(3, '0')}`;
      this.stderr += `- ${stamp} ${l.tag}: ${msg}\n`;
    } else if (level === 'I') {
      this.stdout += `${msg}\n`;
    } else {
      this.stderr += `${msg}\n`;
    }
  }

  error(msg: string): void {
    this.log('E', msg);
  }

  info(msg: string): void {
    this.log('I', msg);
  }

  printf(text: string): void {
    this.stdout += text;
  }
}
