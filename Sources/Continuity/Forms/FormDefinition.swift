/// One paper form of the continuity pack, as data: what it is, and its sections of fields in order.
/// Renderers (PDF, HTML) turn the same definition into both formats, so they cannot drift apart.
public struct FormDefinition: Sendable {
    /// Printed on every page, e.g. "CW-F04".
    public let id: String
    /// What the command line calls it, e.g. "em-notification".
    public let name: String
    public let version: String
    public let title: String
    /// One or two plain-English sentences: when to use the form.
    public let purpose: String
    /// The system the form is back-recorded into after stand-down, for the footer
    /// ("Entered into Common Platform by ..."); nil leaves a blank to write the system in.
    public let backRecordSystem: String?
    /// Wide tables (lists, sign-in sheets) print on A4 landscape.
    public let landscape: Bool
    public let sections: [FormSection]

    public init(id: String, name: String, version: String, title: String, purpose: String,
                backRecordSystem: String?, landscape: Bool = false, sections: [FormSection]) {
        self.id = id
        self.name = name
        self.version = version
        self.title = title
        self.purpose = purpose
        self.backRecordSystem = backRecordSystem
        self.landscape = landscape
        self.sections = sections
    }
}

/// A titled group of fields (an h2 and a block of the printed form).
public struct FormSection: Sendable {
    public let title: String
    public let fields: [FormField]

    public init(_ title: String, _ fields: [FormField]) {
        self.title = title
        self.fields = fields
    }
}

/// A column of a write-in table.
public struct FormColumn: Sendable {
    public let title: String
    /// Share of the table width relative to the other columns.
    public let weight: Double
    /// Tick boxes printed in each cell instead of a blank (e.g. ["Yes", "No"]).
    public let tickBoxes: [String]

    public init(_ title: String, weight: Double = 1, tickBoxes: [String] = []) {
        self.title = title
        self.weight = weight
        self.tickBoxes = tickBoxes
    }
}

/// One thing to fill in (or read) on a form. GOV.UK patterns: a label above each box, tick boxes rather
/// than free text where the answers are known, separate day/month/year boxes, 24-hour hh:mm boxes.
public enum FormField: Sendable {
    /// A write-in box `lines` lines tall.
    case text(String, hint: String? = nil, lines: Int = 1)
    /// Tick boxes; `multiple` says "Tick all that apply" instead of "Tick one".
    case choice(String, options: [String], multiple: Bool = false, hint: String? = nil)
    /// Day, month and year boxes.
    case date(String)
    /// Hours and minutes boxes (24-hour clock).
    case time(String)
    /// A table with `rows` blank rows; `rowLabels` pre-print the first column (e.g. the partner agencies).
    case table(String, columns: [FormColumn], rows: Int, rowLabels: [String] = [])
    /// Printed text, not filled in. `{incident}` is replaced with the incident reference (or a blank).
    case statement(String)
    /// The site's contacts from site.conf, then blank rows for additions.
    case siteContacts

    /// The field's own label (statements and the contacts table have none of their own).
    public var label: String? {
        switch self {
        case .text(let label, _, _), .choice(let label, _, _, _), .date(let label), .time(let label),
             .table(let label, _, _, _):
            label
        case .statement, .siteContacts:
            nil
        }
    }
}
