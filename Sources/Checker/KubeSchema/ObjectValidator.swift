import Foundation
import KubeDiagnostics
import KubeModel
import KubeYAML

/// One walk over one object's nodes against its type: unknown fields,
/// missing required fields, types and the values validation enforces.
struct ObjectValidator {
    let schema: Schema
    let object: ManifestObject
    /// The object's nodes by index: the walk makes a `YAMLNode` only for a finding.
    let tree: YAMLTree
    var findings: [Diagnostic] = []
    /// Inside a top-level `status`: the API server resets status on create and does not
    /// validate it, so missing "required" status fields are no error (decoding still is).
    private var inStatus = false
    private var depth = 0

    init(schema: Schema, object: ManifestObject) {
        self.schema = schema
        self.object = object
        tree = YAMLTree(of: object.root)
    }

    /// What a value is, for messages: the field that holds it and the type that owns the field,
    /// as indexes (names are looked up only when a finding is written).
    struct Place {
        /// Index in `schema.fields`; -1 for the object itself or a key of an open object.
        var field: Int32
        /// Index in `schema.objects`; -1 for the object itself.
        var owner: Int32
        var item: Bool = false
        /// The key of a map entry (a label value, a resource limit) or of an open object; -1 for none.
        var key: YAMLTree.Index = -1
    }

    func describe(_ place: Place) -> String {
        let owner = place.owner >= 0 ? schema.objectNames[Int(place.owner)] : object.apiVersion
        var name = place.field >= 0 ? schema.fields[Int(place.field)].name : (place.owner >= 0 ? "" : object.kind)
        if place.key >= 0 { name += (name.isEmpty ? "" : ".") + (tree.node(place.key).scalar ?? "?") }
        return place.item ? "an item of `\(name)` (\(owner))" : "`\(name)` (\(owner))"
    }

    mutating func validateRoot(_ root: TypeRef) {
        value(
            YAMLTree.index(of: object.root), root, check: 0, place: Place(field: -1, owner: -1),
            holder: Self.rootHolder)
    }

    /// The holder of the object itself: its `kind` key (or, without one, its root), looked up only
    /// for a finding.
    private static let rootHolder: YAMLTree.Index = -1

    private func holderNode(_ holder: YAMLTree.Index) -> YAMLNode {
        holder == Self.rootHolder ? (object.root.keyNode("kind") ?? object.root) : tree.node(holder)
    }

    /// `holder`: where a finding on a collection points (its key, or the item itself).
    mutating func value(
        _ node: YAMLTree.Index, _ type: TypeRef, check: UInt16, place: Place, holder: YAMLTree.Index
    ) {
        switch type.shape {
        case .any, .reference:
            return
        case .mapping:
            if tree.kind(node) != .mapping && !tree.isNull(node) {
                typeError(node, holder: holder, expected: "a mapping", place: place)
            }
        case .object:
            guard tree.kind(node) == .mapping else {
                if !tree.isNull(node) {
                    typeError(node, holder: holder, expected: "an object (a mapping of fields)", place: place)
                }
                return
            }
            fields(node, type.index, holder: holder)
        case .list:
            guard tree.kind(node) == .sequence else {
                if !tree.isNull(node) { typeError(node, holder: holder, expected: "a list", place: place) }
                return
            }
            let element = schema.elements[Int(type.index)]
            var itemPlace = place
            itemPlace.item = true
            for position in 0..<tree.itemCount(node) {
                let item = tree.item(node, position)
                value(item, element, check: check, place: itemPlace, holder: item)
            }
        case .map:
            guard tree.kind(node) == .mapping else {
                if !tree.isNull(node) { typeError(node, holder: holder, expected: "a mapping", place: place) }
                return
            }
            let element = schema.elements[Int(type.index)]
            let pairs = tree.pairs(node)
            for position in 0..<pairs.count {
                let (key, entry) = tree.pair(pairs, position)
                var entryPlace = place
                entryPlace.key = key
                value(entry, element, check: check, place: entryPlace, holder: key)
            }
        case .constrained:
            let constraint = schema.constraints[Int(type.index)]
            let before = findings.count
            value(node, constraint.base, check: check, place: place, holder: holder)
            if findings.count == before { constrained(tree.node(node), constraint, place: place) }
        default:
            scalar(node, type.shape, check: check, place: place, holder: holder)
        }
    }

