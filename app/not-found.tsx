import Link from "next/link";
import { EmptyState } from "@/components/page-header";

export default function NotFound() {
  return (
    <EmptyState title="Page not found">
      <Link className="underline" href="/">
        Back to Predict
      </Link>
    </EmptyState>
  );
}
