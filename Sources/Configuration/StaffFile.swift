import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
public import Monitoring

/// Writes one person's `staff/<ID>.staff` file, atomically (a temporary file renamed over the old one), so a
/// reader never sees half a record. The file is regenerated from the record: comments are not kept.
public enum StaffFile {
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public static func path(for id: String, in directory: String) -> String { directory + "/staff/\(id).staff" }

    /// The record as `Key=value` pairs, in file order.
    public static func fields(for member: StaffMember) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = [("ID", member.id), ("Name", member.name), ("Site", member.site),
                                                      ("Role", member.role)]
        if let team = member.team { fields.append(("Team", team)) }
        if let manager = member.manager { fields.append(("Manager", manager)) }
        fields.append(("TimeZone", member.timeZone))
        fields.append(("WorkingHours", member.workingHours.text))
        if !member.extraSystems.isEmpty { fields.append(("Systems", member.extraSystems.joined(separator: ","))) }
        for range in member.leave { fields.append(("Leave", LeaveText.format(range))) }
        if let hours = member.contractedHoursPerWeek {
            fields.append(("ContractedHoursPerWeek", hours == hours.rounded() ? String(Int(hours)) : String(hours)))
        }
        return fields
    }

    /// The file's text for `member`.
    public static func text(for member: StaffMember) -> String {
        "# Written by courtwatch staff add|edit (comments are not kept).\n[Staff]\n"
            + fields(for: member).map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n"
    }

    /// Writes `member` to its file; with `replacing` false an existing file is refused.
    public static func write(_ member: StaffMember, directory: String, replacing: Bool) throws(WriteError) {
        let folder = directory + "/staff"
        let target = path(for: member.id, in: directory)
        let manager = FileManager.default
        if !replacing && manager.fileExists(atPath: target) {
            throw WriteError(path: target, reason: "staff ID \(member.id) already exists (use staff edit)")
        }
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: folder, reason: "cannot create: \(error)")
        }
        let temporary = folder + "/.\(member.id).staff.tmp.\(getpid())"
        guard manager.createFile(atPath: temporary, contents: Data(text(for: member).utf8)) else {
            throw WriteError(path: temporary, reason: "cannot write (permissions?)")
        }
        defer { unlink(temporary) }
        if replacing {
            guard rename(temporary, target) == 0 else {
                throw WriteError(path: target, reason: "cannot replace (errno \(errno))")
            }
        } else {
            // link() fails if the name exists, so two `staff add`s racing for one ID cannot both succeed.
            guard link(temporary, target) == 0 else {
                let reason = errno == EEXIST ? "staff ID \(member.id) already exists (use staff edit)"
                    : "cannot create (errno \(errno))"
                throw WriteError(path: target, reason: reason)
            }
        }
    }
}
