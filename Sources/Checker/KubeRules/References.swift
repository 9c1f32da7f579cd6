import KubeDiagnostics
import KubeModel
import KubeYAML

/// Why a reference is proven broken: the parts of a finding, for the rule to
/// wrap in its id and severity.
struct ReferenceProblem {
    var message: String
    var span: SourceSpan
    var notes: [DiagnosticNote]
    var fix: SuggestedFix?
}

/// The one resolver for by-name references between objects. It reports only
/// what the inputs prove (objects are often created outside the repository):
/// - the target is in the inputs but lacks the key, port or listener;
/// - the target is absent and the namespace holds one of that kind with a
///   near name (case, a small edit, or the same name tokens: `posts-srv` and
///   `posts-clusterip-srv`);
/// - the target is absent, its kind always ships with its users
///   (`shipsWithUsers`), the inputs define objects of that kind there, no
///   custom resource there may have its operator create it, and no other
///   deploy unit of the inputs defines that name (`installedSeparately`).
/// Otherwise, and for `optional: true`, nothing: a namespace the inputs do
/// not populate (one named only in a reference) proves nothing. Evidence of
/// absence comes only from what may be applied with the referencing file, and
/// a target defined in several files (alternatives) lacks a member only when
/// every definition lacks it (`AppliedTogether`).
enum ReferenceResolver {
    /// A found target: where it is defined and what members it has (nil: unknown).
    private struct Target {
        var location: SourceSpan
        var members: [Member]?
        var membersNode: YAMLNode?
        var object: ManifestObject

        func satisfies(_ reference: NamedReference) -> Bool {
            guard let member = reference.member, let members else { return true }
            return members.contains { $0.member == member }
        }
    }

    /// Definitions in the referencing object's own file that write no namespace, when the referencing
    /// object writes one: the file applies as a whole only with `kubectl apply -n` naming that
    /// namespace, which puts them beside it (an example Secret above a Deployment in kube-system).
    private static func unnamespacedInSameFile(_ reference: NamedReference, in graph: ManifestGraph) -> [Target] {
        let source = reference.source
        guard source.namespaceIsWritten, reference.namespace == source.namespace,
            let implicit = graph.objects(inFile: source.file).first(where: { !$0.namespaceIsWritten })?
                .namespace,
            implicit != reference.namespace
        else { return [] }
        var moved = reference
        moved.namespace = implicit
        return targets(of: moved, in: graph).filter { $0.object.file == source.file && !$0.object.namespaceIsWritten }
    }

    struct Member {
        var member: ReferenceMember
        /// How a note lists it; nil for a second spelling of a listed member (a port's name).
        var label: String?
        /// What a did-you-mean may suggest.
        var name: String?
    }

    static func problem(
        _ reference: NamedReference, in graph: ManifestGraph, together: AppliedTogether, shipsWithUsers: Bool = false
    ) -> ReferenceProblem? {
        let source = reference.source
        let what = "\(source.title) \(reference.context)"
        var found = targets(of: reference, in: graph)
        if !found.contains(where: { $0.satisfies(reference) }) {
            found += unnamespacedInSameFile(reference, in: graph)
        }
        let targets = together.preferred(found, for: source.file) { $0.object.file }
        if let target = targets.first {
            guard let member = reference.member, let members = target.members, !reference.optional,
                // An alternative definition with the member satisfies the reference.
                !targets.contains(where: { $0.members?.contains(where: { $0.member == member }) ?? true })
            else { return nil }
            let span = source.span(reference.memberNode ?? reference.nameNode)
            let labels = members.compactMap(\.label)
            let names = members.compactMap(\.name)
            let note = DiagnosticNote(
                "\(reference.kind) \(reference.name) "
                    + (labels.isEmpty ? "has no \(memberNoun(member))s" : "has \(labels.joined(separator: ", "))")
                    + " here",
                at: target.membersNode.map(target.object.span) ?? target.location)
            var fix: SuggestedFix?
            if case .key(let key) = member, let guess = nearestName(key, in: names) {
                fix = SuggestedFix(
                    "did you mean `\(guess)`?", replacing: span, with: guess, applicability: .maybeIncorrect)
            } else if case .port(.name(let name)) = member, let guess = nearestName(name, in: names) {
                fix = SuggestedFix(
                    "did you mean `\(guess)`?", replacing: span, with: guess, applicability: .maybeIncorrect)
            } else if case .listener(let name) = member, let guess = nearestName(name, in: names) {
                fix = SuggestedFix(
                    "did you mean `\(guess)`?", replacing: span, with: guess, applicability: .maybeIncorrect)
            } else if case .port(.number(let number)) = member {
                let numbers = members.compactMap { member -> Int? in
                    if case .port(.number(let n)) = member.member { return n }
                    return nil
                }
                fix = PortNumbers.nearest(to: number, among: numbers).map {
                    SuggestedFix(
                        "did you mean \($0)?", replacing: span, with: String($0), applicability: .maybeIncorrect)
                }
            }
            return ReferenceProblem(
                message:
                    "\(what) names \(member) of \(reference.kind) \(reference.name), which has no such \(memberNoun(member))",
                span: span, notes: [note], fix: fix)
        }
        if reference.optional { return nil }
        let span = source.span(reference.nameNode)
        let place = "namespace \(reference.namespace)"
        switch absence(
            kind: reference.kind, name: reference.name, namespace: reference.namespace, in: graph,
            from: source.file, together: together, shipsWithUsers: shipsWithUsers)
        {
        case nil:
            return nil
        case .nearName(let guess, let location):
            return ReferenceProblem(
                message:
                    "\(what) names \(reference.kind) \(reference.name), which is not in \(place); the inputs define \(reference.kind) \(guess) there",
                span: span,
                notes: [DiagnosticNote("\(reference.kind) \(guess) is defined here", at: location)],
                fix: SuggestedFix(
                    "did you mean `\(guess)` (\(location))?", replacing: span, with: guess,
                    applicability: .maybeIncorrect))
        case .missing(let candidates):
            guard let first = candidates.first else { return nil }
            let names =
                candidates.prefix(5).map(\.name).joined(separator: ", ") + (candidates.count > 5 ? ", …" : "")
            return ReferenceProblem(
                message:
                    "\(what) names \(reference.kind) \(reference.name), which is not in \(place), though the inputs define the \(reference.kind)s there (\(names))",
                span: span,
                notes: [DiagnosticNote("\(reference.kind) \(first.name) is defined here", at: first.location)],
                fix: SuggestedFix("add \(reference.kind) \(reference.name) next to its users, or name one of \(names)"))
        }
    }

