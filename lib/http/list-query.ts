import { z } from "zod";

/**
 * Building blocks of list endpoints' and pages' query strings: paging, sort order and
 * search text, validated the same way everywhere.
 */
export const paging = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
  order: z.enum(["asc", "desc"]).default("desc"),
};

export const searchText = z
  .string()
  .trim()
  .min(1)
  .max(100)
  // PostgreSQL text cannot hold NUL.
  .refine((v) => !v.includes("\u0000"), "must not contain NUL characters")
  .optional();

/** A row id as PostgreSQL's integer holds it. */
export const rowId = z.coerce.number().int().positive().max(2_147_483_647).optional();

/** An ILIKE pattern that matches `text` anywhere, its own % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function pageOf<T>(rows: T[], total: number, query: { page: number; pageSize: number }) {
  return { rows, total, page: query.page, pageSize: query.pageSize, pages: Math.max(1, Math.ceil(total / query.pageSize)) };
}
