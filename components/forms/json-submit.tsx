"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

export type FormOutcome = { ok: boolean; text: string } | null;

/**
 * Sending a small form as JSON to one of our API routes: `saving` while it runs, the API's
 * own error message (`{error: {message}}`) when it refuses, and a refresh of the server
 * components on success so the page shows the change.
 */
export function useJsonSubmit() {
  const router = useRouter();
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<FormOutcome>(null);

  async function submit(url: string, method: "POST" | "PUT" | "PATCH", body: unknown, success: string): Promise<boolean> {
    setSaving(true);
    setMessage(null);
    try {
      const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const answer = await response.json().catch(() => null);
      if (!response.ok) {
        setMessage({ ok: false, text: answer?.error?.message ?? `The server answered ${response.status}` });
        return false;
      }
      setMessage({ ok: true, text: success });
      router.refresh();
      return true;
    } catch (error) {
      setMessage({ ok: false, text: `Could not reach the server (${(error as Error).message}).` });
      return false;
    } finally {
      setSaving(false);
    }
  }

  return { saving, message, submit };
}

/** What a form's last submit came to, announced to screen readers. */
export function FormMessage({ message }: { message: FormOutcome }) {
  if (!message) return null;
  return (
    <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-muted-foreground" : "text-red-700"}>
      {message.text}
    </p>
  );
}
