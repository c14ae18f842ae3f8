/** The skeleton list pages show while their data loads (their loading.tsx). */
export function PageLoading() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-4">
      <div className="h-7 w-48 rounded bg-muted" />
      <div className="h-4 w-96 max-w-full rounded bg-muted" />
      <div className="h-40 rounded-xl bg-muted" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
