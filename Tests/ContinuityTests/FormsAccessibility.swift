import Foundation

/// Checks over rendered form HTML that stand in for an accessibility review: labels, heading order,
/// text size and colour-only meaning. Each returns the problems found (empty when the page passes).
enum FormsAccessibility {
    /// Every `<input>` and `<textarea>` has an id that a `<label for=...>` names.
    static func unlabelledControls(_ html: String) -> [String] {
        let controls = matches(#"<(?:input|textarea)\b[^>]*\bid="([^"]+)""#, in: html)
        let labels = Set(matches(#"<label\b[^>]*\bfor="([^"]+)""#, in: html))
        let inputs = matches(#"<(input|textarea)\b"#, in: html)
        var problems = controls.filter { !labels.contains($0) }.map { "no label for #\($0)" }
        if inputs.count != controls.count { problems.append("\(inputs.count - controls.count) controls without an id") }
        return problems
    }

    /// The page has one h1 first, and no heading is more than one level below the one before it.
    static func headingProblems(_ html: String) -> [String] {
        let levels = matches(#"<h([1-6])\b"#, in: html).compactMap(Int.init)
        var problems: [String] = []
        if levels.first != 1 { problems.append("first heading is h\(levels.first ?? 0), not h1") }
        if levels.filter({ $0 == 1 }).count != 1 { problems.append("\(levels.filter { $0 == 1 }.count) h1 headings") }
        for (previous, next) in zip(levels, levels.dropFirst()) where next > previous + 1 {
            problems.append("h\(previous) followed by h\(next)")
        }
        return problems
    }

    /// Every CSS font size is given in points and is at least 12 pt.
    static func fontSizes(_ html: String) -> [String] {
        matches(#"font-size:\s*([^;}]+)"#, in: html).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Words that would carry meaning only through colour ("tick the red box", "green means done").
    static func colourWords(_ html: String) -> [String] {
        let visible = html.replacing(#/<style>[\s\S]*?</style>/#, with: "").replacing(#/<[^>]+>/#, with: " ")
        let words = visible.lowercased().split { !$0.isLetter }.map(String.init)
        let colours: Set<String> = ["red", "green", "amber", "yellow", "blue", "orange", "pink", "purple", "colour",
                                    "coloured", "shaded", "highlighted"]
        return words.filter { colours.contains($0) }
    }

    private static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