    // MARK: objects

    private mutating func fields(_ node: YAMLTree.Index, _ objectIndex: Int32, holder: YAMLTree.Index) {
        let type = schema.objects[Int(objectIndex)]
        var requiredSeen = 0
        /// Fields that unknown keys of this mapping were suggested as (`contianerPort` → containerPort):
        /// the typo is the one root cause, not also a missing field.
        var suggested: [String] = []
        var legacyBackendReported = false
        var hasValueFrom = false
        let pairs = tree.pairs(node)
        for position in 0..<pairs.count {
            let (key, entry) = tree.pair(pairs, position)
            let found = field(named: key, of: type)
            if type.isEnvVar && tree.scalar(key, equals: "valueFrom") { hasValueFrom = true }
            guard found >= 0 else {
                if let additional = type.additional {
                    value(
                        entry, additional, check: 0, place: Place(field: -1, owner: objectIndex, key: key), holder: key)
                } else if Self.isLegacyBackendField(tree.node(key), in: schema.objectNames[Int(objectIndex)]) {
                    // serviceName and servicePort in a v1 backend are one mistake: the v1beta1 form.
                    if !legacyBackendReported { legacyBackend(tree.node(node)) }
                    legacyBackendReported = true
                } else if !type.preservesUnknown, let suggestion = unknownField(tree.node(key), in: objectIndex) {
                    suggested.append(suggestion)
                }
                continue
            }
            let (fieldType, check, required) = schema.fields.withUnsafeBufferPointer { fields in
                (fields[found].type, fields[found].check, fields[found].required)
            }
            if required && !tree.isNull(entry) { requiredSeen += 1 }
            let entersStatus = depth == 0 && tree.scalar(key, equals: "status")
            if entersStatus { inStatus = true }
            depth += 1
            value(entry, fieldType, check: check, place: Place(field: Int32(found), owner: objectIndex), holder: key)
            depth -= 1
            if entersStatus { inStatus = false }
        }
        if requiredSeen < type.requiredCount && !inStatus {
            missingRequired(tree.node(node), objectIndex, holder: holderNode(holder), suggested: suggested)
        }
        // Only an env var with `valueFrom` can hold both.
        if hasValueFrom { envValueAndValueFrom(tree.node(node)) }
    }

    /// The index in `schema.fields` of the field of `type` that `key` names; -1 when none does.
    @inline(__always)
    private func field(named key: YAMLTree.Index, of type: ObjectType) -> Int {
        // A key stored as a vocabulary word: its id says which field, if any, has its text.
        if let word = tree.sharedWord(key, in: schema.vocabulary) { return schema.field(word: word, of: type) }
        // Any other key (a word of another vocabulary, a CRD's own field names): by hash and bytes.
        guard let hash = tree.scalarFNV1a(key) else { return -1 }
        return schema.fields.withUnsafeBufferPointer { fields in
            var position = type.fields.lowerBound
            while position < type.fields.upperBound {
                if fields[position].hash == hash && tree.scalar(key, equals: fields[position].name) { return position }
                position += 1
            }
            return -1
        }
    }

    /// validation.go validateEnvVarValueFrom: `valueFrom` "may not be specified when `value` is not
    /// empty" (an empty `value` beside it is accepted).
    private mutating func envValueAndValueFrom(_ env: YAMLNode) {
        guard let valueFrom = env.keyNode("valueFrom"), let valueFromNode = env["valueFrom"], !valueFromNode.isNull,
            let valueKey = env.keyNode("value"), let value = env["value"], let text = value.scalar, !value.isNull,
            !text.isEmpty
        else { return }
        let name = env["name"]?.scalar.map { "env var \($0)" } ?? "this env var"
        findings.append(
            Diagnostic(
                ruleID: RuleID.fieldValue, severity: .error, span: object.span(key: valueKey, value: value),
                message:
                    "\(name) sets both `value` and `valueFrom`; the API server rejects it (`valueFrom: may not be specified when `value` is not empty`)",
                notes: [DiagnosticNote("`valueFrom` is here", at: object.span(valueFrom))],
                fix: SuggestedFix(
                    "keep one of the two: remove `value` to read the value from `valueFrom`, or remove `valueFrom`"),
                object: object.reference))
    }

