import Documents

/// The index page of a forms pack: every form with its ID, version and purpose, linked to both formats.
public enum FormPackIndex {
    public struct Entry: Sendable {
        public var form: FormDefinition
        /// File names relative to the index.
        public var pdf: String
        public var html: String

        public init(form: FormDefinition, pdf: String, html: String) {
            self.form = form
            self.pdf = pdf
            self.html = html
        }
    }

    /// The index as a whole page (the forms pack's index.html).
    public static func render(_ entries: [Entry], context: FormContext) -> String {
        HTML.mainDocument(title: title(context), body: content(entries, context: context))
    }

    public static func title(_ context: FormContext) -> String { "Paper continuity forms — \(context.siteName)" }

    /// The index's heading, explanation and table, for a page that supplies its own frame (the web pages' shell).
    public static func content(_ entries: [Entry], context: FormContext) -> String {
        var html = HTMLWriter()
        html.element("h1", text: "Paper continuity forms — \(context.siteName)")
        html.element("p", text: "Print these before anything fails and keep the stock on site: the printer "
            + "or courtwatch may be down too. The PDF files are the print masters (A4). Every page has a "
            + "back-record footer: fill it in when the form is entered into the system after stand-down.")
        if let incident = context.incident {
            html.element("p", text: "Pre-filled with incident reference \(incident).")
        }
        html.element("h2", text: "Forms")
        html.scrollingTable(label: "Forms in this pack") { html in
            html.element("thead") { html in
                html.element("tr") { html in
                    for title in ["Form", "Title and purpose", "Version", "Files"] {
                        html.element("th", ["scope": "col"], text: title)
                    }
                }
            }
            html.element("tbody") { html in
                for entry in entries {
                    html.element("tr") { html in
                        html.element("th", ["scope": "row"], text: entry.form.id)
                        html.element("td") { html in
                            html.element("strong", text: entry.form.title)
                            html.element("p", text: entry.form.purpose)
                        }
                        html.element("td", text: entry.form.version)
                        html.element("td") { html in
                            html.element("a", ["href": entry.pdf], text: "\(entry.form.title) (PDF)")
                            html.raw("<br>")
                            html.element("a", ["href": entry.html], text: "\(entry.form.title) (web page)")
                        }
                    }
                }
            }
        }
        return html.html
    }
}
