"use client";

import { Loader2 } from "lucide-react";
import { useState } from "react";
import { FormMessage, useJsonSubmit } from "@/components/forms/json-submit";
import { Button } from "@/components/ui/button";
import type { TagQuery } from "@/lib/data";
import { KMNIST_CLASSES } from "@/lib/kmnist";

/** A tag as the editor edits it (absent for a new one). */
export interface EditableTag {
  name: string;
  description: string;
  query: TagQuery;
  followedByAll: boolean;
  archived: boolean;
}

const field = "h-9 min-w-0 max-w-full rounded-md border bg-background px-2";

/**
 * Create or edit a dataset tag: a saved query over sources, split, classes and a time window.
 * Saving through POST /api/datasets/tags (or PATCH /api/datasets/tags/{name}) makes its next
 * resolution a new version; archiving stops new versions and benchmarks.
 */
export function TagEditor({ sources, tag }: { sources: string[]; tag?: EditableTag }) {
  const [name, setName] = useState(tag?.name ?? "");
  const [description, setDescription] = useState(tag?.description ?? "");
  const [chosenSources, setChosenSources] = useState<string[]>(tag?.query.sources ?? []);
  const [split, setSplit] = useState<string>(tag?.query.split ?? "");
  const [classes, setClasses] = useState<number[]>(tag?.query.classes ?? []);
  const [from, setFrom] = useState(tag?.query.from?.slice(0, 10) ?? "");
  const [to, setTo] = useState(tag?.query.to?.slice(0, 10) ?? "");
  const [followedByAll, setFollowedByAll] = useState(tag?.followedByAll ?? false);
  const { saving, message, submit } = useJsonSubmit();

  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  async function send(body: Record<string, unknown>, what: string) {
    const url = tag ? `/api/datasets/tags/${encodeURIComponent(tag.name)}` : "/api/datasets/tags";
    if ((await submit(url, tag ? "PATCH" : "POST", body, what)) && !tag) {
      setName("");
      setDescription("");
    }
  }

  function save(event: React.FormEvent) {
    event.preventDefault();
    const query: TagQuery = {
      sources: chosenSources,
      ...(split ? { split: split as "train" | "holdout" } : {}),
      ...(classes.length ? { classes: [...classes].sort((a, b) => a - b) } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    void send(
      tag ? { description, query, followedByAll } : { name, description, query, followedByAll },
      tag ? "Saved: the next resolution makes a new version." : `Created ${name}.`,
    );
  }

  return (
    <form
      onSubmit={save}
      className="space-y-3 text-sm"
      aria-label={tag ? `Edit ${tag.name}` : "New dataset tag"}
      data-testid={tag ? "tag-edit-form" : "tag-create-form"}
    >
      {!tag && (
        <label className="flex flex-col gap-1">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="hard-classes" className={field} data-testid="tag-name" />
        </label>
      )}
      <label className="flex flex-col gap-1">
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} className={field} data-testid="tag-description" />
      </label>
      <fieldset className="space-y-1">
        <legend className="mb-1">Sources</legend>
        <div className="flex flex-wrap gap-3">
          {sources.map((s) => (
            <label key={s} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={chosenSources.includes(s)}
                onChange={() => setChosenSources(toggle(chosenSources, s))}
                data-testid={`tag-source-${s}`}
              />
              {s}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="flex items-center gap-2">
        Split
        <select value={split} onChange={(e) => setSplit(e.target.value)} className={field} data-testid="tag-split">
          <option value="">all records</option>
          <option value="train">train</option>
          <option value="holdout">holdout</option>
        </select>
      </label>
      <fieldset>
        <legend className="mb-1">Classes (none ticked: all ten)</legend>
        <div className="grid grid-cols-5 gap-1 sm:grid-cols-10">
          {KMNIST_CLASSES.map(({ label, char }) => (
            <label key={label} className="flex items-center gap-1 rounded-md bg-muted px-1 py-1">
              <input type="checkbox" checked={classes.includes(label)} onChange={() => setClasses(toggle(classes, label))} data-testid={`tag-class-${label}`} />
              <span lang="ja">{char}</span>
              <span className="text-xs text-muted-foreground">{label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap gap-3">
        <label className="flex items-center gap-2">
          Added from
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} className={field} />
        </label>
        <label className="flex items-center gap-2">
          to
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} className={field} />
        </label>
      </div>
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={followedByAll} onChange={(e) => setFollowedByAll(e.target.checked)} />
        Benchmark every model on it
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={saving} data-testid="tag-save">
          {saving && <Loader2 className="animate-spin" aria-hidden />} {tag ? "Save" : "Create tag"}
        </Button>
        {tag && (
          <Button
            type="button"
            variant="outline"
            disabled={saving}
            onClick={() => void send({ archived: !tag.archived }, tag.archived ? "Restored." : "Archived: no new versions or benchmarks.")}
            data-testid="tag-archive"
          >
            {tag.archived ? "Restore" : "Archive"}
          </Button>
        )}
        <FormMessage message={message} />
      </div>
    </form>
  );
}
