#!/bin/sh
# kubewire on a whole repository next to the tools it runs: the time of `kubewire check REPO`
# (which builds every kustomization and renders every chart) and of kustomize and helm alone on
# the same folders, best of ROUNDS each. kubewire's own share is the difference.
#   bench/repository-bench.sh KUBEWIRE TOOLS_BIN [REPO] [ROUNDS]
set -eu
kubewire=${1:?usage: repository-bench.sh KUBEWIRE TOOLS_BIN [REPO] [ROUNDS]}
tools=${2:?usage: repository-bench.sh KUBEWIRE TOOLS_BIN [REPO] [ROUNDS]}
repo=${3:-repositories/shop}
rounds=${4:-5}
kubewire=$(cd "$(dirname "$kubewire")" && pwd)/$(basename "$kubewire")
tools=$(cd "$tools" && pwd)
cd "$repo"

# Best wall time of `rounds` runs of the command, in milliseconds.
best() {
  best_ms=""
  i=0
  while [ "$i" -lt "$rounds" ]; do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "$best_ms" ] || [ "$ms" -lt "$best_ms" ]; then best_ms=$ms; fi
    i=$((i + 1))
  done
  echo "$best_ms"
}

# The deployable roots and charts kubewire finds, rendered by the tools alone, one after another.
tools_alone() {
  for file in $(find . -name node_modules -prune -o -name kustomization.yaml -print); do
    folder=$(dirname "$file")
    grep -rqs -- "$(basename "$folder")" $(find . -name kustomization.yaml ! -path "$file") && continue
    "$tools/kubectl" kustomize "$folder" >/dev/null
  done
  for chart in $(find . -name node_modules -prune -o -name Chart.yaml -print); do
    "$tools/helm" template release-name "$(dirname "$chart")" --include-crds >/dev/null
  done
}

check_ms=$(best env PATH="$tools:/usr/bin:/bin" "$kubewire" check .)
tools_ms=$(best tools_alone)
echo "repository-bench: $repo (best of $rounds)"
echo "  kubewire check .          ${check_ms} ms  (builds, renders and checks everything)"
echo "  kustomize + helm alone    ${tools_ms} ms  (the same builds, one after another)"
echo "  kubewire's own share      $((check_ms - tools_ms)) ms  (negative: the renders ran side by side)"
