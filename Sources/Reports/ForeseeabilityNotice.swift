public import Monitoring
import Documents

/// A pre-filled foreseeability notice (after the Napo template): the person completes the symptoms and sends
/// it themselves. courtwatch writes the file and never sends it.
public enum ForeseeabilityNotice {
    public static func html(_ report: UserReport, managerName: String?) -> String {
        let member = report.member
        let weeks = max(1, (report.lastDay.daysSinceEpoch - report.firstDay.daysSinceEpoch + 1) / 7)
        var page = HTMLWriter()
        page.element("p", ["class": "draft"], text: "DRAFT prepared by courtwatch for \(member.id). It has not been "
            + "sent to anyone. Check it, complete the parts in brackets, and send it yourself if you choose to.")
        page.element("h1", text: "Foreseeability notice: workload and health")
        page.element("p", text: "To: \(managerName ?? member.manager ?? "[Operations Manager]")")
        page.element("p", text: "Cc: [Branch Chair / union representative, if you choose]")
        page.element("p", text: "My workload has become excessive and it is adversely affecting my health in the "
            + "following way(s): [list the symptoms, for example anxiety, sleeplessness, headaches, lack of "
            + "concentration].")
        page.element("p", text: "This has now persisted for \(weeks) week\(weeks == 1 ? "" : "s") (from "
            + "\(AppraisalParagraph.longDate(report.firstDay)) to \(AppraisalParagraph.longDate(report.lastDay))). "
            + "In that time IT failures removed \(Hours.text(report.totals.hoursLostMinutes)) hours "
            + "(\(report.totals.percentOfContracted)%) of my contracted time over \(report.totals.outages) "
            + "outage\(report.totals.outages == 1 ? "" : "s"), "
            + "I worked \(Hours.text(report.totals.extraMinutes)) extra hours, and "
            + "\(report.totals.deadlinesAtRisk + report.totals.deadlinesMissed) deadlines were put at risk or missed.")
        let flags = report.entries.filter { $0.kind == .healthAndSafety && !$0.erased }
        if !flags.isEmpty {
            page.element("p", text: "I have recorded \(flags.count) health and safety concern"
                + "\(flags.count == 1 ? "" : "s") in this period:")
            page.element("ul") { list in
                for flag in flags {
                    list.element("li", text: report.localText(flag.at) + ": " + EntryText.summary(flag))
                }
            }
        }
        page.element("p", text: "I am giving notice so that my employer is aware of the risk to my health and can "
            + "act on its duties under the Health and Safety at Work etc. Act 1974 and the Management of Health and "
            + "Safety at Work Regulations 1999, including a stress risk assessment. I ask for a meeting to agree "
            + "how my workload will be reduced.")
        page.element("p", text: "The figures above come from my signed courtwatch report for the same period.")
        page.element("p", text: "Name: \(member.name)")
        page.element("p", text: "Office: \(member.site)")
        page.element("p", text: "Date: [date sent]")
        return HTML.mainDocument(title: "Foreseeability notice (draft, not sent)", body: page.html)
    }
}
