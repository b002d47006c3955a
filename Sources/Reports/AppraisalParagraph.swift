public import Monitoring

/// The ready-to-paste paragraph for an appraisal (SPDR) or supervision record, in the first person.
public enum AppraisalParagraph {
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    /// `1 April 2026`.
    public static func longDate(_ date: CivilDate) -> String {
        "\(date.day) \(monthNames[date.month - 1]) \(date.year)"
    }

    public static func text(for report: UserReport) -> String {
        let totals = report.totals
        var sentences: [String] = []
        let incidents = totals.outages == 1 ? "1 outage" : "\(totals.outages) outages"
        sentences.append("Between \(longDate(report.firstDay)) and \(longDate(report.lastDay)), IT failures removed "
            + "\(Hours.text(totals.hoursLostMinutes)) hours (\(totals.percentOfContracted)%) of my contracted time, "
            + "across \(incidents) on the systems I use")
        let top = report.bySystem.filter { $0.lostMinutes > 0 }.prefix(3)
        if !top.isEmpty {
            sentences[0] += ", mostly " + top.map { "\($0.system) (\(Hours.text($0.lostMinutes)) hours)" }
                .joined(separator: ", ")
        }
        sentences[0] += "."
        if totals.degradedMinutes > 0 {
            sentences.append("A further \(Hours.text(totals.degradedMinutes)) hours were worked on degraded systems.")
        }
        if totals.extraMinutes > 0 {
            sentences.append("I worked \(Hours.text(totals.extraMinutes)) extra hours outside my contracted hours "
                + "because of these failures.")
        }
        if totals.deadlinesAtRisk + totals.deadlinesMissed > 0 {
            sentences.append("\(totals.deadlinesAtRisk) deadline\(totals.deadlinesAtRisk == 1 ? " was" : "s were") "
                + "put at risk and \(totals.deadlinesMissed) \(totals.deadlinesMissed == 1 ? "was" : "were") missed.")
        }
        if totals.costPence > 0 {
            sentences.append("I met \(Money.format(pence: totals.costPence)) of costs myself (own phone or data).")
        }
        sentences.append("I ask that \(Hours.text(totals.hoursLostMinutes)) hours be recorded as a workload "
            + "reduction for this period. These figures come from the site's IT failure log; the signed report "
            + "can be checked against it.")
        return sentences.joined(separator: " ")
    }
}
