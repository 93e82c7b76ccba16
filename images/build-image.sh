#!/usr/bin/env bash
# build-image.sh RECIPE OUT_DIR: builds one guest image from Debian packages into OUT_DIR, unless
# the image there was built from the same recipe files (its recipe.sha256 says so).
# The last line printed is the image folder. See images/README.md.
set -euo pipefail
IMAGES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# the pre-started JVM of images with a JRE (guest/tt-jvm), compiled from the tt-guest module's source
PRESTARTED_JVM_SOURCE=$(dirname "$IMAGES_DIR")/tt-guest/src/main/java/tt/guest/PrestartedJvm.java
[ $# -eq 2 ] || { echo "usage: build-image.sh RECIPE OUT_DIR (recipes: $(cd "$IMAGES_DIR/recipes" && printf '%s ' *.sh | sed 's/\.sh / /g'))" >&2; exit 2; }
recipe=$1
out_dir=$2
if ! [[ "$recipe" =~ ^[a-z0-9_-]+$ ]] || [ ! -f "$IMAGES_DIR/recipes/$recipe.sh" ]; then
  echo "build-image: unknown recipe '$recipe'" >&2
  exit 2
fi
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
: "${TT_CACHE_DIR:=$(dirname "$IMAGES_DIR")/.cache/image-build}"
mkdir -p "$TT_CACHE_DIR"
TT_CACHE_DIR=$(cd "$TT_CACHE_DIR" && pwd)
export TT_CACHE_DIR
EXTRA_PACKAGES=()
CPU=
BUILDER=
CMDLINE_EXTRA=
SEED_AGENT=
BOOT=
DISK_SIZE=
# shellcheck source=lib/build.sh
source "$IMAGES_DIR/lib/build.sh"
# shellcheck source=/dev/null
source "$IMAGES_DIR/recipes/$recipe.sh"
inputs=("$IMAGES_DIR/recipes/$recipe.sh" "$IMAGES_DIR/lib/build.sh")
if [ "${BUILDER:-}" = debian ]; then
  # shellcheck source=lib/debian.sh
  source "$IMAGES_DIR/lib/debian.sh"
  inputs+=("$IMAGES_DIR/lib/debian.sh" "$IMAGES_DIR"/guest/debian/* "$IMAGES_DIR/guest/tt-agent")
else
  for f in "$IMAGES_DIR"/guest/*; do
    if [ -f "$f" ]; then inputs+=("$f"); fi
  done
  inputs+=("$PRESTARTED_JVM_SOURCE")
fi
inputs_sha=$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1)
stamp="$out_dir/$IMAGE_NAME/recipe.sha256"
if [ -f "$out_dir/$IMAGE_NAME/image.json" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs_sha" ]; then
  log "$IMAGE_NAME is up to date with its recipe"
else
  SECONDS=0
  build_image "$out_dir"
  echo "$inputs_sha" > "$stamp"
  log "done in ${SECONDS} s"
fi
echo "$out_dir/$IMAGE_NAME"
