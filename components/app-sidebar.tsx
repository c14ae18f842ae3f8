"use client";

import { BarChart3, BookOpen, Database, Dumbbell, GitCompare, Layers, LayoutDashboard, LineChart, PenLine, ShieldCheck, Trophy } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";
import { UserMenu, type MenuUser } from "./auth/user-menu";

export const NAV_ITEMS = [
  { href: "/", label: "Predict", icon: PenLine },
  { href: "/overview", label: "Overview", icon: LayoutDashboard },
  { href: "/models", label: "Models", icon: Layers },
  { href: "/training", label: "Training", icon: Dumbbell },
  { href: "/benchmarks", label: "Benchmarks", icon: BarChart3 },
  { href: "/leaderboard", label: "Leaderboard", icon: Trophy },
  { href: "/datasets", label: "Datasets", icon: Database },
  { href: "/compare", label: "Compare", icon: GitCompare },
  { href: "/monitoring", label: "Monitoring", icon: LineChart },
  { href: "/admin", label: "Admin", icon: ShieldCheck },
] as const;

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

/** Vertical sidebar on wide screens, a scrollable bar of links on phones. */
export function AppSidebar({ user }: { user: MenuUser | null }) {
  const pathname = usePathname();
  return (
    <aside className="border-b bg-sidebar md:sticky md:top-0 md:h-screen md:w-56 md:shrink-0 md:border-r md:border-b-0">
      <div className="flex items-center gap-2 px-4 py-3 md:py-5">
        <span aria-hidden className="grid size-8 place-items-center rounded-md bg-primary text-lg text-primary-foreground">
          か
        </span>
        <span className="font-semibold tracking-tight">Kana Lab</span>
      </div>
      <nav aria-label="Main" className="flex gap-1 overflow-x-auto px-2 pb-2 md:flex-col md:overflow-visible">
        {NAV_ITEMS.map(({ href, label, icon: Icon }) => (
          <Link
            key={href}
            href={href}
            aria-current={isActive(pathname, href) ? "page" : undefined}
            className={cn(
              "flex shrink-0 items-center gap-2 rounded-md px-3 py-2 text-sm text-muted-foreground transition-colors hover:bg-accent hover:text-accent-foreground",
              isActive(pathname, href) && "bg-accent font-medium text-accent-foreground",
            )}
          >
            <Icon className="size-4" aria-hidden />
            {label}
          </Link>
        ))}
        <Link
          href="/docs"
          aria-current={isActive(pathname, "/docs") ? "page" : undefined}
          className={cn(
            "flex shrink-0 items-center gap-2 rounded-md px-3 py-2 text-sm text-muted-foreground transition-colors hover:bg-accent md:mt-4 md:border-t md:pt-4",
            isActive(pathname, "/docs") && "font-medium text-accent-foreground",
          )}
        >
          <BookOpen className="size-4" aria-hidden />
          API
        </Link>
        <div className="md:mt-auto md:border-t md:pt-2">
          <UserMenu user={user} />
        </div>
      </nav>
    </aside>
  );
}
