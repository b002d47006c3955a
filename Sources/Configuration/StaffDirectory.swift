import FoundationEssentials
public import Monitoring

/// The staff records of one configuration directory: `staff/*.staff`, the site's public holidays with
/// `staff/holidays.conf` applied, and `site.conf` for defaults. The `courtwatch staff` and `report user`
/// commands load only this, so a probe file being edited does not stop a person getting their report.
public struct StaffDirectory: Sendable {
    public var directory: String
    public var site: SiteDefinition?
    public var members: [StaffMember]
    public var holidays: HolidayCalendar

    public var staffFolder: String { directory + "/staff" }

    public func member(_ id: String) -> StaffMember? { members.first { $0.id == id } }

    /// Loads `directory` (a missing staff folder is an empty list), or throws every problem with file:line.
    public static func load(directory: String) throws(ConfigurationErrors) -> StaffDirectory {
        var errors: [ConfigurationError] = []
        var site: SiteDefinition?
        let sitePath = directory + "/site.conf"
        if let text = try? String(contentsOfFile: sitePath, encoding: .utf8) {
            let keyFile = KeyFile(path: sitePath, text: text, errors: &errors)
            site = ConfigurationLoader.readSite(keyFile, errors: &errors)
        }
        var files: [ConfigurationLoader.SourceFile] = []
        let folder = directory + "/staff"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        for name in names where !name.hasPrefix(".") && (name.hasSuffix(".staff") || name == "holidays.conf") {
            let path = folder + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                errors.append(ConfigurationError(file: path, line: 0, message: "cannot be read (permissions? UTF-8?)"))
                continue
            }
            files.append((path, text))
        }
        let (members, holidays) = read(files: files, site: site, errors: &errors)
        if !errors.isEmpty { throw ConfigurationErrors(errors: errors) }
        return StaffDirectory(directory: directory, site: site, members: members, holidays: holidays)
    }

    /// Reads `.staff` files and `holidays.conf` among `files`; duplicate IDs are errors.
    static func read(files: [ConfigurationLoader.SourceFile], site: SiteDefinition?,
                     errors: inout [ConfigurationError]) -> (members: [StaffMember], holidays: HolidayCalendar) {
        var holidays = site?.holidays == "none" ? HolidayCalendar() : HolidayCalendar.englandAndWales
        var members: [StaffMember] = []
        for file in files where file.path.hasSuffix("/staff/holidays.conf") || file.path == "staff/holidays.conf" {
            let keyFile = KeyFile(path: file.path, text: file.text, errors: &errors)
            StaffReader.readHolidays(keyFile, into: &holidays, errors: &errors)
        }
        for file in files where file.path.hasSuffix(".staff") {
            let keyFile = KeyFile(path: file.path, text: file.text, errors: &errors)
            for member in StaffReader.read(keyFile, site: site, errors: &errors) {
                if let earlier = members.first(where: { $0.id == member.id }) {
                    errors.append(ConfigurationError(
                        file: file.path, line: member.source?.line ?? 0,
                        message: "staff ID \(member.id) is already used at \(earlier.source?.description ?? "?")"))
                    continue
                }
                members.append(member)
            }
        }
        return (members, holidays)
    }
}
