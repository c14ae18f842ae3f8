import { EmptyState, PageHeader } from "@/components/page-header";

/** For sections whose back end is not built yet: says so plainly instead of showing fake data. */
export function NotYetAvailable({ title, description, planned }: { title: string; description: string; planned: string[] }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <EmptyState title="Not available in this build yet">
        <p>This section will show:</p>
        <ul className="mt-2 list-inside list-disc text-left">
          {planned.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </EmptyState>
    </>
  );
}
