public import Documents

/// Prints a form definition as a PDF: the header of every page (site, courtroom, date, incident reference,
/// form ID and version, page x of y), the back-record footer, then the sections with write-in boxes.
public enum FormPDFRenderer {
    private static let size = 12.0
    private static let lineHeight = 15.0
    private static let boxLineHeight = 24.0

    public static func render(_ form: FormDefinition, context: FormContext) -> PDFDocument {
        let margins = PageLayout.Margins(top: 100, bottom: 72, left: 42, right: 42)
        var layout = PageLayout(
            info: PDFInfo(title: "\(form.title) (\(form.id) version \(form.version))",
                          subject: "courtwatch continuity forms pack — \(context.siteName)",
                          createdAtEpochSeconds: context.createdAtEpochSeconds),
            margins: margins, landscape: form.landscape)
        layout.header = { page, pageContext in drawHeader(&page, form: form, context: context, page: pageContext) }
        layout.footer = { page, pageContext in drawFooter(&page, form: form, context: context, page: pageContext) }

        layout.heading(form.title, level: 1)
        layout.paragraph(form.purpose)
        for section in form.sections {
            layout.heading(section.title, level: 2)
            for field in section.fields {
                draw(field, in: &layout, context: context)
            }
        }
        return layout.finish()
    }

    // MARK: Header and footer

    private static func drawHeader(_ page: inout PDFPage, form: FormDefinition, context: FormContext,
                                   page pageContext: PageContext) {
        let left = pageContext.margins.left
        let right = page.width - pageContext.margins.right
        page.text(context.siteName, x: left, y: 34, font: .helveticaBold, size: size)
        page.text("Form \(form.id) version \(form.version)", rightAlignedAt: right, y: 34, size: size)
        page.text("Courtroom: \(context.courtroom ?? "____________")      Date: __/__/____", x: left, y: 52, size: size)
        page.text(pageContext.pageOfPages, rightAlignedAt: right, y: 52, font: .helveticaBold, size: size)
        page.text("Incident reference: \(context.incident ?? "____________________")", x: left, y: 70, size: size)
        page.line(fromX: left, y: 80, toX: right, y: 80, width: 1)
    }

    private static func drawFooter(_ page: inout PDFPage, form: FormDefinition, context: FormContext,
                                   page pageContext: PageContext) {
        let left = pageContext.margins.left
        let right = page.width - pageContext.margins.right
        let top = page.height - 56
        page.line(fromX: left, y: top, toX: right, y: top, width: 1)
        page.text(context.backRecordLine(form), x: left, y: top + 18, size: size)
        page.text("\(form.id) v\(form.version) · \(pageContext.pageOfPages)", rightAlignedAt: right, y: top + 36,
                  size: size)
    }

    // MARK: Fields

    private static func draw(_ field: FormField, in layout: inout PageLayout, context: FormContext) {
        switch field {
        case .text(let label, let hint, let lines):
            let boxHeight = Double(max(lines, 1)) * boxLineHeight
            labelled(label, hint: hint, bodyHeight: boxHeight, in: &layout) { page, left, top, width in
                page.rectangle(x: left, y: top, width: width, height: boxHeight, stroke: .black, lineWidth: 1)
            }
        case .choice(let label, let options, let multiple, let hint):
            let instruction = multiple ? "Tick all that apply." : "Tick one."
            labelled(label, hint: [hint, instruction].compactMap { $0 }.joined(separator: " "), bodyHeight: 0,
                     in: &layout) { _, _, _, _ in }
            layout.tickBoxes(options)
        case .date(let label):
            labelled(label, hint: "For example, 27 3 2026", bodyHeight: 40, in: &layout) { page, left, top, _ in
                var x = left
                for (name, boxes) in [("Day", 2), ("Month", 2), ("Year", 4)] {
                    page.text(name, x: x, y: top + 12, size: size)
                    let width = Double(boxes) * 16 + 8
                    page.rectangle(x: x, y: top + 16, width: width, height: 22, stroke: .black, lineWidth: 1)
                    x += width + 18
                }
            }
        case .time(let label):
            labelled(label, hint: "24-hour clock, for example 14:05", bodyHeight: 40, in: &layout) {
                page, left, top, _ in
                page.text("Hours", x: left, y: top + 12, size: size)
                page.rectangle(x: left, y: top + 16, width: 40, height: 22, stroke: .black, lineWidth: 1)
                page.text(":", x: left + 46, y: top + 32, font: .helveticaBold, size: size)
                page.text("Minutes", x: left + 56, y: top + 12, size: size)
                page.rectangle(x: left + 56, y: top + 16, width: 40, height: 22, stroke: .black, lineWidth: 1)
            }
        case .table(let label, let columns, let rows, let rowLabels):
            labelled(label, hint: nil, bodyHeight: 0, in: &layout) { _, _, _, _ in }
            var body = (0..<max(rows, rowLabels.count)).map { _ in Array(repeating: "", count: columns.count) }
            for (index, rowLabel) in rowLabels.enumerated() { body[index][0] = rowLabel }
            layout.table(PDFTable(
                columns: columns.map { PDFTable.Column($0.title, weight: $0.weight, tickBoxes: $0.tickBoxes) },
                rows: body, minimumRowHeight: 28))
        case .statement(let text):
            layout.paragraph(context.substitute(text))
        case .siteContacts:
            if context.contacts.isEmpty {
                layout.paragraph("No contacts are set in the site's configuration. Add [Contact] sections to "
                    + "site.conf, or write the contacts in below.")
            }
            // No-break spaces keep a phone number on one line.
            let rows = context.contacts.map {
                [$0.role, $0.name, $0.phone.replacing(" ", with: "\u{00A0}"), $0.email, $0.hours]
            }
                + PDFTable.blankRows(4, columns: 5)
            layout.table(PDFTable(
                columns: [.init("Role", weight: 1.5), .init("Name", weight: 1.3), .init("Phone", weight: 1.2),
                          .init("Email", weight: 2.4), .init("Hours", weight: 1)],
                rows: rows, minimumRowHeight: 26))
        }
    }

    /// A bold label, an optional hint, then `bodyHeight` points drawn by `body`, kept together on one page.
    private static func labelled(
        _ label: String, hint: String?, bodyHeight: Double, in layout: inout PageLayout,
        body: (inout PDFPage, Double, Double, Double) -> Void
    ) {
        let width = layout.contentWidth
        let labelLines = TextWrapper.lines(label, font: .helveticaBold, size: size, width: width)
        let hintLines = hint.map { TextWrapper.lines($0, font: .helvetica, size: size, width: width) } ?? []
        let textHeight = Double(labelLines.count + hintLines.count) * lineHeight
        let total = textHeight + bodyHeight + 10
        // A label is kept with the first thing under it (tick boxes or a table row follow separately).
        layout.ensureSpace(bodyHeight > 0 ? total : total + 40)
        layout.block(height: total) { page, left, top in
            var y = top
            for line in labelLines {
                page.text(line, x: left, y: y + size, font: .helveticaBold, size: size)
                y += lineHeight
            }
            for line in hintLines {
                page.text(line, x: left, y: y + size, size: size, color: .grey(0.25))
                y += lineHeight
            }
            body(&page, left, y + 2, width)
        }
    }
}
