/** A dataset tag: a saved query over records. Resolving it yields an immutable version. */
export interface TagQuery {
  sources: string[];
  /** "train" / "holdout" under whichever protocol the data allows. */
  split?: "train" | "holdout";
  classes?: number[];
  from?: string;
  to?: string;
}
