import type { NextConfig } from "next";

/**
 * Every response: no framing by other sites (clickjacking), no content sniffing, no full URLs
 * in Referer to other origins, and a content security policy that allows only this origin.
 * Next's hydration scripts and React's style attributes are inline, hence 'unsafe-inline'
 * for scripts and styles; canvases and previews use data: and blob: images.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

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
  ],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
