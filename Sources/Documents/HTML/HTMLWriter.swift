/// Builds HTML by appending elements; every text and attribute value goes through `HTML` escaping, so
/// callers cannot forget it. Attributes keep the order given, so output is deterministic; attributes
/// with an empty value are left out (use `raw` for the rare empty attribute that matters).
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

    /// A data table inside a focusable, labelled region that scrolls sideways on its own when the table is
    /// wider than the screen, so the page itself reflows at 320 CSS pixels (WCAG 1.4.10) and a keyboard user
    /// can still scroll the table. `label` names the region and is the table's caption unless `caption` says
    /// otherwise (`captionClass` "visually-hidden" keeps a caption for screen readers only).
    public mutating func scrollingTable(label: String, caption: String? = nil, captionClass: String = "",
                                        _ attributes: KeyValuePairs<String, String> = [:],
                                        content: (inout HTMLWriter) -> Void) {
        element("div", ["class": "table-wrap", "role": "region", "aria-label": label, "tabindex": "0"]) { wrap in
            wrap.element("table", attributes) { table in
                table.element("caption", ["class": captionClass], text: caption ?? label)
                content(&table)
            }
        }
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
        // An empty value leaves the attribute out, so callers can write optional attributes inline.
        for (name, value) in attributes where !value.isEmpty {
            html += " \(name)=\"\(HTML.escapeAttribute(value))\""
        }
        html += ">"
    }

    private mutating func close(_ tag: String) { html += "</\(tag)>\n" }
}
