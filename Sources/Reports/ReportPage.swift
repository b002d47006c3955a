import Documents

/// What the reports' pages share: an A4 layout with a grey footer line carrying "page x of y", and a
/// two-column summary table in HTML.
enum ReportPage {
    static func layout(title: String, subject: String, createdAtEpochSeconds: Int64, footer: String) -> PageLayout {
        var layout = PageLayout(info: PDFInfo(title: title, subject: subject, createdAtEpochSeconds: createdAtEpochSeconds))
        layout.bodySize = 11
        layout.footer = { page, context in
            page.text("\(footer) · \(context.pageOfPages)", x: context.margins.left,
                      y: PDFPage.a4Height - context.margins.bottom / 2, font: .helvetica, size: 8, color: .grey(0.3))
        }
        return layout
    }

    static func summaryTable(_ page: inout HTMLWriter, _ pairs: [(String, String)]) {
        page.scrollingTable(label: "Summary", ["class": "summary"]) { table in
            for (label, value) in pairs {
                table.element("tr") { row in
                    row.element("th", ["scope": "row"], text: label)
                    row.element("td", text: value)
                }
            }
        }
    }
}
