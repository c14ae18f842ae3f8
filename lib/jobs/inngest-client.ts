import { Inngest } from "inngest";

/** The Inngest client (JOB_ENGINE=inngest). Keys and URLs come from Inngest's own env vars. */
export const inngest = new Inngest({ id: "kana-lab" });