    /// Why an absent target is proven missing.
    enum Absence {
        /// The namespace holds one of that kind with a near name: a likely typo.
        case nearName(String, location: SourceSpan)
        /// The kind ships with its users and the namespace defines others of it (never empty).
        case missing([Candidate])
    }

    /// The one policy for a target the inputs do not contain: proven missing only by a near name
    /// of that kind in the namespace, or, for a kind that ships with its users, by the namespace
    /// defining others of that kind while no custom resource there may have its operator create
    /// it. Nil: the inputs prove nothing (the object may be created outside them). Only objects
    /// that may be applied with the referencing `file` are evidence (a sibling folder is an
    /// alternative deploy unit).
    static func absence(
        kind: String, name: String, namespace: String, in graph: ManifestGraph, from file: String,
        together: AppliedTogether, shipsWithUsers: Bool
    ) -> Absence? {
        let candidates = self.candidates(kind: kind, in: namespace, graph: graph).filter {
            together.mayApply($0.location.file, with: file)
        }
        guard !candidates.isEmpty else { return nil }
        let operatorsMayCreate =
            (createdByOperators.contains(kind) && graph.hasCustomResources(in: namespace))
            || together.templatesBeside(file)
        // Beside objects an operator creates, only a spelling slip is proof: sharing name tokens is not.
        let guess =
            operatorsMayCreate
            ? nearestName(name, in: candidates.map(\.name))
            : nearName(name, in: candidates.map(\.name))
        // The exact name defined by another deploy unit of the inputs (a sibling folder, another
        // kustomization, a file beside a kustomization that does not list it) is installed by it:
        // neither missing nor a misspelling of a near name here. (Asked only on the way to a
        // finding: it may scan the graph.)
        if let guess, let found = candidates.first(where: { $0.name == guess }) {
            guard !together.installedSeparately(kind: kind, name: name, in: graph, from: file) else { return nil }
            return .nearName(guess, location: found.location)
        }
        // Others of the kind in a `--context` kustomization or chart prove nothing by themselves.
        let provingCandidates = candidates.filter { !together.isContextUnit($0.location.file) }
        guard shipsWithUsers, !operatorsMayCreate, !provingCandidates.isEmpty,
            !together.installedSeparately(kind: kind, name: name, in: graph, from: file)
        else { return nil }
        return .missing(provingCandidates)
    }

    /// Kinds operators commonly create for their custom resources (ECK's `<name>-es-http`
    /// Service, its `<name>-es-elastic-user` Secret, prometheus-operator's `prometheus-operated`).
    private static let createdByOperators: Set<String> = [
        BuiltinKind.service, BuiltinKind.secret, BuiltinKind.configMap,
    ]

