import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Native/wasm packages must be loaded by Node at run time, not bundled:
  // PGlite ships a wasm Postgres, tfjs loads its wasm (or native) backend from disk,
  // onnxruntime-node its native binary.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-node",
    "@tensorflow/tfjs-backend-wasm",
    "onnxruntime-node",
    "sharp",
    "postgres",
    // One metrics registry per process, whichever bundle counts (lib/telemetry keeps it on globalThis too).
    "prom-client",
  ],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: [...SECURITY_HEADERS] }];
  },
};

export default nextConfig;
