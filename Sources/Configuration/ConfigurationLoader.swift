import FoundationEssentials
public import Monitoring

/// Daemon-wide settings from `courtwatch.conf`.
public struct DaemonSettings: Hashable, Sendable {
    /// Address for the web surface, `host:port`; loopback by default.
    public var listen: String = "127.0.0.1:8080"
    /// True when `Listen=` was written in courtwatch.conf (a bind failure is then fatal, not just logged).
    public var listenIsExplicit = false
    public var publicStatus = false
    public var tokensFile: String?
    /// `SecureCookies=yes`: mark the browser session cookie `Secure` (when a TLS reverse proxy is in front).
    public var secureCookies = false
    /// `SessionIdleMinutes=`: a browser session unused this long ends (5 to 720; sessions end after 12 h anyway).
    public var sessionIdleMinutes = 480
    /// Records held in memory while the failure log cannot be written (disk full, read-only, locked).
    public var maximumBufferedRecords = 1_000_000
    /// `MaxConnectionsPerClient=`: open web connections one client IP may hold (see `ServerLimits`).
    public var maximumConnectionsPerClient = 32
    /// How long each category of the log is kept (`[Retention]`).
    public var retention = RetentionPolicy()

    public init() {}
}

/// Everything loaded from one configuration directory.
public struct SiteConfiguration: Sendable {
    public var directory: String
    public var daemon: DaemonSettings
    public var site: SiteDefinition
    public var probes: [ProbeDefinition]
    /// Planned maintenance from site.conf and the .probe files.
    public var maintenance: [MaintenanceWindow]
    /// `[System]` sections of site.conf (continuity rules); see `continuityRules` for every system's rule.
    public var systems: [SystemContinuityRule] = []
    /// `[Contact]` sections of site.conf, for the printed contacts sheet.
    public var contacts: [SiteContact] = []
    /// People from `staff/*.staff` (issue #6).
    public var staff: [StaffMember] = []
    /// Problems in `staff/` files: they do not stop the daemon (monitoring matters more), but
    /// `check-config` reports them and fails.
    public var staffProblems: [ConfigurationError] = []
    /// The site's bank holidays: `Holidays=` in site.conf (england-and-wales or none) with the additions
    /// and removals of `staff/holidays.conf`. Not business hours, for continuity and the site report.
    public var holidays = HolidayCalendar()
    /// `[Alert]` sections of courtwatch.conf.
    public var alerts: [AlertDefinition] = []
}

/// Reads a configuration directory: `courtwatch.conf` (optional), `site.conf`, and `*.probe` files at any depth.
public enum ConfigurationLoader {
    /// A file's path (as shown in messages) and its text.
    public typealias SourceFile = (path: String, text: String)

    /// Loads `directory`, or throws every problem found, each with file:line.
    public static func load(directory: String) throws(ConfigurationErrors) -> SiteConfiguration {
        let files: [SourceFile]
        do {
            files = try readDirectory(directory)
        } catch {
            throw ConfigurationErrors(errors: [error])
        }
        return try load(files: files, directory: directory)
    }

