/// One line of the site contacts sheet: who to call when a system fails (helpdesks, suppliers, the duty
/// manager). Site data, never case data.
public struct SiteContact: Hashable, Sendable {
    /// What the contact is for, e.g. "Common Platform helpdesk" or "EM supplier (Serco)".
    public var role: String
    public var name: String?
    public var phone: String?
    public var email: String?
    /// When they can be reached, as free text ("24/7", "Mon-Fri 08:00-18:00").
    public var hours: String?
    public var notes: String?

    public init(role: String, name: String? = nil, phone: String? = nil, email: String? = nil,
                hours: String? = nil, notes: String? = nil) {
        self.role = role
        self.name = name
        self.phone = phone
        self.email = email
        self.hours = hours
        self.notes = notes
    }
}

/// `[Contact]` sections of site.conf, repeatable, in the order written (the order of the printed sheet):
///
/// ```
/// [Contact]
/// Role=Common Platform helpdesk     # required
/// Name=HMCTS Service Desk
/// Phone=0300 123 4567               # Phone= or Email= (or both) is required
/// Email=servicedesk@example.invalid
/// Hours=24/7
/// Notes=Quote the site code LEI
/// ```
enum ContactReader {
    static let sectionName = "Contact"

    /// Every `[Contact]` section of `keyFile`; problems are added to `errors` with file:line.
    static func read(_ keyFile: KeyFile, errors: inout [ConfigurationError]) -> [SiteContact] {
        keyFile.sections.filter { $0.name == sectionName }.compactMap { read($0, file: keyFile.path, errors: &errors) }
    }

    private static func read(_ section: KeyFile.Section, file: String,
                             errors: inout [ConfigurationError]) -> SiteContact? {
        var reader = SectionReader(file: file, section: section,
                                   knownKeys: ["Role", "Name", "Phone", "Email", "Hours", "Notes"])
        let role = reader.string("Role", required: true)
        let phone = reader.string("Phone")
        let email = reader.string("Email")
        if let phone, !isPlausiblePhone(phone) {
            reader.fail("Phone",
                        "Phone=\(phone) is not a phone number (digits, spaces, + ( ) - only, e.g. 0300 123 4567)")
        }
        if let email, !isPlausibleEmail(email) {
            reader.fail("Email", "Email=\(email) is not an e-mail address like servicedesk@example.gov.uk")
        }
        if phone == nil && email == nil && reader.errors.isEmpty {
            reader.fail("Role", "[Contact] needs Phone= or Email= (a contact nobody can reach is no use on paper)")
        }
        let contact = SiteContact(role: role ?? "", name: reader.string("Name"), phone: phone, email: email,
                                  hours: reader.string("Hours"), notes: reader.string("Notes"))
        errors += reader.errors
        return reader.errors.isEmpty && role != nil ? contact : nil
    }

    private static func isPlausiblePhone(_ text: String) -> Bool {
        let digits = text.filter(\.isASCII).filter(\.isNumber).count
        return digits >= 3 && text.allSatisfy { ($0.isASCII && $0.isNumber) || " +()-".contains($0) }
    }

    private static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
    }
}
