/// A strict check of the Prometheus text exposition format (0.0.4), the rules `promtool check metrics`
/// applies to syntax: names and label names well formed, label values properly quoted and escaped, values
/// numbers, HELP and TYPE at most once per family and before its samples, each family's samples together,
/// no series twice; for a histogram, `_bucket` samples with ascending `le` bounds, cumulative (never
/// decreasing) counts, a `+Inf` bucket equal to `_count`, and a `_sum`. Returns the problems found, with
/// line numbers.
enum PrometheusTextCheck {
    /// One histogram's samples seen so far (ungrouped by labels: courtwatch's histograms have none but `le`).
    private struct HistogramSeen {
        var bounds: [Double] = []
        var counts: [Double] = []
        var count: Double?
        var sum: Double?
    }

    static func problems(_ text: String) -> [String] {
        var problems: [String] = []
        var histograms: [String: HistogramSeen] = [:]
        var typed: [String: String] = [:]
        var helped: Set<String> = []
        var finished: Set<String> = []
        var current: String?
        var series: Set<String> = []
        guard text.hasSuffix("\n") else { return ["the exposition does not end with a newline"] }
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = offset + 1
            func fail(_ message: String) { problems.append("line \(number): \(message)") }
            func enter(_ family: String) {
                if current != family {
                    if let current { finished.insert(current) }
                    if finished.contains(family) { fail("family \(family) appears in two places") }
                    current = family
                }
            }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#" else { continue }
                let name = String(parts[2])
                guard isMetricName(name) else { fail("bad metric name \(name)"); continue }
                if parts[1] == "HELP" {
                    if !helped.insert(name).inserted { fail("second HELP for \(name)") }
                    enter(name)
                } else if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        fail("bad TYPE line"); continue
                    }
                    if typed[name] != nil { fail("second TYPE for \(name)") }
                    if current == name && series.contains(where: { $0.hasPrefix(name + "{") || $0 == name }) {
                        fail("TYPE for \(name) after its samples")
                    }
                    typed[name] = String(parts[3])
                    enter(name)
                }
                continue
            }
            if line.isEmpty { fail("blank line"); continue }
            // name{labels} value
            var index = line.startIndex
            while index < line.endIndex, line[index] != "{", line[index] != " " { index = line.index(after: index) }
            let name = String(line[..<index])
            guard isMetricName(name) else { fail("bad metric name '\(name)'"); continue }
            let histogram = ["_bucket", "_sum", "_count"].lazy.compactMap { suffix -> (String, String)? in
                guard name.hasSuffix(suffix) else { return nil }
                let base = String(name.dropLast(suffix.count))
                return typed[base] == "histogram" ? (base, suffix) : nil
            }.first
            enter(histogram?.0 ?? name)
            var labelText = ""
            if index < line.endIndex, line[index] == "{" {
                guard let close = labelsEnd(line, from: index) else { fail("unterminated labels"); continue }
                labelText = String(line[line.index(after: index)..<close])
                if let problem = labelProblem(labelText) { fail(problem) }
                index = line.index(after: close)
            }
            guard index < line.endIndex, line[index] == " " else { fail("no space before the value"); continue }
            let value = line[line.index(after: index)...].split(separator: " ")
            guard (1...2).contains(value.count), isNumber(String(value[0])) else { fail("bad value '\(value.first ?? "")'"); continue }
            if value.count == 2, Int64(value[1]) == nil { fail("bad timestamp") }
            if !series.insert(name + "{" + labelText + "}").inserted { fail("series \(name){\(labelText)} twice") }
            if let (base, suffix) = histogram {
                let number = Double(String(value[0]).replacingOccurrences(of: "+Inf", with: "inf")) ?? .nan
                var seen = histograms[base] ?? HistogramSeen()
                switch suffix {
                case "_bucket":
                    let bound = labelText.split(separator: ",").first { $0.hasPrefix("le=\"") }
                        .map { String($0.dropFirst(4).dropLast()) }
                    guard let bound, let le = bound == "+Inf" ? Double.infinity : Double(bound) else {
                        fail("bucket of \(base) without a numeric le label"); continue
                    }
                    if let last = seen.bounds.last, le <= last { fail("bucket le=\(bound) of \(base) not ascending") }
                    if let last = seen.counts.last, number < last {
                        fail("bucket le=\(bound) of \(base) not cumulative")
                    }
                    seen.bounds.append(le)
                    seen.counts.append(number)
                case "_sum": seen.sum = number
                default: seen.count = number
                }
                histograms[base] = seen
            }
        }
        for (base, seen) in histograms.sorted(by: { $0.key < $1.key }) {
            if seen.bounds.last != .infinity { problems.append("histogram \(base) has no +Inf bucket") }
            if seen.count == nil || seen.count != seen.counts.last {
                problems.append("histogram \(base): _count is not the +Inf bucket")
            }
            if seen.sum == nil { problems.append("histogram \(base) has no _sum") }
        }
        return problems
    }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func isNumber(_ text: String) -> Bool {
        ["NaN", "+Inf", "-Inf"].contains(text) || (Double(text) != nil && !text.contains("_"))
    }

    /// The index of the `}` closing the labels, skipping quoted values.
    private static func labelsEnd(_ line: Substring, from open: Substring.Index) -> Substring.Index? {
        var inQuotes = false
        var escaped = false
        var index = line.index(after: open)
        while index < line.endIndex {
            let character = line[index]
            if inQuotes {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "}" {
                return index
            }
            index = line.index(after: index)
        }
        return nil
    }

    private static func labelProblem(_ text: String) -> String? {
        var rest = Substring(text)
        var names: Set<String> = []
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { return "label without '='" }
            let name = String(rest[..<equals])
            guard let first = name.first, first.isLetter || first == "_",
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.hasPrefix("__")
            else { return "bad label name '\(name)'" }
            guard names.insert(name).inserted else { return "label \(name) twice" }
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"" else { return "label value not quoted" }
            rest = rest.dropFirst()
            var closed = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if character == "\\" {
                    guard let next = rest.first, ["\\", "\"", "n"].contains(next) else { return "bad escape in label value" }
                    rest = rest.dropFirst()
                } else if character == "\"" {
                    closed = true
                    break
                } else if character == "\n" {
                    return "newline in label value"
                }
            }
            guard closed else { return "unterminated label value" }
            if rest.first == "," { rest = rest.dropFirst() } else if !rest.isEmpty { return "junk after label value" }
        }
        return nil
    }
}
