import { z } from 'zod';
import { idSchema } from './common.ts';

/**
 * 认领 claim: records that arrived without a grid worker's hand (imported at community level, or
 * pushed from another source) wait in their community's 待认领 list until a grid worker claims one
 * into a grid, building or unit of their own; provenance then reads 'claimed', with who and when.
 */
export const CLAIM_KINDS = ['person', 'organisation'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export const claimListQuerySchema = z
  .object({
    kind: z.enum(CLAIM_KINDS).default('person'),
    communityId: idSchema.optional(),
    /** Name, pinyin or initials prefix of a person; part of an organisation's name, or its credit code. */
    q: z.string().trim().min(1).max(40).optional(),
    after: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ClaimListQuery = z.infer<typeof claimListQuerySchema>;

export const claimItemSchema = z.object({
  id: z.number().int(),
  kind: z.enum(CLAIM_KINDS),
  name: z.string(),
  /** A person's masked ID number, an organisation's credit code. */
  number: z.string().nullable(),
  address: z.string().nullable(),
  sex: z.enum(['male', 'female']).nullable(),
  birthDate: z.string().nullable(),
  /** Population type of a person, kind of an organisation. */
  category: z.string(),
  householdNo: z.string().nullable(),
  community: z.object({ id: z.number().int(), name: z.string() }),
  arrivedAt: z.string(),
});
export type ClaimItem = z.infer<typeof claimItemSchema>;

export const claimPageSchema = z
  .object({
    communities: z.array(z.object({ id: z.number().int(), name: z.string(), persons: z.number().int(), organisations: z.number().int() })),
    items: z.array(claimItemSchema),
    next: z.number().int().nullable(),
  })
  .meta({ id: 'ClaimPage' });
export type ClaimPage = z.infer<typeof claimPageSchema>;

export const claimInputSchema = z
  .object({
    /** The grid, building or unit of the caller's own where the person lives or the organisation sits. */
    areaId: idSchema,
  })
  .strict();
export type ClaimInput = z.infer<typeof claimInputSchema>;
