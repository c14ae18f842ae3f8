/**
 * The offline protocol (ARCHITECTURE.md): without the official train images, the 10,000
 * official test images are split within each class, in official order: every 5th image
 * (class positions 4, 9, 14, ...) is holdout, the rest train.
 */
export const HOLDOUT_EVERY = 5;

export function offlineSplitOf(labels: ArrayLike<number>): Array<"train" | "holdout"> {
  const seenPerClass = new Map<number, number>();
  return Array.from(labels, (label) => {
    const position = seenPerClass.get(label) ?? 0;
    seenPerClass.set(label, position + 1);
    return position % HOLDOUT_EVERY === HOLDOUT_EVERY - 1 ? "holdout" : "train";
  });
}
