// The PSID as people type it from a drive label, checked the way the console checks it
// (shared PsidRevertSchema): 32 of 0-9 A-Z, with dashes, spaces and lower case tolerated.

/** Letters and digits in a PSID. */
export const PSID_LENGTH = 32;

/** How many of the 32 a typed value holds so far, or -1 when it holds something else. */
export function psidLength(typed: string): number {
  const bare = typed.replace(/[-\s]/g, '').toUpperCase();
  return /^[0-9A-Z]*$/.test(bare) ? bare.length : -1;
}
