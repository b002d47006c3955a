import Documents

/// Renders a form definition as one printable HTML page: real `<label>`s for every input, fieldsets with
/// legends for tick boxes and date or time boxes, h1 then h2 headings, and the shared print stylesheet (A4).
/// The header and back-record footer match the PDF; browsers that support page margin boxes also print
/// "Page x of y".
public enum FormHTMLRenderer {
    /// Repeats the header items, the back-record line and "Page x of y" in the margins of every printed
    /// page, where the browser supports CSS page margin boxes; elsewhere they print once, at the top and end.
    static func pageCSS(_ form: FormDefinition, context: FormContext) -> String {
        let top = "\(context.siteName) · Form \(form.id) version \(form.version)"
        let incident = "Courtroom: \(context.courtroom ?? "______") · Incident: \(context.incident ?? "__________")"
        return """
            @page {
              @top-left { content: \(cssString(top)); font-size: 12pt; }
              @top-right { content: \(cssString(incident)); font-size: 12pt; }
              @bottom-left { content: \(cssString(context.backRecordLine(form))); font-size: 12pt; }
              @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 12pt; }
            }
            .form-meta { margin: 0 0 12pt; } .form-meta p { margin: 2pt 0; }
            .back-record { font-weight: bold; }

            """
    }

    /// A CSS string literal: quotes and backslashes escaped, line breaks and "<" as hex escapes so the
    /// text can never end the string or the style element.
    static func cssString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\": out += "\\" + String(scalar)
            case "\n", "\r", "<", ">": out += "\\" + String(scalar.value, radix: 16) + " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static func render(_ form: FormDefinition, context: FormContext) -> String {
        var html = HTMLWriter()
        html.element("header", ["class": "page-header form-meta"]) { html in
            html.element("p") { html in
                html.element("strong", text: context.siteName)
                html.text(" · Form \(form.id) version \(form.version)")
            }
            html.element("p", text: "Courtroom: \(context.courtroom ?? "____________")   Date: __/__/____")
            html.element("p", text: "Incident reference: \(context.incident ?? "____________________")")
        }
        html.element("main") { html in
            html.element("h1", text: form.title)
            html.element("p", text: form.purpose)
            for (sectionIndex, section) in form.sections.enumerated() {
                html.element("h2", text: section.title)
                for (fieldIndex, field) in section.fields.enumerated() {
                    render(field, id: "f\(sectionIndex + 1)-\(fieldIndex + 1)", into: &html, context: context)
                }
            }
        }
        html.element("footer", ["class": "page-footer"]) { html in
            html.element("p", ["class": "back-record"], text: context.backRecordLine(form))
            html.element("p", text: "\(form.id) version \(form.version) · \(context.siteName)")
        }
        return HTML.document(title: "\(form.title) — \(form.id) — \(context.siteName)", body: html.html,
                             extraCSS: pageCSS(form, context: context))
    }

    private static func render(_ field: FormField, id: String, into html: inout HTMLWriter, context: FormContext) {
        switch field {
        case .text(let label, let hint, let lines):
            html.element("div", ["class": "field"]) { html in
                html.element("label", ["for": id], text: label)
                if let hint { html.element("p", ["class": "hint", "id": "\(id)-hint"], text: hint) }
                // The hint is read out with the box (aria-describedby), as in the GOV.UK text input.
                let described = hint == nil ? "" : "\(id)-hint"
                if lines > 1 {
                    html.element("textarea", ["id": id, "name": id, "rows": String(lines * 2),
                                              "aria-describedby": described], text: "")
                } else {
                    html.void("input", ["type": "text", "id": id, "name": id, "aria-describedby": described])
                }
            }
        case .choice(let label, let options, let multiple, let hint):
            html.element("fieldset") { html in
                html.element("legend", text: label)
                html.element("p", ["class": "hint"],
                             text: [hint, multiple ? "Tick all that apply." : "Tick one."].compactMap { $0 }
                                 .joined(separator: " "))
                for (index, option) in options.enumerated() {
                    let optionID = "\(id)-\(index + 1)"
                    // Radios when only one answer is right (GOV.UK), check boxes for "all that apply"; the
                    // stylesheet draws both as square boxes so the screen matches the paper.
                    html.void("input", ["type": multiple ? "checkbox" : "radio", "id": optionID, "name": id,
                                        "value": option])
                    html.element("label", ["for": optionID], text: option)
                }
            }
        case .date(let label):
            html.element("fieldset", ["class": "date-boxes"]) { html in
                html.element("legend", text: label)
                html.element("p", ["class": "hint"], text: "For example, 27 3 2026")
                for (part, boxes) in [("Day", 2), ("Month", 2), ("Year", 4)] {
                    let partID = "\(id)-\(part.lowercased())"
                    html.element("label", ["for": partID], text: part)
                    html.void("input", ["type": "text", "id": partID, "name": partID, "class": "boxes-\(boxes)",
                                        "inputmode": "numeric"])
                }
            }
        case .time(let label):
            html.element("fieldset", ["class": "time-boxes"]) { html in
                html.element("legend", text: label)
                html.element("p", ["class": "hint"], text: "24-hour clock, for example 14:05")
                for part in ["Hours", "Minutes"] {
                    let partID = "\(id)-\(part.lowercased())"
                    html.element("label", ["for": partID], text: part)
                    html.void("input", ["type": "text", "id": partID, "name": partID, "class": "boxes-2",
                                        "inputmode": "numeric"])
                }
            }
        case .table(let label, let columns, let rows, let rowLabels):
            html.element("table") { html in
                html.element("caption", text: label)
                html.element("thead") { html in
                    html.element("tr") { html in
                        for column in columns { html.element("th", ["scope": "col"], text: column.title) }
                    }
                }
                html.element("tbody") { html in
                    for row in 0..<max(rows, rowLabels.count) {
                        html.element("tr") { html in
                            for (index, column) in columns.enumerated() {
                                let rowName = row < rowLabels.count ? rowLabels[row] : "Row \(row + 1)"
                                if index == 0 && row < rowLabels.count {
                                    html.element("th", ["scope": "row"], text: rowLabels[row])
                                } else {
                                    html.element("td") { html in
                                        cell(column, id: "\(id)-r\(row + 1)-c\(index + 1)",
                                             name: "\(rowName): \(column.title)", into: &html)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        case .statement(let text):
            html.element("p", ["class": "statement"], text: context.substitute(text))
        case .siteContacts:
            if context.contacts.isEmpty {
                html.element("p", text: "No contacts are set in the site's configuration. Add [Contact] sections "
                    + "to site.conf, or write the contacts in below.")
            }
            let titles = ["Role", "Name", "Phone", "Email", "Hours"]
            html.element("table") { html in
                html.element("caption", text: "Contacts")
                html.element("thead") { html in
                    html.element("tr") { html in
                        for title in titles { html.element("th", ["scope": "col"], text: title) }
                    }
                }
                html.element("tbody") { html in
                    for contact in context.contacts {
                        html.element("tr") { html in
                            html.element("th", ["scope": "row"], text: contact.role)
                            for value in [contact.name, contact.phone, contact.email, contact.hours] {
                                html.element("td", text: value)
                            }
                        }
                    }
                    for row in 1...4 {
                        html.element("tr") { html in
                            for (index, title) in titles.enumerated() {
                                html.element("td") { html in
                                    cell(FormColumn(title), id: "\(id)-extra\(row)-c\(index + 1)",
                                         name: "Extra contact \(row): \(title)", into: &html)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One write-in table cell: a text box, or tick boxes, each with a label (hidden on screen and paper
    /// for text boxes, where the column heading already says what goes there).
    private static func cell(_ column: FormColumn, id: String, name: String, into html: inout HTMLWriter) {
        if column.tickBoxes.isEmpty {
            html.element("label", ["for": id, "class": "visually-hidden"], text: name)
            html.void("input", ["type": "text", "id": id, "name": id])
            return
        }
        for (index, option) in column.tickBoxes.enumerated() {
            let optionID = "\(id)-\(index + 1)"
            html.void("input", ["type": "radio", "id": optionID, "name": id, "value": option,
                                "aria-describedby": "\(id)-name"])
            html.element("label", ["for": optionID], text: option)
        }
        html.element("span", ["class": "visually-hidden", "id": "\(id)-name"], text: name)
    }
}
