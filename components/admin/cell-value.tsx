import { formatDateTime } from "@/lib/format";

/** A database value as text for the admin tables: dates readable, JSON compact and cut short. */
export function cellText(value: unknown, max = 80): string {
  if (value === null || value === undefined) return "—";
  if (value instanceof Date) return formatDateTime(value);
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
