public import Monitoring

/// What the policy concluded about one system.
public struct ContinuityFinding: Sendable, Hashable {
    public var system: String
    public var level: ContinuityLevel
    /// The rule of the table that decided it (`R7`), for tests and the documentation.
    public var rule: String
    public var reason: String
    public var incidentID: Int64?
}

/// A recommended site level with its reasons in plain words, most severe first.
public struct ContinuityRecommendation: Sendable, Hashable {
    public var level: ContinuityLevel
    public var reasons: [String]
    public var findings: [ContinuityFinding]
    /// Systems at CONTINGENCY or above whose rule says `AutoInvoke=yes`.
    public var autoInvokeSystems: [String]

    /// The systems behind the recommended level.
    public var systems: [String] { findings.filter { $0.level == level }.map(\.system) }
}

/// The continuity rule table: open incidents, the clock and each system's rules in, a recommended level out.
/// No I/O; the caller supplies the site's local time.
///
/// Per open incident and affected system (rule R from `[System]`, or the default), with "in hours" meaning
/// the system's `Hours=` contain now and "time down" counting only time inside those hours:
///
/// | rule | when | level |
/// |---|---|---|
/// | R0 | impact `none` | not counted |
/// | R1 | an open incident with no system named | WATCH |
/// | R2 | planned maintenance: never counts toward paper mode | DEGRADED in hours, else WATCH |
/// | R3 | intermittent (FLAPPING) or impact `minor`, in hours | DEGRADED (WATCH outside) |
/// | R4 | down, criticality `low` | WATCH |
/// | R5 | down, criticality `medium`, in hours | DEGRADED (WATCH outside) |
/// | R6 | down, `high`/`critical`, in hours, time down < RTO | DEGRADED: print the pack |
/// | R7 | down, `high`/`critical`, in hours, time down ≥ RTO | CONTINGENCY: switch to paper |
/// | R8 | down, `high`/`critical`, a critical moment comes before the RTO would be reached | CONTINGENCY now |
/// | R9 | down, `high`/`critical`, in hours, time down ≥ MTPD | MAJOR |
/// | R10 | two or more `critical` systems at CONTINGENCY or above at once | MAJOR |
/// | R11 | down, `high`/`critical`, outside its hours (and no critical moment ahead) | WATCH |
///
/// The site's level is the highest finding; with no incident it is NORMAL.
public struct ContinuityPolicy: Sendable {
    public var rules: [String: SystemContinuityRule]
    /// The site's `BusinessHours=`; nil means every hour is a business hour.
    public var businessHours: WeeklySchedule?
    public var localTime: any LocalTimeConverter
    /// The site's bank holidays: not business hours, and not in any system's `Hours=` schedule.
    public var holidays: HolidayCalendar

    public init(rules: [SystemContinuityRule], businessHours: WeeklySchedule?, localTime: any LocalTimeConverter,
                holidays: HolidayCalendar = HolidayCalendar()) {
        self.rules = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.businessHours = businessHours
        self.localTime = localTime
        self.holidays = holidays
    }

    /// The rule for `system`; a system no configuration names (a hand-opened incident) gets the default.
    public func rule(for system: String) -> SystemContinuityRule {
        rules[system] ?? SystemContinuityRule.defaultRule(for: system, hasCriticalProbe: false)
    }

    func clock(for rule: SystemContinuityRule) -> HoursClock {
        switch rule.hours {
        case .always: HoursClock(localTime: localTime, schedule: nil)
        case .business: HoursClock(localTime: localTime, schedule: businessHours, holidays: holidays)
        case .schedule(let schedule): HoursClock(localTime: localTime, schedule: schedule, holidays: holidays)
        }
    }

    public func recommend(incidents: [ContinuityIncident], at now: Timestamp) -> ContinuityRecommendation {
        var findings: [ContinuityFinding] = []
        for incident in incidents.sorted(by: { $0.id < $1.id }) where incident.impact != .none {
            if incident.systems.isEmpty {
                findings.append(ContinuityFinding(
                    system: "", level: .watch, rule: "R1",
                    reason: "Incident #\(incident.id) \"\(incident.title)\" is open with no system named: "
                        + "\(ContinuityLevel.watch.action) (WATCH)",
                    incidentID: incident.id))
                continue
            }
            for system in incident.systems {
                findings.append(assess(incident, system: system, now: now))
            }
        }
        // One finding per system: the most severe (the earliest incident on a tie).
        var bySystem: [String: ContinuityFinding] = [:]
        var unnamed: [ContinuityFinding] = []
        for finding in findings {
            if finding.system.isEmpty {
                unnamed.append(finding)
            } else if let kept = bySystem[finding.system], kept.level >= finding.level {
                continue
            } else {
                bySystem[finding.system] = finding
            }
        }
        var kept = bySystem.values.sorted { ($0.level, $1.system) > ($1.level, $0.system) } + unnamed
        let criticalInPaperMode = kept.filter { $0.level.isPaperMode && rule(for: $0.system).criticality == .critical }
        if criticalInPaperMode.count >= 2 {
            let names = criticalInPaperMode.map { rule(for: $0.system).name }.sorted()
            kept.insert(ContinuityFinding(
                system: "", level: .major, rule: "R10",
                reason: "\(names.count) critical systems need paper mode at once (\(names.joined(separator: ", "))): "
                    + "\(ContinuityLevel.major.action) (MAJOR)",
                incidentID: nil), at: 0)
        }
        let level = kept.map(\.level).max() ?? .normal
        let reasons = kept.isEmpty ? ["No open incident affects this site's systems (NORMAL)"] : kept.map(\.reason)
        let automatic = kept.filter { $0.level.isPaperMode && !$0.system.isEmpty && rule(for: $0.system).autoInvoke }
            .map(\.system)
        return ContinuityRecommendation(level: level, reasons: reasons, findings: kept,
                                        autoInvokeSystems: Array(Set(automatic)).sorted())
    }

