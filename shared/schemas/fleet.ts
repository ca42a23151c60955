import { z } from 'zod';

export const DeviceClassSchema = z.enum(['hsm', 'sed', 'tape-drive', 'tape-library']);
export type DeviceClass = z.infer<typeof DeviceClassSchema>;

export const DriverKindSchema = z.enum(['sim', 'real']);

/** What the Fleet view shows before any device class has its own page. */
export const FleetSummarySchema = z.object({
  scenario: z.string().nullable(),
  classes: z.array(
    z.object({
      deviceClass: DeviceClassSchema,
      driverKind: DriverKindSchema,
      /** False while no driver for the class is installed yet. */
      available: z.boolean(),
      deviceCount: z.number().int().nonnegative(),
    }),
  ),
});
export type FleetSummary = z.infer<typeof FleetSummarySchema>;
