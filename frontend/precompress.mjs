// Writes `.br` and `.gz` next to every text file of the build, at the highest levels, once at build
// time; WhiteNoise serves them to browsers that accept them (see backend/settings.py).
// Plain JavaScript on Node's own zlib: the type check of the app (tsconfig) has no Node types.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const TEXT = /\.(js|css|html|svg|json|txt|webmanifest)$/;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** @returns {import("vite").Plugin} */
export function precompress() {
  let outDir = "dist";
  return {
    name: "counterwatch-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!TEXT.test(file)) continue;
        const body = readFileSync(file);
        if (body.length < 1024) continue; // not worth a second request header's worth of bytes
        writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}