    /// The rule table for one incident on one system.
    func assess(_ incident: ContinuityIncident, system: String, now: Timestamp) -> ContinuityFinding {
        let rule = rule(for: system)
        let clock = clock(for: rule)
        let inHours = clock.contains(now)
        let down = clock.counted(from: incident.startedAt, to: now)
        let name = rule.name
        let hours = hoursPhrase(rule)
        func finding(_ level: ContinuityLevel, _ table: String, _ text: String) -> ContinuityFinding {
            ContinuityFinding(system: system, level: level, rule: table, reason: "\(text) (\(level))",
                              incidentID: incident.id)
        }

        if incident.planned {
            let level: ContinuityLevel = inHours ? .degraded : .watch
            return finding(level, "R2", "\(name) is down for planned work (\"\(incident.title)\"); planned "
                           + "maintenance does not count toward paper mode: \(level.action)")
        }
        if incident.intermittent || incident.impact == .minor {
            let what = incident.intermittent ? "is intermittent (flapping)" : "has a minor-impact incident"
            let level: ContinuityLevel = inHours ? .degraded : .watch
            let since = clockText(incident.startedAt, now: now)
            return finding(level, "R3", "\(name) \(what) since \(since): \(level.action)")
        }
        switch rule.criticality {
        case .low:
            return finding(.watch, "R4", "\(name) (low criticality) is down: \(ContinuityLevel.watch.action)")
        case .medium:
            let level: ContinuityLevel = inHours ? .degraded : .watch
            return finding(level, "R5", "\(name) (medium criticality) has been down for \(Self.words(down))"
                           + "\(inHours ? hours : ", outside " + hoursName(rule)): \(level.action)")
        case .high, .critical:
            break
        }
        let rto = rule.recoveryTimeObjective
        let mtpd = rule.maximumTolerableDisruption
        if inHours && down >= mtpd {
            return finding(.major, "R9", "\(name) has been down for \(Self.words(down))\(hours), past its MTPD of "
                           + "\(Self.words(mtpd)): \(ContinuityLevel.major.action)")
        }
        if inHours && down >= rto {
            return finding(.contingency, "R7", "\(name) has been down for \(Self.words(down))\(hours); its RTO is "
                           + "\(Self.words(rto)): \(ContinuityLevel.contingency.action)")
        }
        // Past the RTO outside its hours, paper mode is due as soon as the hours begin.
        let rtoReached = clock.instant(after: now, whenCounted: max(rto - down, .milliseconds(1)))
        let lookAhead = rtoReached ?? now + .milliseconds(HoursClock.horizon)
        if let (moment, at) = clock.firstMoment(rule.criticalMoments, after: now, through: lookAhead) {
            return finding(.contingency, "R8", "\(moment.label) is at \(clockText(at, now: now)), before \(name)'s "
                           + "RTO of \(Self.words(rto)) would be reached, and \(name) is down: switch to paper now")
        }
        if inHours {
            let when = rtoReached.map { " at \(clockText($0, now: now))" } ?? ""
            return finding(.degraded, "R6", "\(name) has been down for \(Self.words(down))\(hours); paper mode is "
                           + "due\(when) when its RTO of \(Self.words(rto)) is reached: print the forms pack")
        }
        let resumes = rtoReached.map { "; if still down, paper mode is due at \(clockText($0, now: now))" } ?? ""
        return finding(.watch, "R11", "\(name) is down outside \(hoursName(rule)); the RTO clock runs only in "
                       + "those hours\(resumes): \(ContinuityLevel.watch.action)")
    }

    func hoursName(_ rule: SystemContinuityRule) -> String {
        switch rule.hours {
        case .always: "its hours"
        case .business: "business hours" + (businessHours.map { " (\($0.text))" } ?? "")
        case .schedule(let schedule): "its hours (\(schedule.text))"
        }
    }

    func hoursPhrase(_ rule: SystemContinuityRule) -> String {
        if case .always = rule.hours { return "" }
        if case .business = rule.hours, businessHours == nil { return "" }
        return " during " + hoursName(rule)
    }

    /// `15:30` today, `Mon 08:20` on another day, in the site's local time.
    func clockText(_ time: Timestamp, now: Timestamp) -> String {
        let local = localTime.weekdayAndMinute(at: time)
        let today = localTime.weekdayAndMinute(at: now)
        let clock = "\(Self.two(local.minute / 60)):\(Self.two(local.minute % 60))"
        let sameDay = local.weekday == today.weekday && abs((time - now).milliseconds) < 86_400_000
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return sameDay ? clock : "\(days[(local.weekday - 1) % 7]) \(clock)"
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `42 minutes`, `1 hour`, `4 hours 10 minutes`.
    public static func words(_ duration: Duration) -> String {
        let minutes = max(0, duration.milliseconds / 60_000)
        func unit(_ count: Int64, _ name: String) -> String { "\(count) \(name)\(count == 1 ? "" : "s")" }
        if minutes < 60 { return unit(minutes, "minute") }
        let hours = unit(minutes / 60, "hour")
        return minutes % 60 == 0 ? hours : "\(hours) \(unit(minutes % 60, "minute"))"
    }
}
