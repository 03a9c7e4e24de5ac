import { z } from 'zod';

/** Building blocks shared by the operation schemas. */
export const seconds = z.number().nonnegative().describe('seconds');
export const bytes = z.number().int().nonnegative().describe('bytes');

/** Something that could not be measured in this run, and why (never a 0 standing in for it). */
export const notMeasuredSchema = z.object({
  status: z.literal('not measured'),
  reason: z.string(),
});
export type NotMeasured = z.infer<typeof notMeasuredSchema>;

export const notMeasured = (reason: string): NotMeasured => ({ status: 'not measured', reason });
