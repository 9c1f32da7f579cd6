#!/usr/bin/env bash
# Precision survey: run `kubewire check` over folders of real manifests and count findings.
#
#   scripts/precision-survey.sh REPOS_DIR [KUBEWIRE_BIN] [OUT_DIR]
#
# REPOS_DIR holds one folder per repository (extracted by hand, e.g.
# `git --git-dir=MIRROR archive HEAD examples | tar -x -C REPOS_DIR/NAME`); nothing is fetched here.
# Each folder of a repository that holds manifests is one check:
#   - a folder with a kustomization.yaml: `kubectl kustomize DIR | kubewire check -`
#     (skipped when kustomize cannot build it, e.g. remote bases);
#   - any other folder with .yaml/.yml files (and .json files holding an object), outside Helm charts (templates/, charts/) and CI
#     folders: `kubewire check` on those files alone (not its subfolders); when that reports a
#     duplicate-object, the folder is a set of alternatives (one file per variant, e.g. one
#     per cloud provider), and each file is checked alone instead.
# Files that are not Kubernetes objects (values.yaml, Chart.yaml, configs) make a check exit 2;
# those folders are counted as "unreadable" and left out of the finding counts.
#
# Prints per repository: checks, objects, errors, warnings, notes, and findings per rule;
# OUT_DIR (default: a temporary folder) keeps each check's JSON report and a findings.tsv
# (repo, rule, severity, file:line, message) to judge every error by reading the manifests.
set -euo pipefail

repos=${1:?usage: precision-survey.sh REPOS_DIR [KUBEWIRE_BIN] [OUT_DIR]}
kubewire=${2:-kubewire}
out=${3:-$(mktemp -d)}
mkdir -p "$out"
: >"$out/findings.tsv"

command -v jq >/dev/null || { echo "precision-survey: jq is required" >&2; exit 2; }

report_path() { # repo label
    echo "$out/reports/$1/$(echo "$2" | tr '/' '_').json"
}

run_check() { # repo label [inputs...]  (stdin when the input is -)
    local repo=$1 label=$2
    shift 2
    local report
    report=$(report_path "$repo" "$label")
    local status=0
    "$kubewire" check "$@" --format json --color never --fail-on error >"$report" 2>/dev/null || status=$?
    if [ "$status" -eq 2 ] || ! jq -e .summary "$report" >/dev/null 2>&1; then
        echo unreadable >>"$out/reports/$repo/.status"
        mv "$report" "$report.unreadable"
        return
    fi
    if [ "${ALTERNATIVES:-}" = check ] && [ "$#" -gt 1 ] &&
        jq -e '[.diagnostics[] | select(.rule == "duplicate-object")] | length > 0' "$report" >/dev/null; then
        rm "$report"
        local file
        for file in "$@"; do ALTERNATIVES= run_check "$repo" "$label:$(basename "$file")" "$file"; done
        return
    fi
    echo ok >>"$out/reports/$repo/.status"
    jq -r --arg repo "$repo" '.diagnostics[] | [$repo, .rule, .severity,
        ((.location.file // "?") + ":" + ((.location.line // 0) | tostring)), .message] | @tsv' \
        "$report" >>"$out/findings.tsv"
}

for repo_dir in "$repos"/*/; do
    repo=$(basename "$repo_dir")
    rm -rf "${out:?}/reports/$repo"
    mkdir -p "$out/reports/$repo"
    : >"$out/reports/$repo/.status"
    while IFS= read -r dir; do
        rel=${dir#"$repo_dir"}
        if [ -f "$dir/kustomization.yaml" ] || [ -f "$dir/kustomization.yml" ] || [ -f "$dir/Kustomization" ]; then
            if rendered=$(kubectl kustomize "$dir" 2>/dev/null); then
                printf '%s\n' "$rendered" | ALTERNATIVES= run_check "$repo" "kustomize:$rel" -
            fi
            continue
        fi
        files=()
        while IFS= read -r file; do
            # As the walk does, JSON counts when it holds an object (apiVersion and kind), not
            # package.json, tsconfig.json or a values.schema.json named here explicitly.
            case $file in
            *.json) grep -q '"apiVersion"' "$file" && grep -q '"kind"' "$file" || continue ;;
            esac
            files+=("$file")
        done < <(
            find "$dir" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
                ! -name 'Chart.yaml' ! -name 'values*.yaml' ! -name '.*' | sort)
        if [ ${#files[@]} -gt 0 ]; then ALTERNATIVES=check run_check "$repo" "dir:$rel" "${files[@]}"; fi
    done < <(find "$repo_dir" -type d \( -name templates -o -name charts -o -name .github -o -name testdata \) -prune \
        -o -type d -print | sort)
done

printf '%-22s %6s %6s %7s %6s %8s %6s\n' repo checks unread objects errors warnings notes
for repo_dir in "$repos"/*/; do
    repo=$(basename "$repo_dir")
    dir="$out/reports/$repo"
    checks=$(grep -c ok "$dir/.status" || true)
    unread=$(grep -c unreadable "$dir/.status" || true)
    read -r objects errors warnings notes < <(
        find "$dir" -name '*.json' -print0 | xargs -0 -r cat | jq -rs '
            [.[] | select(.summary != null) | .summary] |
            "\(map(.objects) | add // 0) \(map(.errors) | add // 0) \(map(.warnings) | add // 0) \(map(.notes) | add // 0)"' 2>/dev/null ||
            echo "0 0 0 0")
    printf '%-22s %6s %6s %7s %6s %8s %6s\n' "$repo" "$checks" "$unread" "$objects" "$errors" "$warnings" "$notes"
done
echo
echo "findings per rule and severity:"
cut -f2,3 "$out/findings.tsv" | sort | uniq -c | sort -rn
echo
echo "reports and findings.tsv in $out"
