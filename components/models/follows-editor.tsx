"use client";

import { Loader2 } from "lucide-react";
import { useState } from "react";
import { FormMessage, useJsonSubmit } from "@/components/forms/json-submit";
import { Button } from "@/components/ui/button";

/**
 * The tags a model version is benchmarked on besides its primary one. Saving
 * (PUT /api/models/versions/{id}/follows) queues the benchmarks it is missing.
 */
export function FollowsEditor({ versionId, primary, following, tags }: { versionId: number; primary: string; following: string[]; tags: string[] }) {
  const [chosen, setChosen] = useState(following);
  const [primaryTag, setPrimaryTag] = useState(primary);
  const { saving, message, submit } = useJsonSubmit();

  function save(event: React.FormEvent) {
    event.preventDefault();
    const tags = chosen.filter((t) => t !== primaryTag);
    void submit(`/api/models/versions/${versionId}/follows`, "PUT", { primary: primaryTag, tags }, "Saved; missing benchmarks are queued.");
  }

  return (
    <form onSubmit={save} className="space-y-2 text-sm" aria-label="Tags this model follows" data-testid="follows-form">
      <label className="flex flex-wrap items-center gap-2">
        Primary tag (its headline figures)
        <select
          value={primaryTag}
          onChange={(e) => setPrimaryTag(e.target.value)}
          className="h-9 max-w-[16rem] min-w-0 rounded-md border bg-background px-2"
          data-testid="follow-primary"
        >
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <p className="text-muted-foreground">Also benchmarked on:</p>
      <div className="flex flex-wrap gap-3">
        {tags
          .filter((t) => t !== primaryTag)
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
        <FormMessage message={message} />
      </div>
    </form>
  );
}
