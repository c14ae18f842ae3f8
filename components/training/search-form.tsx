"use client";

import { Loader2, Search } from "lucide-react";
import { useState } from "react";
import { FormMessage, useJsonSubmit } from "@/components/forms/json-submit";
import { Button } from "@/components/ui/button";

/** Starts a hyperparameter search of one family (admins): a pipeline run whose candidate is the search's best trial. */
export function SearchForm() {
  const { saving, message, submit } = useJsonSubmit();
  const [algorithm, setAlgorithm] = useState("cnn");
  const [budgetMinutes, setBudgetMinutes] = useState("30");
  return (
    <form
      className="flex flex-wrap items-end gap-3 text-sm"
      aria-label="Start a hyperparameter search"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(
          "/api/training",
          "POST",
          { search: { algorithm, budgetMinutes: Number(budgetMinutes) } },
          "Search queued: it appears below when its pipeline run starts, with live progress on its page.",
        );
      }}
    >
      <label className="flex flex-col gap-1">
        <span className="text-muted-foreground">Family</span>
        <select name="algorithm" value={algorithm} onChange={(e) => setAlgorithm(e.target.value)} className="h-9 rounded-md border bg-background px-2">
          <option value="cnn">CNN</option>
          <option value="logreg">logistic regression</option>
          <option value="tree">decision tree</option>
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="text-muted-foreground">Budget (minutes)</span>
        <input
          name="budgetMinutes"
          type="number"
          min={1}
          max={1440}
          step={1}
          required
          value={budgetMinutes}
          onChange={(e) => setBudgetMinutes(e.target.value)}
          className="h-9 w-28 rounded-md border bg-background px-3"
        />
      </label>
      <Button type="submit" disabled={saving} data-testid="start-search">
        {saving ? <Loader2 className="animate-spin" aria-hidden /> : <Search aria-hidden />} Start search
      </Button>
      <FormMessage message={message} />
    </form>
  );
}
