// Runs before `npm test`: builds the sample host (Release) when its dll is missing or older than the sources it is made
// from, so the tests always run the code in the tree. Skipped when CONVERSATIONS_SAMPLE_DLL points at a build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot, sampleDll } from "./host.mjs";

if (process.env.CONVERSATIONS_SAMPLE_DLL) {
  process.exit(0);
}

const sources = [
  "samples/Conversations.SampleHost",
  "src",
  "clients/typescript/dist",
  "Directory.Build.props",
  "Directory.Packages.props",
];

function newest(path) {
  const full = join(repoRoot, path);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    if (entry.name === "bin" || entry.name === "obj" || entry.name === "data" || entry.name === "node_modules") continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

// An incremental build that only copies files leaves the dll's time alone: a stamp records when a build last succeeded.
const stamp = join(dirname(sampleDll), ".typescript-tests-build");
const built = existsSync(sampleDll) ? Math.max(statSync(sampleDll).mtimeMs, existsSync(stamp) ? statSync(stamp).mtimeMs : 0) : 0;
const changed = Math.max(...sources.map(newest));
if (built >= changed) {
  process.exit(0);
}

console.error(built === 0 ? "Building the sample host for the tests…" : "The sample host is older than its sources; rebuilding it…");
const result = spawnSync("dotnet", ["build", join(repoRoot, "samples/Conversations.SampleHost"), "-c", "Release", "-nologo", "-v", "q"], {
  stdio: ["ignore", process.stderr, process.stderr], // stdout stays the test report
  env: { ...process.env, DOTNET_NOLOGO: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
});
if (result.status !== 0) {
  console.error("dotnet build of the sample host failed.");
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, new Date().toISOString() + "\n");
