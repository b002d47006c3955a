public import Monitoring

/// One line describing a staff entry, for tables and the foreseeability notice.
public enum EntryText {
    public static func summary(_ entry: StaffEntry) -> String {
        if entry.erased { return "(erased on request)" }
        let fields = entry.fields
        var parts: [String] = []
        switch entry.kind {
        case .timeLost:
            parts.append("\(fields["minutes"] ?? "?") min lost")
            if let what = fields["could-not"] { parts.append("could not: \(what)") }
        case .extraHours:
            if let end = entry.end {
                parts.append(Hours.clock((end.millisecondsSinceEpoch - entry.at.millisecondsSinceEpoch) / 60_000)
                             + " extra")
            }
            if let claim = fields["claim"] { parts.append("claimed as \(claim)") }
        case .cost:
            parts.append(fields["amount"].flatMap(Money.pence).map { Money.format(pence: $0) } ?? "cost")
            if let what = fields["what"] { parts.append(what) }
            if let agreed = fields["agreed-in-writing"] { parts.append("agreed in writing: \(agreed)") }
        case .deadline:
            parts.append("deadline \(fields["status"] ?? "at-risk")")
            if let target = fields["target"] { parts.append(target) }
        case .healthAndSafety:
            parts.append("health and safety")
            if let informed = fields["informed"] { parts.append("informed: \(informed)") }
        case .managerNotified:
            parts.append("manager told")
            if let how = fields["how"] { parts.append("by \(how)") }
        case .helpdeskTicket:
            parts.append("helpdesk ticket \(fields["reference"] ?? "")")
        }
        if let note = fields["note"] { parts.append(note) }
        if let reference = fields["reference"], entry.kind != .helpdeskTicket { parts.append("ref \(reference)") }
        return parts.joined(separator: "; ")
    }
}
