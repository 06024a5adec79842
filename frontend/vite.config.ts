/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import { precompress } from "./precompress.mjs";
import { VitePWA } from "vite-plugin-pwa";

export default defineConfig({
  esbuild: { jsx: "automatic" },
  plugins: [
    // Installable field app. The service worker precaches the app shell only (HTML, JS, CSS, icons):
    // no API response is ever cached by it, so nothing about a check (planned checks are secret) sits
    // in Cache Storage. Started checks are kept by the app itself in IndexedDB (src/offline/).
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script",
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
      onwarn(warning, warn) {
        // Libraries' "use client" directives mean nothing in a client-only bundle.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
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
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    globals: true,
    testTimeout: 20_000, // the CI box has 2 shared cores; userEvent-driven tests can be slow there
  },
});
