import KubeYAML
import Testing

@Suite("anchors, aliases and merge keys")
struct AliasMergeTests {
    @Test func aliasCopiesTheAnchoredNodeWithTheAliasPosition() throws {
        let node = try root(
            """
            base: &labels
              app: posts
            copy: *labels
            list: [&x one, *x]
            """)
        let base = try #require(node["base"])
        let copy = try #require(node["copy"])
        #expect(copy["app"]?.scalar == "posts")
        // An anchored collection starts at its anchor.
        #expect(base.start == mark(1, 7))
        // The alias node points at `*labels`, not at the anchor.
        #expect(copy.start == mark(3, 7))
        #expect(copy.end == mark(3, 14))
        // Its children keep the positions where they were written.
        #expect(copy["app"]?.start == mark(2, 8))
        let list = node["list"]?.items ?? []
        #expect(list.map(\.scalar) == ["one", "one"])
        #expect(list.first?.start == mark(4, 8))
        #expect(list.last?.start == mark(4, 16))
    }

    @Test func undefinedAliasIsAnErrorAtTheAlias() throws {
        let result = load("a: 1\nb: *missing\n")
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.message.contains("*missing"))
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 4)
        #expect(result.documents.isEmpty)
    }

    @Test func aliasToALaterAnchorIsUndefined() throws {
        let problem = try onlyProblem(load("a: *later\nb: &later 1\n"))
        #expect(problem.span?.line == 1)
        #expect(problem.message.contains("later"))
    }

    @Test func anchorsDoNotCrossDocuments() throws {
        let result = load("a: &x 1\n---\nb: *x\n")
        let problem = try onlyProblem(result)
        #expect(problem.span?.line == 3)
    }

    @Test func singleMerge() throws {
        let node = try root(
            """
            defaults: &defaults
              port: 80
              protocol: TCP
            service:
              <<: *defaults
              name: web
            """)
        let service = try #require(node["service"])
        #expect(service["port"]?.int == 80)
        #expect(service["protocol"]?.scalar == "TCP")
        #expect(service["name"]?.scalar == "web")
        #expect(service["<<"] == nil)
        // Explicit keys first, merged keys after, in source order.
        #expect(service.pairs.compactMap(\.key.scalar) == ["name", "port", "protocol"])
        // Merged values keep the anchor's positions.
        #expect(service["port"]?.start == mark(2, 9))
    }

    @Test func explicitKeysWinOverMergedOnes() throws {
        let node = try root(
            """
            base: &base {port: 80, name: base}
            a:
              port: 8080
              <<: *base
            """)
        let a = try #require(node["a"])
        #expect(a["port"]?.int == 8080)
        #expect(a["name"]?.scalar == "base")
        #expect(a.pairs.count == 2)
    }

    @Test func sequenceMergeEarlierSourcesWin() throws {
        let node = try root(
            """
            one: &one {port: 1, a: one}
            two: &two {port: 2, b: two}
            merged:
              <<: [*one, *two]
              c: own
            """)
        let merged = try #require(node["merged"])
        #expect(merged["port"]?.int == 1)
        #expect(merged["a"]?.scalar == "one")
        #expect(merged["b"]?.scalar == "two")
        #expect(merged["c"]?.scalar == "own")
        #expect(merged.pairs.count == 4)
    }

    @Test func mergeOfAScalarIsAnError() throws {
        let result = load("a:\n  <<: 5\n  b: 1\n")
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "yaml-syntax")
        #expect(problem.message.contains("<<"))
        #expect(problem.span?.line == 2)
        #expect(problem.span?.column == 7)
        // The rest of the mapping still loads.
        #expect(result.documents.first?.root["a"]?["b"]?.int == 1)
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let node = try root("a: &a {x: 1}\nb:\n  '<<': *a\n")
        #expect(node["b"]?["<<"]?["x"]?.int == 1)
        #expect(node["b"]?["x"] == nil)
    }
}

@Suite("duplicate keys")
struct DuplicateKeyTests {
    @Test func duplicateKeyReportsBothLocations() throws {
        let result = load("metadata:\n  name: a\n  labels: {}\n  name: b\n")
        let problem = try onlyProblem(result)
        #expect(problem.ruleID == "duplicate-key")
        #expect(problem.severity == .error)
        #expect(problem.message.contains("`name`"))
        #expect(problem.span?.file == "t.yaml")
        #expect(problem.span?.line == 4)
        #expect(problem.span?.column == 3)
        let note = try #require(problem.notes.first)
        #expect(note.span?.line == 2)
        #expect(note.span?.column == 3)
    }

    @Test func duplicateInFlowMapping() throws {
        let problem = try onlyProblem(load("{a: 1, b: 2, a: 3}"))
        #expect(problem.ruleID == "duplicate-key")
        #expect(problem.span?.column == 14)
        #expect(problem.notes.first?.span?.column == 2)
    }

    @Test func mergedKeysAreNotDuplicates() {
        let result = load(
            """
            one: &one {a: 1, b: 1}
            two: &two {a: 2, c: 2}
            m:
              <<: [*one, *two]
              a: 3
            """)
        #expect(result.problems.isEmpty)
        #expect(result.documents.first?.root["m"]?["a"]?.int == 3)
    }

    @Test func sameKeyInSiblingMappingsIsFine() {
        #expect(load("a: {name: x}\nb: {name: y}\n").problems.isEmpty)
    }
}
