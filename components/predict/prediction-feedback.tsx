"use client";

import { Check, X } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { KMNIST_CLASSES } from "@/lib/kmnist";

type State =
  | { status: "asking" }
  | { status: "choosing" }
  | { status: "sending" }
  | { status: "thanks"; char: string | null; kind: string; review: string }
  | { status: "error"; message: string };

/**
 * "Is this right?": confirming or correcting a prediction sends feedback, which (once
 * reviewed) becomes a labelled example that every model is benchmarked on.
 */
export function PredictionFeedback({ predictionId, predicted }: { predictionId: string; predicted: number }) {
  const [state, setState] = useState<State>({ status: "asking" });

  async function send(body: { correct: true } | { label: number } | { noneOfThese: true }) {
    setState({ status: "sending" });
    try {
      const response = await fetch("/api/feedback", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ predictionId, ...body }),
      });
      const json = await response.json();
      if (!response.ok) setState({ status: "error", message: json?.error?.message ?? `The server answered ${response.status}` });
      else
        setState({
          status: "thanks",
          char: json.label === null ? null : KMNIST_CLASSES[json.label as number].char,
          kind: json.kind as string,
          review: json.review as string,
        });
    } catch {
      setState({ status: "error", message: "Could not reach the server." });
    }
  }

  if (state.status === "thanks") {
    return (
      <p role="status" className="text-sm text-muted-foreground" data-testid="feedback-thanks">
        {state.char === null ? (
          <>Thank you: recorded as none of the ten characters (kept as a negative example, not as a label).</>
        ) : (
          <>
            Thank you: recorded as <span className="text-base text-foreground">{state.char}</span> ({state.kind}).
            {state.review === "pending" ? " Once reviewed, it becomes an example the models learn from and are measured on." : ""}
          </>
        )}
      </p>
    );
  }
  return (
    <div className="space-y-2 text-sm" data-testid="prediction-feedback">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-muted-foreground">Is this right?</span>
        <Button size="sm" variant="outline" disabled={state.status === "sending"} onClick={() => void send({ correct: true })}>
          <Check aria-hidden /> Yes
        </Button>
        <Button size="sm" variant="outline" disabled={state.status === "sending"} onClick={() => setState({ status: "choosing" })}>
          <X aria-hidden /> No, it is…
        </Button>
      </div>
      {state.status === "choosing" && (
        <div className="flex flex-wrap gap-1" role="group" aria-label="The right character">
          {KMNIST_CLASSES.filter((c) => c.label !== predicted).map((c) => (
            <Button
              key={c.label}
              size="sm"
              variant="secondary"
              className="text-lg"
              aria-label={`It is ${c.char}`}
              onClick={() => void send({ label: c.label })}
            >
              {c.char}
            </Button>
          ))}
          <Button size="sm" variant="secondary" onClick={() => void send({ noneOfThese: true })}>
            None of these
          </Button>
        </div>
      )}
      {state.status === "error" && (
        <p role="alert" className="text-destructive">
          {state.message}
        </p>
      )}
    </div>
  );
}
