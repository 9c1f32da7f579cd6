# Package.resolved with only the pins the checker-only graph uses (swift-argument-parser), so a lean
# build (KUBEWIRE_CHECKER_ONLY=1) gets the committed version without fetching the other 25
# repositories. Usage: awk -f scripts/checker-resolved.awk Package.resolved
/^    \{/ { block = $0; inside = 1; next }
inside {
    block = block "\n" $0
    if ($0 ~ /^    \}/) {
        inside = 0
        if (block ~ /"identity" : "swift-argument-parser"/) { sub(/\},$/, "}", block); print block }
    }
    next
}
{ print }
