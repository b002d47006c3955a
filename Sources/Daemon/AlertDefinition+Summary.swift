import Alerts
import Monitoring

extension AlertDefinition {
    /// One line for `courtwatch check-config`: where it goes and what it covers, never its credentials.
    var checkConfigLine: String {
        let target: String
        switch channel {
        case .webhook(let url): target = URLOrigin.redacted(url)
        case let .email(smtpURL, _, to, _, _):
            target = "\(to.joined(separator: ",")) via \(URLOrigin.redacted(smtpURL))"
        case .exec(let command): target = command[0]
        }
        var scope: [String] = []
        if !sites.isEmpty { scope.append("sites \(sites.sorted().joined(separator: ","))") }
        if !systems.isEmpty { scope.append("systems \(systems.sorted().joined(separator: ","))") }
        if minimumImpact != .none { scope.append("impact ≥ \(minimumImpact.rawValue)") }
        if events != Set(Self.routableEvents) { scope.append(events.sorted().joined(separator: ",")) }
        if let renotifyEvery { scope.append("remind every \(renotifyEvery.configText)") }
        if includesPlanned { scope.append("planned too") }
        let covers = scope.isEmpty ? "" : "  (\(scope.joined(separator: "; ")))"
        return "  alert \(id)  \(channel.name)  \(target)" + covers
    }
}
