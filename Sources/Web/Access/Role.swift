/// Who a token belongs to, by role. The route table (`AccessPolicy`) says what each may do.
public enum Role: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// IT operations: everything.
    case ops
    /// The site's lead: status, incidents, acknowledging and resolving.
    case siteLead = "site-lead"
    /// A line manager: status and incidents, read only.
    case manager
    /// A trade union representative: status and incidents, read only.
    case unionRep = "union-rep"
    /// A member of staff: the status board and status API.
    case staff

    public var description: String { rawValue }
}

/// The holder of a valid token: a role and who they are (a staff ID or a name), recorded as `by` in the log.
public struct Principal: Sendable, Equatable {
    public var role: Role
    public var subject: String

    public init(role: Role, subject: String) {
        self.role = role
        self.subject = subject
    }
}
