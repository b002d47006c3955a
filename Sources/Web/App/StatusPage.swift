import Foundation
import Continuity
import Documents
import FailureLog
import Monitoring

/// The status board at `/`: server-rendered HTML, no JavaScript, reloaded by `<meta http-equiv=refresh>`.
/// Every state is written in words (the colour of a badge only repeats them), headings give the page a
/// structure screen readers can walk, tables have captions and header cells. The page shell (`PageShell`)
/// goes around it per viewer; this content is the same for everyone, so it can be cached.
enum StatusPage {
    /// The board's content: its `<h1>` and sections, for the main landmark.
    static func content(_ data: StatusData, now: Timestamp, refreshSeconds: Int) -> String {
        let zone = formatter(TimeZone(identifier: data.site?.timeZone ?? "UTC") ?? TimeZone(identifier: "UTC")!)
        let siteName = data.site?.name ?? "courtwatch"
        var body = "<h1>\(escape(siteName)): IT systems status</h1>\n"
        body += "<p class=\"hint\">Updated \(escape(format(now, zone))). This page reloads every "
            + "\(refreshSeconds) seconds.</p>\n"
        body += banners(data, zone: zone)
        let sentences = faultSentences(data, zone: zone)
        if !sentences.isEmpty {
            body += "<section aria-labelledby=\"wrong\">\n<h2 id=\"wrong\">What is wrong</h2>\n<ul>\n"
            for sentence in sentences { body += "<li>\(escape(sentence))</li>\n" }
            body += "</ul>\n</section>\n"
        }
        body += "<section aria-labelledby=\"systems\">\n<h2 id=\"systems\">Systems</h2>\n"
        if data.probes.isEmpty {
            body += "<p>No probes are configured yet.</p>\n"
        } else {
            var rows = "<thead><tr><th scope=\"col\">System</th><th scope=\"col\">Check</th><th scope=\"col\">State</th>"
                + "<th scope=\"col\">Since</th><th scope=\"col\">Last result</th></tr></thead>\n<tbody>\n"
            for probe in data.probes {
                rows += "<tr><td>\(escape(probe.system ?? "—"))</td><td>\(escape(probe.name))</td>"
                rows += "<td><span class=\"status state-\(probe.state.rawValue)\">\(escape(words(probe.state)))</span></td>"
                rows += "<td>\(escape(probe.since.map { format($0, zone) } ?? "—"))</td>"
                rows += "<td>\(escape(probe.lastResult ?? ""))</td></tr>\n"
            }
            // A narrow screen scrolls the table, not the page (WCAG 1.4.10); the region can take focus to scroll.
            var table = HTMLWriter()
            table.scrollingTable(label: "Checks", caption: "Each check, its state and since when",
                                 captionClass: "visually-hidden") { $0.raw(rows + "</tbody>\n") }
            body += table.html + "\n"
        }
        body += "</section>\n<section aria-labelledby=\"incidents\">\n<h2 id=\"incidents\">Open incidents</h2>\n"
        if data.openIncidents.isEmpty {
            body += "<p>No open incidents.</p>\n"
        } else {
            body += "<ul>\n"
            for incident in data.openIncidents {
                let acknowledged = incident.isAcknowledged(at: now)
                    ? " Acknowledged by \(incident.acknowledgedBy ?? "someone")." : " Not yet acknowledged."
                body += "<li><a href=\"/incidents/\(incident.id)\"><strong>Incident \(incident.id): "
                    + "\(escape(incident.title))</strong></a> — "
                    + "\(escape(incident.status.rawValue)), \(escape(incident.impact.rawValue)) impact, "
                    + "since \(escape(format(incident.startedAt, zone))).\(escape(acknowledged))</li>\n"
            }
            body += "</ul>\n"
        }
        body += "</section>\n"
        return body
    }

    /// The fault-location sentences `courtwatch status` prints (Monitoring's FaultLocation), times in the
    /// site's zone.
    static func faultSentences(_ data: StatusData, zone: DateFormatter) -> [String] {
        let views = data.probes.map {
            FaultLocation.ProbeView(id: $0.id, name: $0.name, system: $0.system, state: $0.state, since: $0.since,
                                    lastResult: $0.lastResult, dependsOn: $0.dependsOn, isReference: $0.isReference)
        }
        return FaultLocation.sentences(views) { format($0, zone) }
    }

    private static func banners(_ data: StatusData, zone: DateFormatter) -> String {
        var out = ""
        for reason in data.health.reasons {
            out += "<div class=\"banner\" role=\"alert\"><p><strong>Monitoring problem:</strong> "
                + "\(escape(reason))</p></div>\n"
        }
        if let summary = data.notifications?.summary {
            out += "<div class=\"banner\" role=\"alert\"><p><strong>Alerts are not getting through:</strong> "
                + "\(escape(summary))</p></div>\n"
        }
        if let continuity = data.continuity, let level = ContinuityLevel(rawValue: continuity.level) {
            if level.isPaperMode {
                let since = continuity.since.map { " since \(format($0, zone))" } ?? ""
                out += "<div class=\"banner\" role=\"alert\"><h2>Paper mode: continuity level \(escape(level.rawValue.uppercased()))"
                    + "\(escape(since))</h2><p>Use the <a href=\"/forms/\">paper forms pack</a> until the site stands "
                    + "down.</p></div>\n"
            } else {
                out += "<p>Continuity level: <strong>\(escape(level.rawValue.uppercased()))</strong>.</p>\n"
            }
            if let recommended = ContinuityLevel(rawValue: continuity.recommendedLevel), recommended.isPaperMode,
               !level.isPaperMode {
                out += "<div class=\"banner\" role=\"alert\"><p><strong>Paper mode recommended "
                    + "(\(escape(recommended.rawValue))):</strong> "
                    + "\(escape(continuity.recommendedWhy.joined(separator: "; ")))</p></div>\n"
            }
        }
        return out
    }

    /// `HTML.escape`, skipped when there is nothing to escape (most text on the board).
    static func escape(_ text: String) -> String {
        text.utf8.contains { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
            ? HTML.escape(text) : text
    }

    static func words(_ state: ProbeState) -> String {
        switch state {
        case .unknown: "Not checked yet"
        case .up: "Working"
        case .degraded: "Slow"
        case .suspect: "Failing (checking again)"
        case .down: "Not working"
        case .recovering: "Recovering"
        case .unreachable: "Unreachable (a system it depends on is down)"
        case .flapping: "Unstable (failing on and off)"
        case .maintenance: "Planned maintenance"
        case .proberOffline: "Not known (the checker itself lost its network)"
        }
    }

    /// One formatter per page: making a DateFormatter is the slow part of formatting.
    static func formatter(_ zone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = "HH:mm 'on' EEE d MMM yyyy zzz"
        return formatter
    }

    static func format(_ time: Timestamp, _ formatter: DateFormatter) -> String {
        formatter.string(from: Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000))
    }

    /// Badges: dark text on light fills (contrast well over 4.5:1), each with a border, so the state is read
    /// from the words, never the colour alone.
    static let extraCSS = """

        .banner { border: 4px solid #0b0c0c; background: #fff4cc; padding: 4pt 10pt; margin: 8pt 0; }
        .state-up { background: #e3f2e1; }
        .state-down, .state-unreachable { background: #fbe3e1; }
        .state-degraded, .state-suspect, .state-recovering, .state-flapping { background: #fff4cc; }
        """
}
