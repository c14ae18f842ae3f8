import type { Metadata } from "next";
import { NotYetAvailable } from "@/components/not-yet-available";

export const metadata: Metadata = { title: "Admin" };

export default function AdminPage() {
  return (
    <NotYetAvailable
      title="Admin"
      description="Operations for administrators, behind LDAP sign-in."
      planned={["Logs and component status", "Manual model upload", "Database management with an audit log"]}
    />
  );
}