    /// Every definition of the target, in input order (several files may define it).
    private static func targets(of reference: NamedReference, in graph: ManifestGraph) -> [Target] {
        switch reference.kind {
        case BuiltinKind.configMap, BuiltinKind.secret:
            return graph.configDefinitions(kind: reference.kind, named: reference.name, in: reference.namespace).map {
                configTarget($0)
            }
        case BuiltinKind.service:
            return graph.services(named: reference.name, in: reference.namespace).map(serviceTarget)
        case "Gateway":
            return graph.gateways.filter {
                $0.object.namespace == reference.namespace && $0.object.name == reference.name
            }.map { gateway in
                Target(
                    location: gateway.object.nameSpan,
                    members: gateway.listeners.map {
                        Member(member: .listener($0.name), label: "`\($0.name)`", name: $0.name)
                    },
                    membersNode: gateway.object.spec?["listeners"], object: gateway.object)
            }
        default:
            guard let object = graph.object(reference.target) else { return [] }
            return [Target(location: object.nameSpan, members: nil, membersNode: nil, object: object)]
        }
    }

    private static func configTarget(_ data: ConfigData) -> Target {
        let object = data.definer
        return Target(
            location: data.nameNode.map(object.span) ?? object.startSpan,
            members: data.keys.map { keys in
                keys.map { Member(member: .key($0.key), label: "`\($0.key)`", name: $0.key) }
            },
            membersNode: data.isCreatedByAnotherObject ? nil : (object.root["data"] ?? object.root["stringData"]),
            object: object)
    }

    private static func serviceTarget(_ service: Service) -> Target {
        var members: [Member] = []
        for port in service.ports {
            if let number = port.port {
                members.append(
                    Member(
                        member: .port(.number(number)),
                        label: "port \(number)" + (port.name.map { " (\($0))" } ?? ""), name: nil))
            }
            if let name = port.name { members.append(Member(member: .port(.name(name)), label: nil, name: name)) }
        }
        // An ExternalName Service has no ports (a DNS alias): any port is the client's own.
        return Target(
            location: service.object.nameSpan, members: service.type == "ExternalName" ? nil : members,
            membersNode: service.object.spec?["ports"], object: service.object)
    }

    struct Candidate {
        var name: String
        var location: SourceSpan
    }

    private static func candidates(kind: String, in namespace: String, graph: ManifestGraph) -> [Candidate] {
        if kind == BuiltinKind.configMap || kind == BuiltinKind.secret {
            return graph.configData(kind: kind, in: namespace).map { data in
                Candidate(name: data.name, location: data.nameNode.map(data.definer.span) ?? data.definer.startSpan)
            }
        }
        // Only core Services, as `target(of:)` finds them: a Knative Service is not a candidate.
        let coreOnly = kind == BuiltinKind.service
        // One pass over the (lazy) objects: a namespace can hold thousands.
        var candidates: [Candidate] = []
        for object in graph.objects(kind: kind, in: namespace)
        where !object.name.isEmpty && (!coreOnly || object.apiGroup.isEmpty) {
            candidates.append(Candidate(name: object.name, location: object.nameSpan))
        }
        return candidates
    }

    private static func memberNoun(_ member: ReferenceMember) -> String {
        switch member {
        case .key: "key"
        case .port: "port"
        case .listener: "listener"
        }
    }

    /// A near name: `nearestName`, or else the one candidate that has the same name tokens (split
    /// at `-`, `_` and `.`) but for one token inserted between the same first and last tokens
    /// (`posts-srv` and `posts-clusterip-srv`). A prefix or suffix added (`app` and
    /// `app-config`, `cloud-config` and `bootstrap-token-cloud-config`) names another object.
    static func nearName(_ name: String, in candidates: some Collection<String>) -> String? {
        if let guess = nearestName(name, in: candidates) { return guess }
        let wanted = nameTokens(name)
        guard wanted.count >= 2 else { return nil }
        let matches = candidates.filter { candidate in
            let tokens = nameTokens(candidate)
            let (short, long) = tokens.count < wanted.count ? (tokens, wanted) : (wanted, tokens)
            guard short.count >= 2, long.count == short.count + 1, short.first == long.first,
                short.last == long.last
            else { return false }
            // The shorter is the longer with one inner token left out.
            return (1..<(long.count - 1)).contains { skipped in
                Array(long[..<skipped] + long[(skipped + 1)...]) == short
            }
        }
        // Two candidates: no single likely intent.
        return matches.count == 1 ? matches.first : nil
    }

