/** Messages between the HTTP thread and the inference worker. */
export type InferenceRequest =
  | { type: "predict"; id: number; artifactKey: string; count: number; pixels: Float32Array }
  | { type: "load"; id: number; artifactKey: string }
  // Frees every loaded model before the worker is terminated (ONNX Runtime aborts the process if a thread dies holding a session).
  | { type: "release"; id: number };

export type InferenceReply = { type: "result"; id: number; probabilities: Float32Array } | { type: "error"; id: number; message: string };
