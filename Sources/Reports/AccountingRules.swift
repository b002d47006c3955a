public import Monitoring

/// How incident time is counted against a person's working time. Printed on every report, so the figures
/// can be argued with.
public struct AccountingRules: Sendable, Hashable {
    /// Planned maintenance counts as time lost (default no: it is shown in its own column).
    public var plannedCountsAsLost = false
    /// Degraded service (flapping, or impact minor or none) counts as time lost (default no: its own column).
    public var degradedCountsAsLost = false

    public init(plannedCountsAsLost: Bool = false, degradedCountsAsLost: Bool = false) {
        self.plannedCountsAsLost = plannedCountsAsLost
        self.degradedCountsAsLost = degradedCountsAsLost
    }

    /// Which column an incident's time goes in.
    public enum Category: String, Sendable, CaseIterable {
        case lost
        case degraded
        case planned
    }

    public func category(of incident: AccountableIncident) -> Category {
        if incident.planned { return plannedCountsAsLost ? .lost : .planned }
        if incident.kind == "flapping" || incident.impact == "minor" || incident.impact == "none" {
            return degradedCountsAsLost ? .lost : .degraded
        }
        return .lost
    }

    /// The rules in plain words, as printed.
    public var printed: [String] {
        [
            "Only incidents on the systems you use, at your site, are counted, and only the part of each that "
                + "fell in your working time: your working hours in your time zone (daylight saving included), "
                + "less bank holidays and your recorded leave. A shift belongs to the day it starts.",
            plannedCountsAsLost
                ? "Planned maintenance is counted as time lost."
                : "Planned maintenance is shown in its own column and is not counted as time lost.",
            degradedCountsAsLost
                ? "Degraded service (intermittent or minor-impact incidents) is counted as time lost."
                : "Degraded service (intermittent or minor-impact incidents) is shown in its own column and is not "
                    + "counted as time lost.",
            "Periods when courtwatch could not see the systems (its own connection was down, or it was not "
                + "running) are UNKNOWN: shown separately and not counted as outage.",
            "When several systems were down at once, the time is counted once in the totals (each incident row "
                + "still shows its own overlap).",
            "Hours lost = working time inside outages, plus time you logged as lost that matches no incident. "
                + "Where you logged your own figure for an incident, it is shown beside the log's; the total uses "
                + "the log's.",
            "% of contracted hours is hours lost divided by your contracted hours for the period "
                + "(ContractedHoursPerWeek x weeks, or your working pattern's hours less holidays and leave).",
        ]
    }
}
