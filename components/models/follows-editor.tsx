"use client";

import { Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * The tags a model version is benchmarked on besides its primary one. Saving
 * (PUT /api/models/versions/{id}/follows) queues the benchmarks it is missing.
 */
export function FollowsEditor({ versionId, primary, following, tags }: { versionId: number; primary: string; following: string[]; tags: string[] }) {
  const router = useRouter();
  const [chosen, setChosen] = useState(following);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    setSaving(true);
    setMessage(null);
    try {
      const response = await fetch(`/api/models/versions/${versionId}/follows`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tags: chosen }),
      });
      const answer = await response.json().catch(() => null);
      setMessage(
        response.ok
          ? { ok: true, text: "Saved; missing benchmarks are queued." }
          : { ok: false, text: answer?.error?.message ?? `The server answered ${response.status}` },
      );
      if (response.ok) router.refresh();
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={save} className="space-y-2 text-sm" aria-label="Tags this model follows" data-testid="follows-form">
      <p className="text-muted-foreground">
        Primary tag <strong>{primary}</strong> (its headline figures). Also benchmarked on:
      </p>
      <div className="flex flex-wrap gap-3">
        {tags
          .filter((t) => t !== primary)
          .map((t) => (
            <label key={t} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={chosen.includes(t)}
                onChange={() => setChosen(chosen.includes(t) ? chosen.filter((c) => c !== t) : [...chosen, t])}
                data-testid={`follow-${t}`}
              />
              {t}
            </label>
          ))}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" size="sm" disabled={saving} data-testid="follows-save">
          {saving && <Loader2 className="animate-spin" aria-hidden />} Save what it follows
        </Button>
        {message && (
          <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-muted-foreground" : "text-red-700"}>
            {message.text}
          </p>
        )}
      </div>
    </form>
  );
}