    /// Reports an unknown key; returns the field it suggests instead, if any.
    @discardableResult
    private mutating func unknownField(_ key: YAMLNode, in objectIndex: Int32) -> String? {
        let type = schema.objects[Int(objectIndex)]
        let typeName = schema.objectNames[Int(objectIndex)]
        let name = key.scalar ?? "?"
        let candidates = schema.fields[type.fields].map(\.name)
        let span = object.span(key)
        var fix: SuggestedFix?
        var message = "unknown field \(UserText.quoted(name)) in \(typeName)"
        let suggestion = NearName.apiName.nearest(name, in: candidates)
        if let suggestion {
            message += "; did you mean `\(suggestion)`?"
            fix = SuggestedFix(
                "rename it to `\(suggestion)`", replacing: span, with: suggestion, applicability: .maybeIncorrect)
        } else {
            let shown = candidates.prefix(12).joined(separator: ", ")
            message += " (known fields: \(shown)\(candidates.count > 12 ? ", …" : ""))"
            fix = SuggestedFix("remove it or move it to the object that defines it")
        }
        findings.append(
            Diagnostic(
                ruleID: RuleID.unknownField, severity: .error, span: span,
                message: message + "; the API server rejects unknown fields (strict field validation)",
                fix: fix, object: object.reference))
        return suggestion
    }

    /// `serviceName` / `servicePort` where the type is networking.k8s.io/v1's IngressBackend (the
    /// v1beta1 IngressBackend defines them, so they are unknown only in v1).
    private static func isLegacyBackendField(_ key: YAMLNode, in typeName: String) -> Bool {
        typeName == "IngressBackend" && (key.scalarEquals("serviceName") || key.scalarEquals("servicePort"))
    }

    /// One finding for a v1 backend written as v1beta1, at the backend's fields, with the v1 form
    /// (v1beta1 conversion: an integer servicePort is `port.number`, a string one `port.name`) as
    /// the replacement when the backend holds nothing else.
    private mutating func legacyBackend(_ backend: YAMLNode) {
        let pairs = backend.pairs
        guard let first = pairs.first, let last = pairs.last else { return }
        // The finding points at the first field; the fix replaces all of them.
        let span = object.span(key: first.key, value: last.value)
        let primary = object.span(key: first.key, value: first.value)
        let name = backend["serviceName"]
        let port = backend["servicePort"]
        var converted: String?
        if let nameText = name?.string.flatMap(Self.flowScalar), let port {
            if let number = port.int {
                converted = "service: {name: \(nameText), port: {number: \(number)}}"
            } else if let portText = port.string {
                // A quoted number was meant as one: as a name it would fail IANA_SVC_NAME validation.
                let portField = Int(portText).map { "number: \($0)" } ?? Self.flowScalar(portText).map { "name: \($0)" }
                converted = portField.map { "service: {name: \(nameText), port: {\($0)}}" }
            }
        }
        let onlyLegacyFields = pairs.allSatisfy {
            $0.key.scalarEquals("serviceName") || $0.key.scalarEquals("servicePort")
        }
        let example = converted ?? "service: {name: …, port: {number: …}}"
        let fix: SuggestedFix
        if let converted, onlyLegacyFields {
            let lines = span.endLine > span.line ? "lines \(span.line)–\(span.endLine)" : "line \(span.line)"
            fix = SuggestedFix(
                "replace `serviceName` and `servicePort` (\(lines)) with the v1 form", replacing: span, with: converted)
        } else {
            fix = SuggestedFix("write the backend as `\(example)` (or `port: {name: …}` for a named port)")
        }
        findings.append(
            Diagnostic(
                ruleID: RuleID.unknownField, severity: .error, span: primary,
                message:
                    "`serviceName` and `servicePort` are the backend fields of extensions/v1beta1 and networking.k8s.io/v1beta1; networking.k8s.io/v1 writes `\(example)`, and the API server rejects this backend (unknown fields, strict field validation)",
                fix: fix, object: object.reference))
    }

