/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { precompress } from "./precompress.mjs";
import { VitePWA } from "vite-plugin-pwa";

// What every page needs, in two files instead of some twenty small ones: the browser opens at most six
// connections to the server (HTTP/1.1), and a page's first data request queued behind the code's
// small files was a good part of the wait on a cold cache (bench/web.py). The start-up code (main.tsx,
// boot/, api/client.ts, api/session.ts) stays apart so it runs before these arrive; the pages, the
// workspaces' strings and what only some pages use (player, evidence, signature pad) keep their own.
const SHELL_MODULES = [
  /\/src\/(App|start|lazyPage)\.tsx?$/,
  /\/src\/(hooks|offline|types)\//,
  /\/src\/api\/ws\.tsx$/,
  /\/src\/i18n\/(index|shell|strings)\.ts$/,
  /\/src\/components\/(ui|labels|format|Layout|Icon|DateInput|UnitFilter|ActionButton|charts)\.tsx?$/,
  /\/src\/components\/inspection\/FieldQueueBar\.tsx$/,
];

const BOOT_MODULES = [/\/src\/boot\//, /\/src\/api\/(client|session)\.ts$/];

function appChunk(id: string): string | undefined {
  if (BOOT_MODULES.some((re) => re.test(id))) return "boot"; // main.tsx's: index.html preloads it
  if (id.includes("/node_modules/")) return id.includes("/signature_pad/") ? undefined : "vendor";
  if (SHELL_MODULES.some((re) => re.test(id))) return "shell";
  return undefined;
}

export default defineConfig({
  esbuild: { jsx: "automatic" },
  plugins: [
    // Installable field app. The service worker precaches the app shell only (HTML, JS, CSS, icons):
    // no API response is ever cached by it, so nothing about a check (planned checks are secret) sits
    // in Cache Storage. Started checks are kept by the app itself in IndexedDB (src/offline/).
    VitePWA({
      registerType: "autoUpdate",
      // registered by the app (boot/service-worker.ts) once the opening page has its data: installing
      // fetches the whole app shell, which on a cold cache competed with the page's own requests
      injectRegister: false,
      includeAssets: ["favicon.svg"],
      manifest: {
        name: "Counterwatch — Kiểm tra, giám sát",
        short_name: "Counterwatch",
        description: "Kiểm tra đột xuất bộ phận một cửa, làm việc cả khi không có mạng.",
        lang: "vi",
        start_url: "/inspection/checks",
        scope: "/",
        display: "standalone",
        orientation: "portrait",
        background_color: "#f4f6fa",
        theme_color: "#0b3d91",
        icons: [
          { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,woff2}"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api\//, /^\/ws\//, /^\/django-admin\//, /^\/static\//],
        runtimeCaching: [],
        cleanupOutdatedCaches: true,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
    // .br/.gz beside each built file, served by WhiteNoise (after the service worker is written).
    precompress(),
  ],
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: { manualChunks: appChunk },
      onwarn(warning, warn) {
        // Libraries' "use client" directives mean nothing in a client-only bundle.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        // a module of the boot chunk importing the shell's made the app a blank page (the chunks wait on each other)
        if (warning.code === "CIRCULAR_CHUNK") throw new Error(`vite build: ${warning.message}`);
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": "http://127.0.0.1:8010",
      "/ws": { target: "ws://127.0.0.1:8010", ws: true },
    },
  },
  test: {
    environment: "jsdom",
    // worker threads, not child processes: the same 279 tests pass, for about a fifth less CPU (83 s against
    // 104 s of user time on this machine, 2026-12-01), which the CI's two shared cores feel
    pool: "threads",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    globals: true,
    testTimeout: 20_000, // the CI box has 2 shared cores; userEvent-driven tests can be slow there
  },
});
