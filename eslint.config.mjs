import fs from "node:fs";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Area boundaries (ARCHITECTURE.md): another area is imported through its public surface,
 * `@/lib/<area>` (its index.ts), never a file inside it; inside an area, files import each
 * other by relative path and never leave it that way. Single-file modules at the top of lib/
 * (config, log, kmnist, ...) are imported as they are. The test helpers in lib/testing are
 * imported file by file, by tests, benchmarks and e2e specs only.
 */
const AREAS = fs
  .readdirSync("lib", { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const TESTS = ["**/*.test.ts", "bench/**/*.ts", "e2e/**/*.ts"];

/** `@/lib/<area>/<file>` for any area but those listed. */
const deepImport = (allowed) => ({
  regex: `^@/lib/${allowed.length ? `(?!(${allowed.join("|")})/)` : ""}[a-z-]+/.+`,
  message: "Import another area through its index (@/lib/<area>), not a file inside it.",
});
const ownAreaByAlias = (area) => ({
  regex: `^@/lib/${area}(/.*)?$`,
  message: `Inside lib/${area}, import its files by relative path (its index is for other areas).`,
});
const leaving = (depth) => ({
  regex: `^(\\.\\./){${depth},}`,
  message: "A relative import may not leave its area: import the other area through @/lib/<area>.",
});
const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

const boundaries = [
  // Outside the areas: app/, components/, jobs/, the root files, lib's single-file modules.
  { files: ["**/*.{ts,tsx,mjs}"], rules: restrict(deepImport([])) },
  { files: TESTS, rules: restrict(deepImport(["testing"])) },
  ...AREAS.flatMap((area) => {
    const allowed = area === "testing" ? ["testing"] : [];
    return [
      { files: [`lib/${area}/*.{ts,tsx}`], rules: restrict(deepImport(allowed), ownAreaByAlias(area), leaving(1)) },
      { files: [`lib/${area}/*/**/*.{ts,tsx}`], rules: restrict(deepImport(allowed), ownAreaByAlias(area), leaving(2)) },
      // An area's own tests may use its index; any test may use the test helpers.
      { files: [`lib/${area}/*.test.ts`], rules: restrict(deepImport(["testing"]), leaving(1)) },
      { files: [`lib/${area}/*/**/*.test.ts`], rules: restrict(deepImport(["testing"]), leaving(2)) },
    ];
  }),
];

const config = [
  ...nextVitals,
  ...nextTs,
  ...boundaries,
  { ignores: [".next/**", "node_modules/**", ".data/**", "next-env.d.ts", "test-results/**", "playwright-report/**"] },
];
export default config;
