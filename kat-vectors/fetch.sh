#!/usr/bin/env bash
# Download the external known-answer vectors listed in kat-vectors/MANIFEST.tsv
# and verify each file's SHA-256.
#
#   kat-vectors/fetch.sh            # into kat-vectors/data/ (git-ignored)
#   kat-vectors/fetch.sh DIR        # into DIR; then export PQHYBRID_KAT_DIR=DIR
#
# Files that are already present with the right hash are not downloaded again.
# Any download error or hash mismatch stops the script with a non-zero exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/MANIFEST.tsv"
dest="${1:-$here/data}"

die() { printf 'fetch.sh: error: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || die "curl is required"
if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
    die "sha256sum or shasum is required"
fi
[ -f "$manifest" ] || die "manifest not found: $manifest"

mkdir -p "$dest"
tmp="$(mktemp "${TMPDIR:-/tmp}/pqhybrid-kat.XXXXXX")"
trap 'rm -f "$tmp"' EXIT

n=0 fetched=0
header=1
while IFS=$'\t' read -r path sha url || [ -n "${path:-}" ]; do
    if [ "$header" = 1 ]; then
        header=0
        [ "$path" = "path" ] || die "unexpected manifest header: $path"
        continue
    fi
    [ -z "$path" ] && continue
    case "$path" in \#*) continue ;; esac
    case "$path" in /* | *..*) die "refusing unsafe manifest path: $path" ;; esac
    [ -n "$sha" ] && [ -n "$url" ] || die "malformed manifest row for $path"
    n=$((n + 1))
    out="$dest/$path"
    if [ -f "$out" ] && [ "$(sha256 "$out")" = "$sha" ]; then
        printf 'ok       %s\n' "$path"
        continue
    fi
    printf 'fetch    %s\n' "$path"
    curl --fail --silent --show-error --location --retry 3 --proto '=https' \
        --output "$tmp" "$url" || die "download failed: $url"
    actual="$(sha256 "$tmp")"
    if [ "$actual" != "$sha" ]; then
        printf 'fetch.sh: SHA-256 MISMATCH for %s\n  url:      %s\n  expected: %s\n  actual:   %s\n' \
            "$path" "$url" "$sha" "$actual" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$out")"
    mv -f "$tmp" "$out"
    fetched=$((fetched + 1))
done <"$manifest"

[ "$n" -gt 0 ] || die "manifest lists no files"
printf '%d files verified (%d downloaded) in %s\n' "$n" "$fetched" "$dest"
if [ -n "${1:-}" ]; then
    printf 'Tests find them with: export PQHYBRID_KAT_DIR=%q\n' "$(cd "$dest" && pwd)"
fi
