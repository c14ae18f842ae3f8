/** Images in: decoding photos, scans and drawings (bounded) and turning them into KMNIST-like 28x28 input. */
export {
  assertRasterImage,
  decodeImage,
  inkOf,
  preprocessImage,
  PreprocessError,
  sniffImageFormat,
  toKmnistPixels,
  WORKING_SIDE,
  type DecodeLimits,
  type GrayImage,
  type ImageFormat,
  type PreprocessErrorCode,
} from "./preprocess";
export { pngDataUrl } from "./png";
export { implausibility, inkShape, type ImplausibleReason, type InkShape } from "./plausibility";
export { renderStrokes, type Strokes } from "./strokes";
export { centreLines, skeleton, skeletonPolylines, strokeRendition } from "./centre-lines";
