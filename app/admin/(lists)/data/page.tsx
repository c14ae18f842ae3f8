import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ADMIN_TABLES, countRows, type AdminTableName } from "@/lib/admin";
import { getDb } from "@/lib/db";
import { formatCount } from "@/lib/format";

export const metadata: Metadata = { title: "Database" };
export const dynamic = "force-dynamic";

export default async function DatabasePage() {
  const counts = await countRows(await getDb());
  return (
    <>
      <PageHeader
        title="Database"
        description="Browse and change the tables the admin area allows. Every edit and delete is recorded in the audit log with your name and the values before and after."
      />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {(Object.keys(ADMIN_TABLES) as AdminTableName[]).map((name) => (
          <Card key={name}>
            <CardHeader>
              <CardTitle>
                <Link href={`/admin/data/${name}`} className="underline-offset-4 hover:underline">
                  {ADMIN_TABLES[name].label}
                </Link>
              </CardTitle>
              <CardDescription>
                <span className="font-mono">{name}</span> · {formatCount(counts[name])} row{counts[name] === 1 ? "" : "s"} ·{" "}
                {ADMIN_TABLES[name].fields.length ? `editable: ${ADMIN_TABLES[name].fields.map((f) => f.key).join(", ")}` : "read-only (delete allowed)"}
              </CardDescription>
            </CardHeader>
          </Card>
        ))}
      </div>
    </>
  );
}
