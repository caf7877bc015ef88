#!/usr/bin/env bash
# Packages the planls VS Code extension into a .vsix for one platform: builds
# the planls server for it from this repository (static, CGO off) into bin/,
# bundles the extension with esbuild, copies the repository's LICENSE, and runs
# `vsce package --target`. Run from anywhere; needs Go and `npm ci` done in
# editors/vscode.
#
#   scripts/package.sh [TARGET] [OUT.vsix]
#
# TARGET is a VS Code target: linux-x64 (default), linux-arm64, darwin-x64,
# darwin-arm64, win32-x64, win32-arm64, alpine-x64, …; OUT defaults to
# planls-<version>-<TARGET>.vsix in editors/vscode.
set -euo pipefail
ext="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ext/../.." && pwd)"
target="${1:-linux-x64}"

os="${target%-*}"; arch="${target##*-}"
case "$os" in
  linux|alpine) goos=linux ;;
  darwin) goos=darwin ;;
  win32) goos=windows ;;
  *) echo "package.sh: unknown target $target" >&2; exit 2 ;;
esac
case "$arch" in
  x64) goarch=amd64 ;;
  arm64) goarch=arm64 ;;
  armhf) goarch=arm; export GOARM=7 ;;
  *) echo "package.sh: unknown architecture in $target" >&2; exit 2 ;;
esac
exe=planls; [ "$goos" = windows ] && exe=planls.exe

version="$(node -p "require('$ext/package.json').version")"
out="${2:-$ext/planls-$version-$target.vsix}"

rm -rf "$ext/bin" "$ext/dist"
mkdir -p "$ext/bin"
echo "package.sh: building $exe for $goos/$goarch"
(cd "$root" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false -ldflags='-s -w' -o "$ext/bin/$exe" ./cmd/planls)
chmod 0755 "$ext/bin/$exe"
printf '%s\n' "$target" > "$ext/bin/TARGET"
cp "$root/LICENSE" "$ext/LICENSE"

cd "$ext"
node_modules/.bin/esbuild src/extension.ts --bundle --platform=node --target=node18 --format=cjs \
  --external:vscode --minify --log-level=warning --outfile=dist/extension.js
node_modules/.bin/vsce package --no-dependencies --target "$target" -o "$out"
echo "package.sh: wrote $out"
