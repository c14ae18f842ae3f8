/** The ten KMNIST classes (official kmnist_classmap.csv): index → hiragana. */
export const KMNIST_CLASSES = [
  { label: 0, codepoint: "U+304A", char: "お" },
  { label: 1, codepoint: "U+304D", char: "き" },
  { label: 2, codepoint: "U+3059", char: "す" },
  { label: 3, codepoint: "U+3064", char: "つ" },
  { label: 4, codepoint: "U+306A", char: "な" },
  { label: 5, codepoint: "U+306F", char: "は" },
  { label: 6, codepoint: "U+307E", char: "ま" },
  { label: 7, codepoint: "U+3084", char: "や" },
  { label: 8, codepoint: "U+308C", char: "れ" },
  { label: 9, codepoint: "U+3092", char: "を" },
] as const;

export const NUM_CLASSES = KMNIST_CLASSES.length;
export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
