public import Monitoring

/// Hours lost per team, for site and line managers: only teams of at least `minimumGroupSize` people are
/// shown, so no one's figures can be read off a small group; smaller teams are pooled as "other teams" (and
/// withheld too if the pool is still small).
public enum TeamAggregate {
    public static let defaultMinimumGroupSize = 5

    public struct Row: Sendable, Equatable {
        public var team: String
        public var people: Int
        public var lostMinutes: Int64
        public var contractedMinutes: Int64
    }

    public struct Result: Sendable, Equatable {
        public var rows: [Row]
        /// People whose figures are in no row because their group was too small.
        public var withheldPeople: Int
    }

    /// `reports` are the per-person reports of everyone at the site for one period.
    public static func build(_ reports: [UserReport], minimumGroupSize: Int = defaultMinimumGroupSize) -> Result {
        var byTeam: [String: [UserReport]] = [:]
        for report in reports { byTeam[report.member.team ?? "(no team)", default: []].append(report) }
        var rows: [Row] = []
        var small: [UserReport] = []
        for (team, members) in byTeam.sorted(by: { $0.key < $1.key }) {
            if members.count >= minimumGroupSize { rows.append(row(team, members)) } else { small += members }
        }
        var withheld = 0
        if small.count >= minimumGroupSize { rows.append(row("other teams", small)) } else { withheld = small.count }
        return Result(rows: rows, withheldPeople: withheld)
    }

    static func row(_ team: String, _ members: [UserReport]) -> Row {
        Row(team: team, people: members.count, lostMinutes: members.reduce(0) { $0 + $1.totals.hoursLostMinutes },
            contractedMinutes: members.reduce(0) { $0 + $1.totals.contractedMinutes })
    }
}
