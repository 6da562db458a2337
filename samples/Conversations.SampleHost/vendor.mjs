// Copies the third-party files the sample page (and its browser tests) use out of node_modules, and records their
// versions and SHA-256 in manifest.json files that a test checks. Run with `npm ci && npm run vendor` after changing
// package.json; commit the copies. The page itself needs no build step and no Node.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const version = (name) => JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version;
const targets = {
  [join(here, "wwwroot/vendor")]: [
    ["markdown-it", "dist/browser/markdown-it.esm.min.mjs", "markdown-it.min.mjs"],
    ["markdown-it", "LICENSE", "markdown-it.LICENSE.txt"],
    ["dompurify", "dist/purify.es.mjs", "purify.mjs"],
    ["dompurify", "LICENSE", "dompurify.LICENSE.txt"],
  ],
  [join(here, "../../tests/Conversations.SampleHost.Tests/vendor")]: [
    ["axe-core", "axe.min.js", "axe.min.js"],
    ["axe-core", "LICENSE", "axe-core.LICENSE.txt"],
  ],
};

for (const [folder, files] of Object.entries(targets)) {
  mkdirSync(folder, { recursive: true });
  const manifest = {};
  for (const [name, source, target] of files) {
    copyFileSync(join(here, "node_modules", name, source), join(folder, target));
    const sha256 = createHash("sha256").update(readFileSync(join(folder, target))).digest("hex");
    manifest[target] = { package: name, version: version(name), source, sha256 };
  }
  writeFileSync(join(folder, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  console.log(`${folder}: ${Object.keys(manifest).join(", ")}`);
}
