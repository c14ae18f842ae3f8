/** Messages between the HTTP thread and the inference worker. */
export type InferenceRequest =
  { type: "predict"; id: number; artifactKey: string; count: number; pixels: Float32Array } | { type: "load"; id: number; artifactKey: string };

export type InferenceReply = { type: "result"; id: number; probabilities: Float32Array } | { type: "error"; id: number; message: string };
