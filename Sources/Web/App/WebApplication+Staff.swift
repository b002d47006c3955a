import FailureLog
import Monitoring

/// The staff page (`GET /me`) and its form posts, for a member of staff as themself. A form's fields become
/// the JSON API's body (`StaffForms`) and go through the API's checks (`StaffActions`) to the daemon's
/// `StaffService`; success is Post/Redirect/Get back to /me with a message, a refusal of a value is the page
/// again (422) with the error linked to its field and what was typed kept.
extension WebApplication {
    func staffPage(_ visit: Visit, state: StaffPage.FormState? = nil, status: Int = 200) -> HTTPResponse {
        guard let service = environment.staff else { return staffUnavailable(visit, StaffActions.unavailableFailure) }
        let now = Timestamp.now
        do throws(ServiceFailure) {
            let record = try service.record(staffID: visit.principal?.subject ?? "", at: now)
            return page(visit, title: "\(record.name) — my page",
                        content: StaffPage.content(record, csrf: visit.session?.csrf, state: state, flash: nil, now: now),
                        status: status, current: "/me", extraCSS: StaffPage.extraCSS)
        } catch {
            return staffUnavailable(visit, error)
        }
    }

    func staffForm(_ visit: Visit, _ form: StaffPage.FormState.Form) -> HTTPResponse {
        var values: StaffForms.Values = [:]
        for field in visit.form.fields where field.name != "csrf" { values[field.name, default: []].append(field.value) }
        let subject = visit.principal?.subject ?? ""
        let service = environment.staff
        let now = Timestamp.now
        do throws(ServiceFailure) {
            let flash: String
            switch form {
            case .problem:
                _ = try StaffActions.recordProblem(StaffForms.problemBody(values), service: service, by: subject, now: now)
                // The system's name as the buttons show it; its ID if the record cannot be read now.
                let id = values["system"]?.first ?? ""
                let name = (try? service?.record(staffID: subject, at: now))?.siteSystems.first { $0.id == id }?.name
                flash = "Recorded: \(name ?? id) is not working for you. It is in the failure log with your name and "
                    + "the time."
            case .entry:
                let answer = try StaffActions.recordEntry(StaffForms.entryBody(values), service: service, staffID: subject)
                flash = Self.entryFlash(answer)
            case .share:
                let body = try StaffForms.shareBody(values).get()
                let change = try StaffActions.sharingChange(.share, body, service: service, staffID: subject, now: now)
                let until = values["until"]?.first.flatMap { $0.isEmpty ? nil : $0 }
                flash = "Your report is now shared with \(Self.grantee(change.share?.grantee ?? ""))"
                    + (until.map { " until the end of \($0)." } ?? " until you revoke it.")
            case .revoke:
                let change = try StaffActions.sharingChange(.revoke, StaffForms.revokeBody(values), service: service,
                                                            staffID: subject, now: now)
                let who = Self.grantee(values["with"]?.first ?? "")
                flash = change.revoked == 0 ? "Your report was not shared with \(who)."
                    : "Stopped sharing: \(who) can no longer see your report."
            }
            return redirect(visit, to: "/me", flash: flash)
        } catch {
            guard error.status == 400 || error.status == 422 else { return staffUnavailable(visit, error) }
            let names = switch form {
            case .problem: StaffForms.problemFields
            case .entry: StaffForms.entryFields
            case .share, .revoke: StaffForms.shareFields
            }
            let state = StaffPage.FormState(form: form, values: values,
                                            field: StaffForms.field(of: error.detail, among: names),
                                            message: Self.sentence(error.detail))
            return staffPage(visit, state: state, status: 422)
        }
    }

    /// The page cannot be made or the action was refused as a whole: who is not in the staff directory (403),
    /// no daemon or log (503).
    private func staffUnavailable(_ visit: Visit, _ failure: ServiceFailure) -> HTTPResponse {
        let heading = failure.status == 403 ? "You are not in the staff directory" : "My page is not available"
        return errorPage(visit, status: failure.status, heading: heading, detail: Self.sentence(failure.detail),
                         back: "/", backLabel: "Go to the status board")
    }

    /// "Logged your entry e12, linked to incident 4." from the entry's JSON as the API answers it.
    static func entryFlash(_ answer: String) -> String {
        guard case .object(let entry)? = JSONValue(parsing: answer), case .string(let id)? = entry["id"] else {
            return "Your entry was logged."
        }
        var incidents: [String] = []
        if case .array(let items)? = entry["incidents"] {
            for case .integer(let number) in items { incidents.append(String(number)) }
        }
        let links = incidents.isEmpty ? "no incident overlaps it yet"
            : "linked to incident" + (incidents.count == 1 ? " " : "s ") + incidents.joined(separator: ", ")
        return "Logged your entry \(id): \(links)."
    }

    /// A grantee in a sentence: "your line manager", "union representatives", or the name as typed.
    static func grantee(_ grantee: String) -> String {
        switch grantee {
        case "manager": "your line manager"
        case "union-rep": "union representatives"
        case "safety-rep": "safety representatives"
        default: grantee
        }
    }

    /// A refusal as a sentence for a page: a capital first letter and a full stop.
    static func sentence(_ detail: String) -> String {
        guard let first = detail.first else { return detail }
        let text = first.uppercased() + detail.dropFirst()
        return text.hasSuffix(".") ? text : text + "."
    }
}
