import { createHash } from 'node:crypto';

/** The identities an approval is bound to, as one digest: any change of device or method breaks it. */
export function bindingOf(method: string, range: number | null, identities: string[]): string {
  return createHash('sha256')
    .update(JSON.stringify({ method, range, identities: [...identities].sort() }))
    .digest('hex');
}
