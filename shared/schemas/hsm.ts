import { z } from 'zod';

/** The HSM shown as a device: identity, login, memory, mechanisms, latency. */
export const HsmStatusSchema = z.object({
  reachable: z.boolean(),
  kind: z.enum(['softhsm', 'pkcs11']),
  error: z.string().nullable(),
  module: z
    .object({
      description: z.string(),
      manufacturer: z.string(),
      libraryVersion: z.string(),
      cryptokiVersion: z.string(),
    })
    .nullable(),
  token: z
    .object({
      label: z.string(),
      serialNumber: z.string(),
      model: z.string(),
      manufacturer: z.string(),
      hardwareVersion: z.string(),
      firmwareVersion: z.string(),
    })
    .nullable(),
  isLoggedIn: z.boolean(),
  memory: z
    .object({
      publicFree: z.number().nullable(),
      publicTotal: z.number().nullable(),
      privateFree: z.number().nullable(),
      privateTotal: z.number().nullable(),
    })
    .nullable(),
  mechanisms: z.record(z.string(), z.boolean()),
  latencyMs: z.number().nullable(),
  checkedAt: z.string(),
});
export type HsmStatusDto = z.infer<typeof HsmStatusSchema>;
