/// Builds HTML by appending elements; every text and attribute value goes through `HTML` escaping, so
/// callers cannot forget it. Attributes keep the order given, so output is deterministic.
///
///     var html = HTMLWriter()
///     html.element("h1", text: "Site contacts")
///     html.element("p", ["class": "hint"], text: "Call the first number first.")
public struct HTMLWriter: Sendable {
    public private(set) var html = ""

    public init() {}

    /// `<tag attributes>escaped text</tag>`.
    public mutating func element(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) {
        open(tag, attributes)
        html += HTML.escape(text)
        close(tag)
    }

    /// `<tag attributes>` + whatever `content` writes + `</tag>`.
    public mutating func element(
        _ tag: String, _ attributes: KeyValuePairs<String, String> = [:], content: (inout HTMLWriter) -> Void
    ) {
        open(tag, attributes)
        content(&self)
        close(tag)
    }

    /// An element with no end tag (`input`, `br`, `meta`).
    public mutating func void(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        open(tag, attributes)
    }

    /// Escaped text.
    public mutating func text(_ text: String) { html += HTML.escape(text) }

    /// HTML that is already safe (e.g. another writer's output).
    public mutating func raw(_ markup: String) { html += markup }

    private mutating func open(_ tag: String, _ attributes: KeyValuePairs<String, String>) {
        html += "<\(tag)"
        for (name, value) in attributes {
            html += " \(name)=\"\(HTML.escapeAttribute(value))\""
        }
        html += ">"
    }

    private mutating func close(_ tag: String) { html += "</\(tag)>\n" }
}
