import Foundation
import FailureLog
import Monitoring
import Sockets

/// What `courtwatch status` shows, read from the failure log with a read-only connection.
struct StatusSnapshot {
    var site: SiteDefinition?
    var probes: [ProbeStatus]
    var openIncidents: [IncidentSummary]
    var recentEvents: [StoredEvent]
    var daemonPID: Int32?
    var daemonRunning: Bool
    var stateDirectory: String
    /// The running daemon's own report on its failure log: nil when healthy or not running.
    var logHealth: String?
    /// The site's continuity level and recommendation (issue #5).
    var continuity: ContinuityStatus?
    /// Whether alerts are getting through (issue #4: a notification never fails silently).
    var notifications = NotificationHealth()

    static func read(stateDirectory: String, recentEventLimit: Int = 0) throws(CommandFailure) -> StatusSnapshot {
        let store = FailureLogStore(stateDirectory: stateDirectory)
        do {
            let reader = try LogReader(store: store)
            let recent = recentEventLimit > 0
                ? try reader.recentEvents(kinds: [EventKind.probeTransition, EventKind.incidentOpened,
                                                  EventKind.incidentResolved, EventKind.incidentChildLinked,
                                                  EventKind.proberOffline, EventKind.proberOnline,
                                                  EventKind.userReport, EventKind.daemonStarted,
                                                  EventKind.daemonStopped],
                                          limit: recentEventLimit)
                : []
            let running = FileLock.isHeld(store.lockPath)
            var health: String?
            if running {
                let answer = try? ControlClient.send(["command": "health"], stateDirectory: store.stateDirectory,
                                                     timeoutMilliseconds: 1000)
                if let answer, answer != "ok" { health = answer }
            }
            let site = try reader.site()
            return StatusSnapshot(
                site: site, probes: try reader.probeStatuses(), openIncidents: try reader.openIncidents(),
                recentEvents: recent, daemonPID: FileLock.holder(of: store.lockPath),
                daemonRunning: running, stateDirectory: store.stateDirectory, logHealth: health,
                continuity: ContinuityStatus.read(site: site?.id, on: reader.connection),
                notifications: try reader.notificationHealth(now: .now))
        } catch let error as FailureLogStore.Failure {
            if case .migration = error { throw CommandFailure(code: .dataError, message: error.description) }
            throw CommandFailure(code: .failure, message: error.description)
        } catch {
            throw CommandFailure(code: .failure, message: "\(store.databasePath): \(error)")
        }
    }

