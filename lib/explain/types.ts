export interface ExplanationExample {
  /** Position of the sample in its dataset version. */
  index: number;
  label: number;
  predicted: number;
  confidence: number;
  /** The 28x28 input, 0-255. */
  image: number[];
  /** Attribution of each pixel towards the predicted class. */
  attribution: number[];
}

export interface ExplanationMethodResult {
  method: "linear_shap" | "integrated_gradients" | "kernel_shap";
  title: string;
  /** Per class: mean 28x28 attribution towards the true class over the explained samples of that class. */
  classMeans: number[][];
  examples: ExplanationExample[];
  samples: number;
  seconds: number;
  parameters: Record<string, unknown>;
}
