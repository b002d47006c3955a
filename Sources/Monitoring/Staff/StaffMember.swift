/// A member of staff as the per-person report needs them: who, where, when they work, which systems they use.
/// The ID may be a pseudonym (a staff number); the name is shown only on their own report.
public struct StaffMember: Hashable, Sendable {
    public var id: String
    public var name: String
    public var site: String
    /// A role from `StaffRole.defaultSystems` (or any other, which brings no default systems).
    public var role: String
    public var team: String?
    /// The line manager's staff ID or name: who `share --with manager` means.
    public var manager: String?
    public var timeZone: String
    public var workingHours: WeeklySchedule
    /// Systems used beyond the role's defaults.
    public var extraSystems: [String]
    /// Whole days of leave, first and last included.
    public var leave: [ClosedRange<CivilDate>]
    /// Contracted hours per week when they differ from the working pattern (e.g. annualised hours).
    public var contractedHoursPerWeek: Double?
    public var source: SourceLocation?

    public init(id: String, name: String, site: String, role: String, team: String? = nil, manager: String? = nil,
                timeZone: String = "Europe/London", workingHours: WeeklySchedule, extraSystems: [String] = [],
                leave: [ClosedRange<CivilDate>] = [], contractedHoursPerWeek: Double? = nil,
                source: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.site = site
        self.role = role
        self.team = team
        self.manager = manager
        self.timeZone = timeZone
        self.workingHours = workingHours
        self.extraSystems = extraSystems
        self.leave = leave
        self.contractedHoursPerWeek = contractedHoursPerWeek
        self.source = source
    }

    /// The role's default systems followed by the person's own additions, each once.
    public var systems: [String] {
        var seen: Set<String> = []
        return ((StaffRole.defaultSystems[role] ?? []) + extraSystems).filter { seen.insert($0).inserted }
    }
}

/// Roles and the systems each one uses by default. System names match the `System=` of the site's probes.
public enum StaffRole {
    /// | role | default systems |
    /// |---|---|
    /// | legal-adviser | common-platform, libra, cvp, cjsm, network, printing |
    /// | court-associate | common-platform, xhibit, cvp, network, printing |
    /// | listing-officer | common-platform, libra, network |
    /// | court-admin | common-platform, libra, cjsm, network, printing, email |
    /// | usher | common-platform, network |
    /// | probation-officer | ndelius, oasys, cjsm, network, printing, email |
    /// | probation-services-officer | ndelius, oasys, network, email |
    /// | probation-admin | ndelius, network, printing, email |
    public static let defaultSystems: [String: [String]] = [
        "legal-adviser": ["common-platform", "libra", "cvp", "cjsm", "network", "printing"],
        "court-associate": ["common-platform", "xhibit", "cvp", "network", "printing"],
        "listing-officer": ["common-platform", "libra", "network"],
        "court-admin": ["common-platform", "libra", "cjsm", "network", "printing", "email"],
        "usher": ["common-platform", "network"],
        "probation-officer": ["ndelius", "oasys", "cjsm", "network", "printing", "email"],
        "probation-services-officer": ["ndelius", "oasys", "network", "email"],
        "probation-admin": ["ndelius", "network", "printing", "email"],
    ]
}
