public import Monitoring

/// What a member of staff sees about themself on the staff page and at GET /api/v1/staff/me: who the
/// staff directory says they are, who can see their report now, what they logged lately, and the systems
/// they can report a problem with. Nothing about anyone else.
public struct StaffRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var team: String?
    public var site: String
    /// The person's IANA zone: entry times on the page are shown in it, typed times are read in it.
    public var timeZone: String
    /// Their systems (role defaults and additions): what an entry is about when it names none.
    public var systems: [String]
    /// The site's systems, for "report a problem" and an entry's systems.
    public var siteSystems: [SiteSystem]
    /// Live shares only (not revoked, not expired), oldest first.
    public var shares: [ReportShare]
    /// Their most recent entries, newest first.
    public var recentEntries: [RecentEntry]

    public init(id: String, name: String, team: String?, site: String, timeZone: String, systems: [String],
                siteSystems: [SiteSystem], shares: [ReportShare], recentEntries: [RecentEntry]) {
        self.id = id
        self.name = name
        self.team = team
        self.site = site
        self.timeZone = timeZone
        self.systems = systems
        self.siteSystems = siteSystems
        self.shares = shares
        self.recentEntries = recentEntries
    }
}

/// A system of the site as people know it: `common-platform`, "Common Platform".
public struct SiteSystem: Sendable, Equatable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// One live grant of a person's report.
public struct ReportShare: Sendable, Equatable {
    /// `manager`, `union-rep` or a named person.
    public var grantee: String
    public var grantedAt: Timestamp
    /// The end of the grant; nil means until revoked.
    public var until: Timestamp?

    public init(grantee: String, grantedAt: Timestamp, until: Timestamp?) {
        self.grantee = grantee
        self.grantedAt = grantedAt
        self.until = until
    }
}

/// An entry with the one-line summary the person's report prints for it.
public struct RecentEntry: Sendable, Equatable {
    public var entry: StaffEntry
    public var summary: String

    public init(entry: StaffEntry, summary: String) {
        self.entry = entry
        self.summary = summary
    }
}

/// What a share or revoke did: the sentence the CLI prints, the grant made (share), how many grants ended
/// (revoke; 0 when there was none, which is not an error, as for the CLI).
public struct ShareChange: Sendable, Equatable {
    public var message: String
    public var share: ReportShare?
    public var revoked: Int

    public init(message: String, share: ReportShare? = nil, revoked: Int = 0) {
        self.message = message
        self.share = share
        self.revoked = revoked
    }
}
