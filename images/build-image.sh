#!/usr/bin/env bash
# build-image.sh RECIPE OUT_DIR: builds one guest image from Debian packages into OUT_DIR.
# The last line printed is the image folder. See images/README.md.
set -euo pipefail
IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -eq 2 ] || { echo "usage: build-image.sh RECIPE OUT_DIR (recipes: $(cd "$IMAGES_DIR/recipes" && ls | sed 's/\.sh$//' | tr '\n' ' '))" >&2; exit 2; }
recipe=$1
out_dir=$2
[[ "$recipe" =~ ^[a-z0-9_-]+$ ]] && [ -f "$IMAGES_DIR/recipes/$recipe.sh" ] \
  || { echo "build-image: unknown recipe '$recipe'" >&2; exit 2; }
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
: "${TT_CACHE_DIR:=$(dirname "$IMAGES_DIR")/.cache/image-build}"
mkdir -p "$TT_CACHE_DIR"
TT_CACHE_DIR=$(cd "$TT_CACHE_DIR" && pwd)
export TT_CACHE_DIR
EXTRA_PACKAGES=()
CPU=
# shellcheck source=lib/build.sh
source "$IMAGES_DIR/lib/build.sh"
# shellcheck source=/dev/null
source "$IMAGES_DIR/recipes/$recipe.sh"
SECONDS=0
build_image "$out_dir"
log "done in ${SECONDS} s"
echo "$out_dir/$IMAGE_NAME"
