import Foundation
import FailureLog
import Monitoring

/// The incident pages and their forms (`IncidentPages` renders, `IncidentActions` checks and records).
extension WebApplication {
    static let resolvedShown = 50

    /// GET /incidents: open incidents, then the 50 most recent resolved ones (`?all=yes`: every one).
    func incidentsPage(_ visit: Visit, now: Timestamp) -> HTTPResponse {
        let query = visit.request.query
        if let unknown = query.keys.sorted().first(where: { $0 != "all" }) {
            return errorPage(visit, status: 400, heading: "Cannot show this list",
                             detail: "'\(unknown.prefix(40))' is not a setting of the incident list (only all=yes).",
                             back: "/incidents", backLabel: "All incidents")
        }
        let all: Bool
        switch query["all"] {
        case nil, "no"?: all = false
        case "yes"?: all = true
        case let other?:
            return errorPage(visit, status: 400, heading: "Cannot show this list",
                             detail: "all=\(other.prefix(20)) is not yes or no.", back: "/incidents",
                             backLabel: "All incidents")
        }
        var content: String?
        let failure = withReader { reader in
            let zone = StatusPage.formatter(Self.zone(try reader.site()))
            let everything = try reader.incidents(IncidentFilter())
            let open = everything.filter { $0.resolvedAt == nil }
            let resolved = everything.filter { $0.resolvedAt != nil }.sorted {
                ($0.startedAt, $0.id) > ($1.startedAt, $1.id)
            }
            content = IncidentPages.list(open: open, resolved: all ? resolved : Array(resolved.prefix(Self.resolvedShown)),
                                         resolvedTotal: resolved.count, showingAll: all, now: now, zone: zone)
            return .text("")
        }
        guard let content else { return logUnavailable(visit, failure) }
        return page(visit, title: "Incidents — \(siteName())", content: content, current: "/incidents",
                    extraCSS: IncidentPages.extraCSS)
    }

    /// GET /incidents/{id}, and the re-rendering of a refused form (422, or 409 for a conflict) with `error`.
    func incidentPage(_ visit: Visit, id: Int64, now: Timestamp, error: IncidentPages.FormError? = nil) -> HTTPResponse {
        var content: String?
        var missing = false
        let responder = visit.principal.map { [.ops, .siteLead].contains($0.role) } ?? false
        let failure = withReader { reader in
            guard let detail = try reader.incident(id) else {
                missing = true
                return .text("")
            }
            let zone = StatusPage.formatter(Self.zone(try reader.site()))
            content = IncidentPages.detail(detail, now: now, zone: zone, responder: responder,
                                           csrfField: visit.csrfField, error: error)
            return .text("")
        }
        if missing {
            return errorPage(visit, status: 404, heading: "No such incident", detail: "There is no incident \(id).",
                             back: "/incidents", backLabel: "All incidents")
        }
        guard let content else { return logUnavailable(visit, failure) }
        return page(visit, title: "Incident \(id) — \(siteName())", content: content,
                    status: error.map { $0.refusal.status } ?? 200, current: "/incidents", extraCSS: IncidentPages.extraCSS)
    }

    /// POST /incidents/{id}/ack|note|resolve from the page's forms: 303 back with a flash message, or the page
    /// again with the refusal (422 naming the field; 409 when the incident is already resolved).
    func incidentForm(_ visit: Visit, _ action: IncidentActions.Action, id: Int64, now: Timestamp) -> HTTPResponse {
        let by = visit.principal?.subject ?? "web"
        do throws(IncidentActions.Refusal) {
            let input = try IncidentActions.input(action, form: visit.form)
            try IncidentActions.record(action, incident: id, input, by: by, stateDirectory: environment.stateDirectory,
                                       now: now)
        } catch {
            switch error.status {
            case 404:
                return errorPage(visit, status: 404, heading: "No such incident", detail: error.detail,
                                 back: "/incidents", backLabel: "All incidents")
            case 422, 409:
                var typed: [String: String] = [:]
                for field in visit.form.fields where field.name != "csrf" { typed[field.name] = field.value }
                return incidentPage(visit, id: id, now: now,
                                    error: IncidentPages.FormError(action: action, input: typed, refusal: error))
            default:
                return errorPage(visit, status: error.status, heading: "Not recorded", detail: error.detail,
                                 back: "/incidents/\(id)", backLabel: "Back to incident \(id)")
            }
        }
        let flash = switch action {
        case .acknowledge: "Incident \(id) acknowledged by \(by)."
        case .note: "Your note was added to incident \(id)."
        case .resolve: "Incident \(id) resolved."
        }
        return redirect(visit, to: "/incidents/\(id)", flash: flash)
    }

    private func logUnavailable(_ visit: Visit, _ failure: HTTPResponse) -> HTTPResponse {
        errorPage(visit, status: 503, heading: "The failure log cannot be read",
                  detail: String(decoding: failure.body, as: UTF8.self), back: "/", backLabel: "Go to the status board")
    }

    static func zone(_ site: SiteDefinition?) -> TimeZone {
        TimeZone(identifier: site?.timeZone ?? "UTC") ?? TimeZone(identifier: "UTC")!
    }
}
