#!/usr/bin/env bash
# Builds Relay and runs every test project. Works from a fresh clone: installs the Node clients the
# functional tests drive, restores, builds with warnings as errors, tests, then prints one summary line
# "N passed, M failed[, K skipped]" (failed test names above it). Exits non-zero on any failure.
#
# Needs: the .NET 10 SDK, Node 20+ with npm, and apt-get (root or passwordless sudo) for Debian's chromium. Run from anywhere: bash test.sh
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NPM_CONFIG_UPDATE_NOTIFIER=false

results_dir="$PWD/TestResults/test-sh"
rm -rf "$results_dir"
mkdir -p "$results_dir"

echo "== npm ci (tests/clients)"
npm ci --prefix tests/clients --no-audit --no-fund --loglevel=error

echo "== chromium (browser tests drive Debian's chromium; nothing downloads a browser)"
if ! command -v chromium >/dev/null 2>&1; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo -n"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
chromium --version

echo "== dotnet build"
if ! dotnet build Relay.slnx -warnaserror -nologo -v quiet -tl:off -clp:NoSummary; then
  echo "BUILD FAILED"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== dotnet test"
# One run per test project (in solution order), each into its own results folder: trx file names from a
# single solution-wide run can collide and overwrite each other.
test_rc=0
for project in $(grep -o 'tests/[^"]*\.csproj' Relay.slnx); do
  name="$(basename "$project" .csproj)"
  dotnet test "$project" --no-build --nologo \
    --results-directory "$results_dir/$name" \
    --logger "trx;LogFileName=$name.trx" \
    --logger "console;verbosity=minimal" || test_rc=$?
done

# Count outcomes over every .trx file: each UnitTestResult is one test (a theory row counts once per row).
summary_rc=0
node - "$results_dir" <<'NODE' || summary_rc=$?
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else if (e.name.endsWith('.trx')) files.push(p);
  }
})(dir);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&amp;/g, '&');
let passed = 0, failed = 0, skipped = 0;
const failures = [];
for (const f of files) {
  const xml = fs.readFileSync(f, 'utf8');
  for (const m of xml.matchAll(/<UnitTestResult\b([^>]*)>/g)) {
    const attrs = m[1];
    const outcome = (attrs.match(/\boutcome="([^"]*)"/) || [])[1] || '';
    const name = unescape((attrs.match(/\btestName="([^"]*)"/) || [])[1] || '?');
    if (outcome === 'Passed') passed++;
    else if (outcome === 'NotExecuted' || outcome === 'Inconclusive' || outcome === 'Pending') skipped++;
    else { failed++; failures.push(name); }
  }
}
if (files.length === 0) console.log('no .trx test results were written');
if (failures.length) {
  console.log('Failed tests:');
  for (const name of failures.sort()) console.log(`  ${name}`);
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
NODE

if [ "$test_rc" -ne 0 ] || [ "$summary_rc" -ne 0 ]; then
  echo "TESTS FAILED (dotnet test exit $test_rc)"
  exit 1
fi
