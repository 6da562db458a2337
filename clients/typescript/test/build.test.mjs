// The compiled dist/ is committed (the sample host serves it, and needs no Node to run): it must be exactly what the
// TypeScript sources compile to. Run `npm run build` and commit dist/ when this fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function files(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(full));
    else out.push(full);
  }
  return out;
}

test("the committed dist/ is what the sources compile to (run npm run build if not)", () => {
  const out = mkdtempSync(join(tmpdir(), "conv-ts-dist-"));
  try {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json"), "--outDir", out], { encoding: "utf8" });
    assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);

    const fresh = files(out).map((f) => relative(out, f)).sort();
    const committed = files(join(root, "dist")).map((f) => relative(join(root, "dist"), f)).sort();
    assert.deepEqual(committed, fresh, "dist/ has the same files as a fresh build");
    for (const file of fresh) {
      assert.equal(readFileSync(join(root, "dist", file), "utf8"), readFileSync(join(out, file), "utf8"), `dist/${file} is stale`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
