// `npm run lint` (run by `make lint`): typescript-eslint's recommended rules and React's rules of
// hooks. Types are checked by `tsc --noEmit` (npm run typecheck); this catches what tsc does not.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // src/types/api.gen.ts is written by openapi-typescript (npm run gen:types)
  { ignores: ["dist", "dev-dist", "node_modules", "test-results", "src/types/api.gen.ts"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    // The rules of hooks as the code was written against them (its eslint-disable comments name
    // exhaustive-deps). The React Compiler rules that plugin v7 adds to "recommended"
    // (set-state-in-effect, refs, ...) flag 12 established patterns (reset-on-prop effects, the
    // latest-handler ref); turning them on is a refactor of its own.
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
);
