/// One contact for the printed contacts sheet (from site.conf's `[Contact]` sections).
public struct FormContact: Sendable, Hashable {
    public var role: String
    public var name: String
    public var phone: String
    public var email: String
    public var hours: String

    public init(role: String, name: String = "", phone: String = "", email: String = "", hours: String = "") {
        self.role = role
        self.name = name
        self.phone = phone
        self.email = email
        self.hours = hours
    }
}

/// What a form is pre-filled with. Only site and incident data: forms never carry case data, so nothing
/// about a defendant, juror or person on probation ever comes from courtwatch.
public struct FormContext: Sendable {
    public var siteName: String
    public var courtroom: String?
    public var incident: String?
    public var contacts: [FormContact]
    /// Written into the PDF's Info dictionary; passed in so output is reproducible.
    public var createdAtEpochSeconds: Int64

    public init(siteName: String, courtroom: String? = nil, incident: String? = nil, contacts: [FormContact] = [],
                createdAtEpochSeconds: Int64) {
        self.siteName = siteName
        self.courtroom = courtroom
        self.incident = incident
        self.contacts = contacts
        self.createdAtEpochSeconds = createdAtEpochSeconds
    }

    /// The back-record footer of every page.
    func backRecordLine(_ form: FormDefinition) -> String {
        "Entered into \(form.backRecordSystem ?? "____________________") by ____________________ at __:__ on __/__/____"
    }

    /// `text` with `{incident}` filled in.
    func substitute(_ text: String) -> String {
        text.replacing("{incident}", with: incident ?? "____________")
    }
}