    /// Loads from files already in memory (the embedded demo site, tests).
    public static func load(files: [SourceFile], directory: String) throws(ConfigurationErrors) -> SiteConfiguration {
        var errors: [ConfigurationError] = []
        var daemon = DaemonSettings()
        var site: SiteDefinition?
        var probes: [ProbeDefinition] = []
        var maintenance: [MaintenanceWindow] = []
        var systems: [SystemContinuityRule] = []
        var contacts: [SiteContact] = []
        var alerts: [AlertDefinition] = []
        let siteFile = files.first { $0.path.hasSuffix("/site.conf") || $0.path == "site.conf" }
        let daemonFile = files.first { $0.path.hasSuffix("/courtwatch.conf") || $0.path == "courtwatch.conf" }
        if let daemonFile {
            let keyFile = KeyFile(path: daemonFile.path, text: daemonFile.text, errors: &errors)
            daemon = readDaemon(keyFile, errors: &errors)
            daemon.retention = RetentionReader.read(keyFile, errors: &errors)
            alerts = AlertReader.read(keyFile, errors: &errors)
        }
        if let siteFile {
            let keyFile = KeyFile(path: siteFile.path, text: siteFile.text, errors: &errors)
            site = readSite(keyFile, errors: &errors)
            contacts = ContactReader.read(keyFile, errors: &errors)
            for section in keyFile.sections where section.name == "Maintenance" {
                if let window = MaintenanceReader.read(section, file: keyFile.path, scoped: false, errors: &errors) {
                    maintenance.append(window)
                }
            }
            for section in keyFile.sections where section.name == "System" {
                if let rule = SystemReader.read(section, file: keyFile.path, errors: &errors) { systems.append(rule) }
            }
        } else {
            errors.append(ConfigurationError(file: "\(directory)/site.conf", line: 0,
                                             message: "missing: every configuration directory needs a site.conf with a [Site] section"))
        }
        let probeFiles = files.filter { $0.path.hasSuffix(".probe") }
        if probeFiles.isEmpty {
            errors.append(ConfigurationError(file: directory, line: 0,
                                             message: "no *.probe files: there is nothing to watch"))
        }
        var declared: [(id: String, source: SourceLocation)] = []
        for file in probeFiles {
            let keyFile = KeyFile(path: file.path, text: file.text, errors: &errors)
            probes.append(contentsOf: ProbeReader.read(keyFile, errors: &errors, declared: &declared,
                                                       maintenance: &maintenance))
        }
        ProbeReader.checkReferences(probes, declared: declared, errors: &errors)
        MaintenanceReader.checkReferences(maintenance, probes: probes, declared: declared, errors: &errors)
        SystemReader.checkReferences(systems, probes: probes, errors: &errors)
        // A mistake in someone's staff file must not stop monitoring: kept apart, reported by check-config.
        var staffErrors: [ConfigurationError] = []
        let (staff, holidays) = StaffDirectory.read(files: files, site: site, errors: &staffErrors)
        AlertReader.checkReferences(alerts, probes: probes, errors: &errors)
        if !errors.isEmpty {
            throw ConfigurationErrors(errors: errors.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
        }
        return SiteConfiguration(directory: directory, daemon: daemon, site: site!, probes: probes,
                                 maintenance: maintenance, systems: systems, contacts: contacts, staff: staff,
                                 staffProblems: staffErrors.sorted { ($0.file, $0.line) < ($1.file, $1.line) },
                                 holidays: holidays,
                                 alerts: alerts)
    }

    static func readDirectory(_ directory: String) throws(ConfigurationError) -> [SourceFile] {
        let manager = FileManager.default
        var isDirectory: Bool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw ConfigurationError(file: directory, line: 0, message: "configuration directory does not exist")
        }
        guard isDirectory else {
            throw ConfigurationError(file: directory, line: 0, message: "is not a directory")
        }
        let listing: [String]
        do {
            listing = try manager.subpathsOfDirectory(atPath: directory)
        } catch {
            throw ConfigurationError(file: directory, line: 0, message: "cannot be read: \(error)")
        }
        var relativePaths: [String] = []
        for relative in listing {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if relative == "site.conf" || relative == "courtwatch.conf" || relative.hasSuffix(".probe")
                || relative.hasSuffix(".staff") || relative == "staff/holidays.conf" {
                relativePaths.append(relative)
            }
        }
        var files: [SourceFile] = []
        for relative in relativePaths.sorted() {
            let path = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            guard let data = manager.contents(atPath: path) else {
                throw ConfigurationError(file: path, line: 0, message: "cannot be read (permissions?)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(file: path, line: 0, message: "is not UTF-8 text")
            }
            files.append((path, text))
        }
        return files
    }

    static func readDaemon(_ keyFile: KeyFile, errors: inout [ConfigurationError]) -> DaemonSettings {
        var settings = DaemonSettings()
        for section in keyFile.sections where section.name != "Retention" && section.name != "Alert" {
            guard section.name == "Daemon" else {
                errors.append(ConfigurationError(file: keyFile.path, line: section.line,
                                                 message: "unknown section [\(section.name)]; courtwatch.conf has [Daemon], [Retention] and [Alert]"))
                continue
            }
            var reader = SectionReader(file: keyFile.path, section: section,
                                       knownKeys: ["Listen", "PublicStatus", "TokensFile", "MaxBufferedEvents",
                                                   "SecureCookies", "SessionIdleMinutes", "MaxConnectionsPerClient"])
            if let listen = reader.string("Listen") {
                if ListenAddress.isValid(listen) {
                    settings.listen = listen
                    settings.listenIsExplicit = true
                } else {
                    reader.fail("Listen", "Listen=\(listen) is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)")
                }
            }
            settings.publicStatus = reader.boolean("PublicStatus") ?? false
            settings.tokensFile = reader.string("TokensFile")
            settings.secureCookies = reader.boolean("SecureCookies") ?? false
            settings.sessionIdleMinutes = reader.integer("SessionIdleMinutes", range: 5...720)
                ?? settings.sessionIdleMinutes
            settings.maximumBufferedRecords = reader.integer("MaxBufferedEvents", range: 1000...50_000_000)
                ?? settings.maximumBufferedRecords
            settings.maximumConnectionsPerClient = reader.integer("MaxConnectionsPerClient", range: 1...100_000)
                ?? settings.maximumConnectionsPerClient
            errors += reader.errors
        }
        return settings
    }

    static func readSite(_ keyFile: KeyFile, errors: inout [ConfigurationError]) -> SiteDefinition? {
        let sites = keyFile.sections.filter { $0.name == "Site" }
        for section in keyFile.sections where !["Site", "Maintenance", "System", "Contact"].contains(section.name) {
            errors.append(ConfigurationError(
                file: keyFile.path, line: section.line,
                message: "unknown section [\(section.name)]; site.conf has [Site], [Maintenance], [System] and [Contact]"))
        }
        guard let section = sites.first else {
            errors.append(ConfigurationError(file: keyFile.path, line: 0, message: "has no [Site] section"))
            return nil
        }
        if sites.count > 1 {
            errors.append(ConfigurationError(file: keyFile.path, line: sites[1].line,
                                             message: "a second [Site] section; one site per configuration directory"))
        }
        var reader = SectionReader(file: keyFile.path, section: section,
                                   knownKeys: ["ID", "Name", "TimeZone", "BusinessHours", "Holidays"])
        let id = reader.identifier("ID", required: true)
        let name = reader.string("Name", required: true)
        let timeZone = reader.string("TimeZone") ?? "UTC"
        if !TimeZoneName.isPlausible(timeZone) {
            reader.fail("TimeZone", "TimeZone=\(timeZone) is not a time zone name like Europe/London")
        }
        var businessHours: WeeklySchedule?
        if let text = reader.string("BusinessHours") {
            do {
                businessHours = try WeeklySchedule(parsing: text)
            } catch {
                reader.fail("BusinessHours", "BusinessHours=\(text): \(error.message)")
            }
        }
        let holidays = reader.identifier("Holidays")
        errors += reader.errors
        guard let id, let name else { return nil }
        return SiteDefinition(id: id, name: name, timeZone: timeZone, businessHours: businessHours, holidays: holidays)
    }
}

/// `host:port` with an IPv4 address or name, or `[v6]:port`. Port 0 asks the kernel for a free port (tests).
enum ListenAddress {
    static func isValid(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port)
        else { return false }
        let host = text[..<colon]
        return !host.isEmpty
    }
}

/// A light check that a time zone name has the IANA shape; the zone itself is read when reports need it.
enum TimeZoneName {
    static func isPlausible(_ name: String) -> Bool {
        if name == "UTC" { return true }
        let parts = name.split(separator: "/")
        return parts.count >= 2 && parts.allSatisfy { part in
            part.first?.isUppercase == true && part.allSatisfy { $0.isLetter || $0 == "_" || $0 == "-" || $0.isNumber }
        }
    }
}