    /// The plain-text table.
    func text(now: Timestamp = .now) -> String {
        let clock = LocalClock(timeZone: site?.timeZone)
        var lines: [String] = []
        let siteName = site.map { "\($0.name) (\($0.id))" } ?? "(no site recorded yet)"
        let daemon = daemonRunning ? "daemon running (pid \(daemonPID.map(String.init) ?? "?"))" : "daemon NOT running"
        lines.append("\(siteName) — \(daemon)")
        if let logHealth { lines.append("FAILURE LOG PROBLEM: \(logHealth) (probing continues; records are held in memory)") }
        if let banner = continuity?.banner(clock: clock, now: now) { lines.append(banner) }
        lines += notifications.statusLines
        lines.append("")
        for sentence in faultSentences(clock: clock, now: now) { lines.append("  " + sentence) }
        lines.append("")
        var rows = [["PROBE", "STATE", "SINCE", "LATENCY", "CHECKED", "LAST RESULT"]]
        for probe in probes {
            rows.append([
                probe.id,
                probe.state.rawValue.uppercased(),
                probe.since.map { clock.format($0, relativeTo: now) } ?? "—",
                probe.lastLatencyMicroseconds.map(Self.latency) ?? "—",
                probe.lastCheck.map { Self.ago($0, now: now) } ?? "never",
                probe.lastResult ?? "",
            ])
        }
        lines += Self.table(rows)
        lines.append("")
        if openIncidents.isEmpty {
            lines.append("No open incidents.")
        } else {
            lines.append("Open incidents (\(openIncidents.count)):")
            for incident in openIncidents {
                let minutes = max(0, (now - incident.startedAt).milliseconds / 60_000)
                lines.append("  #\(incident.id) \(incident.title) — since \(clock.format(incident.startedAt, relativeTo: now))"
                             + " (\(minutes) min): \(incident.cause)")
            }
        }
        if !recentEvents.isEmpty {
            lines.append("")
            lines.append("Recent events:")
            for event in recentEvents {
                lines.append("  \(clock.format(event.at, relativeTo: now))  \(Self.describe(event))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Where the faults are, in plain words.
    func faultSentences(clock: LocalClock, now: Timestamp) -> [String] {
        let views = probes.map {
            FaultLocation.ProbeView(id: $0.id, name: $0.name, system: $0.system, state: $0.state, since: $0.since,
                                    lastResult: $0.lastResult, dependsOn: $0.dependsOn, isReference: $0.isReference)
        }
        return FaultLocation.sentences(views) { clock.format($0, relativeTo: now) }
    }

    /// The same content as JSON, for scripts.
    func json() -> String {
        let probeValues: [JSONValue] = probes.map { probe in
            [
                "id": .string(probe.id), "name": .string(probe.name), "kind": .string(probe.kind),
                "target": .string(probe.target), "system": .optional(probe.system), "critical": .bool(probe.critical),
                "state": .string(probe.state.rawValue), "since": .optional(probe.since?.iso8601),
                "last_check": .optional(probe.lastCheck?.iso8601),
                "last_latency_ms": .optional(probe.lastLatencyMicroseconds.map { $0 / 1000 }),
                "last_result": .optional(probe.lastResult),
            ]
        }
        let incidentValues: [JSONValue] = openIncidents.map { incident in
            [
                "id": .integer(incident.id), "probe": .optional(incident.probeID), "system": .optional(incident.system),
                "title": .string(incident.title), "cause": .string(incident.cause),
                "started_at": .string(incident.startedAt.iso8601),
            ]
        }
        let value: JSONValue = [
            "site": site.map { ["id": .string($0.id), "name": .string($0.name), "time_zone": .string($0.timeZone)] }
                ?? .null,
            "daemon": ["running": .bool(daemonRunning), "pid": .optional(daemonPID.map(Int.init)),
                       "log_health": .optional(logHealth)],
            "probes": .array(probeValues),
            "summary": .array(faultSentences(clock: LocalClock(timeZone: site?.timeZone), now: .now).map { .string($0) }),
            "open_incidents": .array(incidentValues),
            "continuity": continuity?.json(clock: LocalClock(timeZone: site?.timeZone), now: .now) ?? .null,
            "notifications": notifications.json,
        ]
        return value.canonicalText
    }

    static func describe(_ event: StoredEvent) -> String {
        let fields = (try? JSONSerialization.jsonObject(with: Data(event.payload.utf8))) as? [String: Any] ?? [:]
        let probe = event.probeID ?? ""
        switch event.kind {
        case EventKind.probeTransition:
            let from = (fields["from"] as? String ?? "?").uppercased()
            let to = (fields["to"] as? String ?? "?").uppercased()
            let why = fields["note"] as? String ?? fields["cause"] as? String ?? ""
            return "\(probe): \(from) → \(to) (\(why))"
        case EventKind.incidentOpened:
            return "incident opened: \(fields["title"] as? String ?? probe) — \(fields["cause"] as? String ?? "")"
        case EventKind.incidentResolved:
            return "incident resolved: \(probe) — \(fields["reason"] as? String ?? "")"
        case EventKind.incidentChildLinked:
            return "\(probe) listed on \(fields["parent"] as? String ?? "its parent")'s incident (cannot be checked behind it)"
        case EventKind.proberOffline: return "courtwatch cut off: its reference probes all fail"
        case EventKind.proberOnline: return "courtwatch reconnected"
        case EventKind.userReport:
            return "staff report: \(fields["system"] as? String ?? "?") not working for \(fields["by"] as? String ?? "?")"
        case EventKind.daemonStarted: return "courtwatch started"
        case EventKind.daemonStopped: return "courtwatch stopped (\(fields["reason"] as? String ?? ""))"
        default: return "\(event.kind) \(probe)"
        }
    }

    /// "0.4 ms" below 10 ms (loopback and LAN answers), whole milliseconds above.
    static func latency(_ microseconds: Int64) -> String {
        microseconds < 10_000 ? "\(microseconds / 1000).\(microseconds % 1000 / 100) ms" : "\(microseconds / 1000) ms"
    }

    static func ago(_ time: Timestamp, now: Timestamp) -> String {
        let seconds = max(0, (now - time).milliseconds / 1000)
        if seconds < 120 { return "\(seconds)s ago" }
        if seconds < 7200 { return "\(seconds / 60)m ago" }
        return "\(seconds / 3600)h ago"
    }

    static func table(_ rows: [[String]]) -> [String] {
        guard let header = rows.first else { return [] }
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count - 1 {
            widths[index] = max(widths[index], cell.count)
        } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }
    }
}

/// Formats instants in the site's time zone: time of day for today, date and time otherwise.
struct LocalClock {
    /// The site's calendar, made once (the same one maintenance windows use).
    let calendar: Calendar

    init(timeZone name: String?) {
        calendar = SiteLocalTime(timeZone: name ?? "UTC").calendar
    }

    func format(_ time: Timestamp, relativeTo now: Timestamp) -> String {
        let date = Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let today = calendar.dateComponents([.year, .month, .day],
                                            from: Date(timeIntervalSince1970: Double(now.millisecondsSinceEpoch) / 1000))
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let clock = "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
        if parts.year == today.year && parts.month == today.month && parts.day == today.day { return clock }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(clock)"
    }
}
