"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const TABS = [
  { href: "/admin", label: "Status" },
  { href: "/admin/logs", label: "Logs" },
  { href: "/admin/upload", label: "Upload model" },
  { href: "/admin/imports", label: "Import data" },
  { href: "/admin/review", label: "Review feedback" },
  { href: "/admin/data", label: "Database" },
  { href: "/admin/audit", label: "Audit log" },
] as const;

export function AdminTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="mb-6 flex gap-1 overflow-x-auto border-b">
      {TABS.map(({ href, label }) => {
        const active = href === "/admin" ? pathname === href : pathname.startsWith(href);
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "-mb-px shrink-0 border-b-2 border-transparent px-3 py-2 text-sm text-muted-foreground hover:text-foreground",
              active && "border-primary font-medium text-foreground",
            )}
          >
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
