import { AdminTabs } from "@/components/admin/admin-tabs";

/** Every page under /admin is admin-only: proxy.ts enforces lib/auth/access.ts before these render. */
export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <AdminTabs />
      {children}
    </>
  );
}