    /// A scalar for a flow mapping: plain when YAML reads it back as the same string, else
    /// double-quoted; nil for text with control characters (no valid name has them).
    private static func flowScalar(_ text: String) -> String? {
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let simple =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { c in
                (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "."
                    || c == "_"
            }
        let typedWords: Set<String> = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"]
        if simple && !typedWords.contains(text.lowercased()) && Double(text) == nil && text.first != "." {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    private mutating func missingRequired(
        _ node: YAMLNode, _ objectIndex: Int32, holder: YAMLNode, suggested: [String]
    ) {
        let type = schema.objects[Int(objectIndex)]
        let typeName = schema.objectNames[Int(objectIndex)]
        for field in schema.fields[type.fields] where field.required && !suggested.contains(field.name) {
            if let present = node[field.name], !present.isNull { continue }
            if Self.ownedElsewhere(typeName, field.name) { continue }
            let nullNote = node[field.name] != nil ? " (it is empty here)" : ""
            // At the top the holder is the `kind` key: name the object, not the key.
            let what =
                depth == 0
                ? object.title
                : holder.isScalar ? "\(UserText.quoted(holder.scalar ?? "")) (\(typeName))" : "this \(typeName)"
            findings.append(
                Diagnostic(
                    ruleID: RuleID.requiredField, severity: .error, span: object.span(holder),
                    message: "\(what) is missing the required field `\(field.name)`\(nullNote)",
                    fix: SuggestedFix("add `\(field.name):`"), object: object.reference))
        }
    }

    /// Required fields another rule reports with more context: a path's pathType
    /// (ingress-path) and a workload's selector (workload-selector).
    private static func ownedElsewhere(_ type: String, _ field: String) -> Bool {
        switch (type, field) {
        case ("HTTPIngressPath", "pathType"): true
        case ("DeploymentSpec", "selector"), ("ReplicaSetSpec", "selector"), ("StatefulSetSpec", "selector"),
            ("DaemonSetSpec", "selector"):
            true
        default: false
        }
    }

    // MARK: scalars

    private mutating func scalar(
        _ index: YAMLTree.Index, _ shape: Shape, check: UInt16, place: Place, holder: YAMLTree.Index
    ) {
        guard let (type, integer) = tree.scalarTypeAndInt(index) else {
            typeError(index, holder: holder, expected: Self.expected(shape), place: place)
            return
        }
        if type == .null { return }
        let accepted: Bool
        switch shape {
        case .string, .bytes: accepted = type == .string
        case .integer, .int32: accepted = type == .int || (type == .float && Self.isIntegral(tree.node(index)))
        case .boolean: accepted = type == .bool
        case .number: accepted = type == .int || type == .float
        case .quantity: accepted = type != .bool
        case .intOrString:
            accepted = type == .string || type == .int || (type == .float && Self.isIntegral(tree.node(index)))
        default: accepted = true
        }
        guard accepted else {
            typeError(index, holder: holder, expected: Self.expected(shape), place: place)
            return
        }
        if shape == .int32, type == .int, integer.map({ $0 < Int(Int32.min) || $0 > Int(Int32.max) }) ?? true {
            // The integer is nil beyond 64 bits (`0x1_0000_0000_0000_0000`).
            let node = tree.node(index)
            let shown = integer.map(String.init) ?? UserText.shown(node.scalar ?? "")
            valueError(node, "\(describe(place)) is \(shown), beyond a 32-bit integer", fix: nil)
            return
        }
        if shape == .quantity && type == .string {
            let valid = tree.withScalarBytes(index) { Quantity.isValid($0) } ?? true
            if !valid { badQuantity(tree.node(index), place: place) }
        }
        if shape == .bytes && type == .string,
            let offset = tree.withScalarBytes(index, { Base64.firstInvalidByte(in: $0) }) ?? nil
        {
            badBase64(tree.node(index), at: offset, place: place)
        }
        if check != 0 { valueRule(index, type: type, integer: integer, check: check, place: place) }
    }

    private static func isIntegral(_ node: YAMLNode) -> Bool {
        guard let text = node.scalar, let number = Double(text.replacingOccurrences(of: "_", with: "")) else {
            return false
        }
        return number.rounded() == number && abs(number) < 9e15
    }

    private static func expected(_ shape: Shape) -> String {
        switch shape {
        case .string: "a string"
        case .bytes: "a base64 string"
        case .integer, .int32: "an integer"
        case .boolean: "a boolean (true or false)"
        case .number: "a number"
        case .quantity: "a quantity (like 500m, 128Mi or 0.5)"
        case .intOrString: "an integer or a string"
        case .object: "an object (a mapping of fields)"
        case .list: "a list"
        case .map, .mapping: "a mapping"
        default: "another type"
        }
    }

    /// `type` and `integer`: the node's `scalarTypeAndInt`.
    private mutating func valueRule(
        _ index: YAMLTree.Index, type: ScalarType, integer: Int?, check: UInt16, place: Place
    ) {
        guard let rule = ValueRules.rule(check) else { return }
        switch rule {
        case .oneOf(let allowed):
            guard type == .string, let text = tree.node(index).scalar, !text.isEmpty, !allowed.contains(text) else {
                return
            }
            notAllowed(tree.node(index), text, allowed: allowed, place: place, reason: nil)
        case .podRestartPolicy:
            guard type == .string, let text = tree.node(index).scalar, !text.isEmpty else { return }
            let allowed = ValueRules.restartPolicies(forKind: object.kind)
            guard !allowed.contains(text) else { return }
            let reason =
                ["Always", "OnFailure", "Never"].contains(text)
                ? "a \(object.kind)'s pods must use \(allowed.joined(separator: " or "))" : nil
            notAllowed(tree.node(index), text, allowed: allowed, place: place, reason: reason)
        case .port(let range):
            guard let number = integer, !range.contains(number) else { return }
            valueError(
                tree.node(index),
                "\(describe(place)) is \(number), outside \(range.lowerBound)–\(range.upperBound); the API server rejects the object",
                fix: SuggestedFix("use a port number in \(max(1, range.lowerBound))–\(range.upperBound)"))
        case .nonNegative:
            guard let number = integer, number < 0 else { return }
            valueError(
                tree.node(index), "\(describe(place)) is \(number); it must not be negative",
                fix: SuggestedFix("use 0 or a positive number"))
        }
    }

    private mutating func notAllowed(
        _ node: YAMLNode, _ text: String, allowed: [String], place: Place, reason: String?
    ) {
        let span = object.span(node)
        var message = "\(describe(place)) is \(UserText.quoted(text)), "
        message +=
            reason.map { "but \($0)" }
            ?? "which is not a supported value (\(allowed.map { "`\($0)`" }.joined(separator: ", ")))"
        var fix: SuggestedFix?
        if let match = allowed.first(where: { $0.lowercased() == text.lowercased() })
            ?? NearName.apiName.nearest(text, in: allowed)
        {
            message += "; did you mean `\(match)`?"
            fix = SuggestedFix("write `\(match)`", replacing: span, with: match, applicability: .maybeIncorrect)
        } else {
            fix = SuggestedFix("use one of \(allowed.joined(separator: ", "))")
        }
        findings.append(
            Diagnostic(
                ruleID: RuleID.fieldValue, severity: .error, span: span, message: message, fix: fix,
                object: object.reference))
    }

    private mutating func badQuantity(_ node: YAMLNode, place: Place) {
        let text = node.scalar ?? ""
        let span = object.span(node)
        var message =
            "\(describe(place)) is \(UserText.quoted(text)), which is not a Kubernetes quantity (a number with an optional suffix: m, k, M, G, Ki, Mi, Gi, …, or an exponent like 1e3)"
        var fix = SuggestedFix("write a quantity such as 500m, 0.5, 128Mi or 1G")
        if let suggestion = Quantity.suggestion(for: text) {
            message += "; did you mean `\(suggestion)`?"
            fix = SuggestedFix(
                "write `\(suggestion)` (2^20-based; `M` is 10^6)", replacing: span, with: suggestion,
                applicability: .maybeIncorrect)
        }
        findings.append(
            Diagnostic(
                ruleID: RuleID.fieldValue, severity: .error, span: span, message: message, fix: fix,
                object: object.reference))
    }

    private mutating func badBase64(_ node: YAMLNode, at offset: Int, place: Place) {
        let text = node.scalar ?? ""
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        let whatIsWrong =
            offset < text.utf8.count
            ? "byte \(offset + 1) is not in the base64 alphabet or its padding"
            : "its length is not a whole number of base64 groups"
        var message =
            "\(describe(place)) is \(UserText.quoted(shown)), which is not base64 (\(whatIsWrong)); the API server reads this field as base64 and rejects the object"
        let fix: SuggestedFix
        if object.kind == BuiltinKind.secret {
            message += "; plain text belongs under `stringData`"
            fix = SuggestedFix("encode the value (`printf %s 'value' | base64`) or move the key to `stringData`")
        } else {
            fix = SuggestedFix("encode the value with base64 (`base64 -w0 file`)")
        }
        findings.append(
            Diagnostic(
                ruleID: RuleID.fieldValue, severity: .error, span: object.span(node), message: message, fix: fix,
                object: object.reference))
    }

    private mutating func valueError(_ node: YAMLNode, _ message: String, fix: SuggestedFix?) {
        findings.append(
            Diagnostic(
                ruleID: RuleID.fieldValue, severity: .error, span: object.span(node), message: message,
                fix: fix, object: object.reference))
    }

    // MARK: CRD constraints

    private mutating func constrained(_ node: YAMLNode, _ constraint: Constraint, place: Place) {
        guard let text = node.scalar, !node.isNull else { return }
        if let allowed = constraint.allowed, !allowed.contains(text) {
            notAllowed(node, text, allowed: allowed, place: place, reason: nil)
            return
        }
        if let number = Double(text) {
            if let minimum = constraint.minimum, number < minimum {
                valueError(node, "\(describe(place)) is \(text), below the minimum \(Self.format(minimum))", fix: nil)
            } else if let maximum = constraint.maximum, number > maximum {
                valueError(node, "\(describe(place)) is \(text), above the maximum \(Self.format(maximum))", fix: nil)
            }
        }
        if let regex = constraint.regex, node.scalarType == .string {
            switch PatternMatch.evaluate(regex, text) {
            case .matches: break
            case .doesNotMatch:
                valueError(
                    node,
                    "\(describe(place)) is \(UserText.quoted(text)), which does not match the pattern \(UserText.quoted(constraint.pattern ?? ""))",
                    fix: nil)
            case .unevaluated:
                // Said, never guessed: a search ICU could not finish says nothing about the value.
                findings.append(
                    Diagnostic(
                        ruleID: RuleID.patternUnchecked, severity: .note, span: object.span(node),
                        message:
                            "\(describe(place)) was not checked against the pattern \(UserText.quoted(constraint.pattern ?? "")): the regex engine kubewire uses (ICU, which backtracks) gave up on this value; the API server evaluates patterns with RE2, in linear time",
                        fix: SuggestedFix(
                            "check the object with `kubectl apply --dry-run=server`, or write the pattern without nested repetition"
                        ),
                        object: object.reference))
            }
        }
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

    // MARK: types

    /// At the value when it is a scalar; at its key (or list item) when it is a collection,
    /// which starts on the next line.
    private mutating func typeError(
        _ index: YAMLTree.Index, holder: YAMLTree.Index, expected: String, place: Place
    ) {
        let node = tree.node(index)
        let holder = holderNode(holder)
        let span = object.span(node.isScalar ? node : holder)
        let actual = Self.describe(node)
        var message = "\(describe(place)) must be \(expected), but it is \(actual)"
        var fix: SuggestedFix?
        if let text = node.scalar {
            switch expected {
            case "a string":
                let quoted =
                    "\""
                    + text.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\"", with: "\\\"") + "\""
                fix = SuggestedFix("quote it: \(quoted)", replacing: span, with: quoted)
            case "an integer", "an integer or a string", "a number":
                if node.scalarType == .string, let number = Int(text.trimmingCharacters(in: .whitespaces)) {
                    fix = SuggestedFix("remove the quotes: \(number)", replacing: span, with: String(number))
                }
            case "a boolean (true or false)":
                let lower = text.lowercased()
                if node.scalarType == .string, lower == "true" || lower == "false" {
                    fix = SuggestedFix("remove the quotes: \(lower)", replacing: span, with: lower)
                }
            default: break
            }
        } else if expected == "a list" && node.isMapping {
            message += "; write each entry as a list item (`- name: …`)"
            fix = SuggestedFix("turn the mapping into a list of entries")
        }
        message += "; the API server rejects the object"
        findings.append(
            Diagnostic(
                ruleID: RuleID.fieldType, severity: .error, span: span, message: message, fix: fix,
                object: object.reference))
    }

    static func describe(_ node: YAMLNode) -> String {
        if node.isMapping { return "a mapping" }
        if node.isSequence { return "a list" }
        let text = node.scalar ?? ""
        switch node.scalarType {
        case .int: return "the number \(UserText.shown(text))"
        case .float: return "the number \(UserText.shown(text))"
        case .bool: return "the boolean \(text)"
        case .null: return "null"
        default: return "the string \"\(UserText.shown(text))\""
        }
    }
}
