import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native/wasm packages must be loaded by Node at run time, not bundled:
  // PGlite ships a wasm Postgres, tfjs loads its wasm (or native) backend from disk.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-node",
    "@tensorflow/tfjs-backend-wasm",
    "sharp",
    "postgres",
  ],
  poweredByHeader: false,
};

export default nextConfig;