    private static func nameTokens(_ name: String) -> [Substring] {
        name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).map { Substring($0) }
    }

    /// A name differing only in case, or by a small edit: a likely typo. Whole name tokens both
    /// share are not what makes two names near (`hf-secret` and `chap-secret` share only a generic
    /// `secret`): what differs between them must itself be a small edit.
    static func nearestName(_ name: String, in candidates: some Collection<String>) -> String? {
        let lower = name.lowercased()
        if let sameLetters = candidates.first(where: { $0 != name && $0.lowercased() == lower }) {
            return sameLetters
        }
        // A candidate farther than a slip cannot be the answer: the distance (cheap beside the
        // token split) rules out most of a namespace's thousands first.
        let allowed = NearName.inputName.allowedDistance(forLength: name.count)
        return NearName.inputName.nearest(
            name,
            in: candidates.filter {
                NearName.editDistance(name, $0, atMost: allowed) != nil && differsBySmallEdit(name, $0)
            })
    }

    /// Whether `a` and `b`, without the whole name tokens they share at the start and at the end,
    /// differ by a small edit that keeps part of them: `posts-srv` and `post-srv` (`posts`, `post`),
    /// not `smoke-secret` and `cafe-secret` (`smoke`, `cafe`) nor `db-tls` and `hf-tls`.
    static func differsBySmallEdit(_ a: String, _ b: String) -> Bool {
        let left = nameTokens(a)
        let right = nameTokens(b)
        var prefix = 0
        while prefix < min(left.count, right.count), left[prefix] == right[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(left.count, right.count) - prefix,
            left[left.count - 1 - suffix] == right[right.count - 1 - suffix]
        {
            suffix += 1
        }
        // No shared token: the whole names are compared, as written.
        guard prefix + suffix > 0 else { return true }
        let restA = left[prefix..<(left.count - suffix)].joined(separator: "-")
        let restB = right[prefix..<(right.count - suffix)].joined(separator: "-")
        // Only the separators differ (`my_secret`, `my-secret`).
        if restA.isEmpty && restB.isEmpty { return true }
        let distance = NearName.editDistance(restA, restB)
        return distance <= max(2, max(restA.count, restB.count) / 3) && distance < min(restA.count, restB.count)
    }
}

extension ManifestObject {
    /// Whether `metadata.namespace` is written; without it the object goes where it is applied
    /// (`kubectl apply -n`, a kustomization's `namespace:`).
    var namespaceIsWritten: Bool { !(metadata?["namespace"]?.scalar ?? "").isEmpty }
}

extension Array where Element == Diagnostic {
    /// Without repeats of the same finding (a volume's name is read once per item key).
    func uniqued() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return filter { seen.insert($0).inserted }
    }
}

extension RuleInfo {
    /// Findings for the broken ones among `references`, each on its source object.
    func findings(
        _ references: some Sequence<NamedReference>, in graph: ManifestGraph, context: RuleContext,
        shipsWithUsers: Bool = false
    ) -> [Diagnostic] {
        let together = AppliedTogether(graph, context: context)
        return references.compactMap { reference in
            ReferenceResolver.problem(reference, in: graph, together: together, shipsWithUsers: shipsWithUsers).map {
                diagnostic($0.message, at: $0.span, object: reference.source, notes: $0.notes, fix: $0.fix)
            }
        }.uniqued()
    }

    /// Findings for what pod templates name of `kind`, in every workload kind.
    func podReferenceFindings(
        kind: String, in graph: ManifestGraph, context: RuleContext, shipsWithUsers: Bool = false
    ) -> [Diagnostic] {
        let references = graph.workloads.lazy.flatMap { workload in
            workload.template.references(of: workload.object, kind: kind)
        }
        return findings(references, in: graph, context: context, shipsWithUsers: shipsWithUsers)
    }
}

extension ManifestObject {
    /// `apiGroup.isEmpty` (the core API: `v1`) without building the group.
    var isCoreAPIGroup: Bool { slashInASCIIAPIVersion.map { $0 == nil || $0 == 0 } ?? apiGroup.isEmpty }

    /// `apiGroup`, found in the bytes when `apiVersion` is ASCII (nearly always) rather than by
    /// characters, which cost more than the rest of a rule's work on the object.
    var asciiAPIGroup: String {
        guard let slash = slashInASCIIAPIVersion else { return apiGroup }
        guard let slash else { return "" }
        return String(Substring(apiVersion.utf8.prefix(slash)))
    }

    /// The byte offset of the first `/` of an ASCII `apiVersion` (`.some(nil)`: none); nil when
    /// `apiVersion` is not ASCII (then characters are not bytes).
    private var slashInASCIIAPIVersion: Int?? {
        var version = apiVersion
        return version.withUTF8 { bytes -> Int?? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return .some(bytes.firstIndex(of: UInt8(ascii: "/")))
        }
    }
}
