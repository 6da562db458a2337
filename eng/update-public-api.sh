#!/usr/bin/env bash
# Rewrites every src/ project's PublicAPI.Unshipped.txt from the code, so the public API diff can be reviewed and a
# merge of branches that each changed the API is refreshed with one command.
#
#   eng/update-public-api.sh            rewrite the Unshipped files (Shipped files are never changed)
#   eng/update-public-api.sh --check    change nothing; exit 1 and list the differences if a file is out of date
#   eng/update-public-api.sh --ship     after a release: move everything Unshipped into Shipped
#
# How: with every Unshipped file emptied, one build of the src/ projects makes the public API analyzer report each
# public symbol that Shipped does not list (RS0016) and each Shipped symbol that is gone (RS0017). The first become
# the new Unshipped lines, the second "*REMOVED*" lines, the analyzer's own format, sorted as its code fix sorts them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=update
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --ship) mode=ship ;;
  *) echo "usage: eng/update-public-api.sh [--check|--ship]" >&2; exit 2 ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_UI_LANGUAGE=en-US
header='#nullable enable'

projects=()
while IFS= read -r p; do projects+=("$p"); done < <(ls src/*/*.csproj | sort)

if [ "$mode" = ship ]; then
  for csproj in "${projects[@]}"; do
    dir=$(dirname "$csproj")
    shipped="$dir/PublicAPI.Shipped.txt" unshipped="$dir/PublicAPI.Unshipped.txt"
    [ -f "$unshipped" ] || continue
    removed=$(grep '^\*REMOVED\*' "$unshipped" | sed 's/^\*REMOVED\*//' || true)
    {
      echo "$header"
      { grep -v -x -F "$header" "$shipped" 2>/dev/null || true; grep -v -x -F "$header" "$unshipped" | grep -v '^\*REMOVED\*' || true; } \
        | grep -v '^$' | { if [ -n "$removed" ]; then grep -v -x -F "$removed"; else cat; fi; } | LC_ALL=C sort -u
    } > "$shipped.new"
    mv "$shipped.new" "$shipped"
    echo "$header" > "$unshipped"
  done
  echo "Moved the Unshipped APIs into PublicAPI.Shipped.txt."
  exit 0
fi

work=$(mktemp -d)
backup="$work/backup"
mkdir -p "$backup"
restore_backup() {
  for csproj in "${projects[@]}"; do
    dir=$(dirname "$csproj") name=$(basename "$(dirname "$csproj")")
    [ -f "$backup/$name.txt" ] && cp "$backup/$name.txt" "$dir/PublicAPI.Unshipped.txt"
  done
}
finish() {
  local status=$?
  # --check never leaves a change behind; a failed update puts the old files back.
  if [ "$mode" = check ] || [ "$status" -ne 0 ]; then restore_backup; fi
  rm -f "$root/.public-api.slnf"
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT

# Empty every Unshipped file (and create missing ones) so the analyzer reports the whole API that is not shipped.
entries=()
for csproj in "${projects[@]}"; do
  dir=$(dirname "$csproj") name=$(basename "$(dirname "$csproj")")
  [ -f "$dir/PublicAPI.Shipped.txt" ] || echo "$header" > "$dir/PublicAPI.Shipped.txt"
  if [ -f "$dir/PublicAPI.Unshipped.txt" ]; then cp "$dir/PublicAPI.Unshipped.txt" "$backup/$name.txt"; fi
  echo "$header" > "$dir/PublicAPI.Unshipped.txt"
  entries+=("\"$csproj\"")
done

# A solution filter of the src/ projects: one build, each project compiled once, in dependency order.
(IFS=,; printf '{"solution":{"path":"Conversations.sln","projects":[%s]}}\n' "${entries[*]}") > "$root/.public-api.slnf"

log="$work/build.log"
echo "Building the src/ projects to read their public API (this takes a minute)..."
if ! dotnet build "$root/.public-api.slnf" -c Release --no-incremental -nologo -clp:NoSummary \
    -p:TreatWarningsAsErrors=false -p:PreferredUILang=en-US -p:EnablePackageValidation=false >"$log" 2>&1; then
  grep -E ': error ' "$log" | sort -u >&2 || tail -n 50 "$log" >&2
  echo "The build failed; the PublicAPI files are unchanged." >&2
  exit 1
fi

status=0
for csproj in "${projects[@]}"; do
  dir=$(dirname "$csproj") name=$(basename "$(dirname "$csproj")")
  abs="$root/$csproj"
  added=$(grep -F "[$abs]" "$log" | grep 'warning RS0016: ' \
    | sed -E "s/.*warning RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/" | LC_ALL=C sort -u || true)
  removed=$(grep -F "[$abs]" "$log" | grep 'warning RS0017: ' \
    | sed -E "s/.*warning RS0017: Symbol '(.*)' is part of the declared.*/\1/" \
    | LC_ALL=C sort -u | sed 's/^/*REMOVED*/' || true)
  new="$work/$name.txt"
  {
    echo "$header"
    { [ -n "$removed" ] && echo "$removed"; [ -n "$added" ] && echo "$added"; } | LC_ALL=C sort -u || true
  } > "$new"
  old="$backup/$name.txt"
  [ -f "$old" ] || echo "$header" > "$old"
  if ! diff -q "$old" "$new" >/dev/null; then
    if [ "$mode" = check ]; then
      echo "$dir/PublicAPI.Unshipped.txt is out of date:"
      diff -u "$old" "$new" | tail -n +3 || true
      status=1
    else
      echo "updated $dir/PublicAPI.Unshipped.txt ($(($(wc -l < "$new") - 1)) lines)"
    fi
  fi
  [ "$mode" = update ] && cp "$new" "$dir/PublicAPI.Unshipped.txt"
done

if [ "$mode" = check ] && [ "$status" -ne 0 ]; then
  echo "Run eng/update-public-api.sh and review the diff." >&2
fi
exit "$status"
