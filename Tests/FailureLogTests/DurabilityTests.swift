import Diagnostics
import FailureLog
import Foundation
import Monitoring
import SQLite
import TestSupport
import Testing

/// The failure log when the disk misbehaves: the writer buffers in memory, says why, retries, and commits
/// everything once the disk is back. Nothing committed is lost and the chain verifies.
@Suite(.serialized) struct DurabilityTests {
    let logger = Logger(label: "test", sink: .discard)

    func event(_ index: Int) -> LogRecord {
        .event(kind: "test.event", at: Timestamp(millisecondsSinceEpoch: 1_763_800_000_000 + Int64(index)),
               payload: ["n": .integer(Int64(index)), "padding": .string(String(repeating: "x", count: 200))])
    }

    func expectAllCommitted(_ store: FailureLogStore, count: Int) throws {
        let reader = try LogReader(store: store)
        #expect(try reader.connection.scalarInt("SELECT count(*) FROM events WHERE kind = 'test.event'") == Int64(count))
        let numbers = try reader.connection.rows(
            "SELECT json_extract(payload, '$.n') FROM events WHERE kind = 'test.event' ORDER BY seq") { $0.int(0) ?? -1 }
        let firstWrong = zip(numbers, 0...).first { $0.0 != Int64($0.1) }
        #expect(numbers.count == count && firstWrong == nil,
                "every record, once, in order; first out of place: \(String(describing: firstWrong))")
        #expect(try reader.verifyChain().firstBroken == nil)
        #expect(try reader.integrityCheck() == "ok")
    }

    @Test func aDatabaseLockedByAnotherProcessIsWaitedOutWithoutLosingRecords() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try store.prepareDirectory()
        _ = try store.openWriter()  // create and migrate
        let connection = try Connection(path: store.databasePath, busyTimeoutMilliseconds: 50)
        let writer = try LogWriter(connection: connection, logger: logger)
        writer.start()
        for index in 0..<100 { writer.record(event(index)) }
        #expect(writer.flush())

        let intruder = try Connection(path: store.databasePath)
        try intruder.execute("BEGIN EXCLUSIVE")
        for index in 100..<300 { writer.record(event(index)) }
        #expect(eventually(timeout: .seconds(10)) { writer.health?.contains("locked") == true },
                "health says: \(writer.health ?? "nil")")
        #expect(writer.health?.contains("records buffered") == true)
        try intruder.execute("ROLLBACK")
        try intruder.close()
        #expect(writer.flush(timeout: .seconds(20)))
        #expect(writer.health == nil)
        writer.close()
        try expectAllCommitted(store, count: 300)
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to mount a small tmpfs"))
    func aFullDiskBuffersThenCommitsEverythingWhenSpaceReturns() throws {
        let mount = try SmallFilesystem(sizeKiB: 8192)
        defer { mount.unmount() }
        let store = FailureLogStore(stateDirectory: mount.path + "/state")
        try store.prepareDirectory()
        let writer = try LogWriter(connection: try store.openWriter(), logger: logger)
        writer.start()
        for index in 0..<50 { writer.record(event(index)) }
        #expect(writer.flush())
        try mount.fill()
        for index in 50..<2000 { writer.record(event(index)) }
        #expect(eventually(timeout: .seconds(10)) { writer.health?.contains("full") == true },
                "health says: \(writer.health ?? "nil")")
        mount.unfill()
        #expect(writer.flush(timeout: .seconds(30)))
        #expect(writer.health == nil)
        writer.close()
        try expectAllCommitted(store, count: 2000)
    }

    @Test func pastTheBufferBoundTheOldestRecordsGoAndTheLossIsReported() throws {
        let directory = TemporaryDirectory()
        let store = FailureLogStore(stateDirectory: directory.subpath("state"))
        try store.prepareDirectory()
        _ = try store.openWriter()
        let writer = try LogWriter(connection: try Connection(path: store.databasePath, busyTimeoutMilliseconds: 20),
                                   logger: logger, maximumBuffered: 1000)
        let intruder = try Connection(path: store.databasePath)
        try intruder.execute("BEGIN EXCLUSIVE")
        writer.start()
        for index in 0..<1500 { writer.record(event(index)) }
        #expect(eventually(timeout: .seconds(10)) { writer.health != nil })
        try intruder.execute("ROLLBACK")
        #expect(writer.flush(timeout: .seconds(20)))
        #expect(writer.health?.contains("500 records were dropped") == true, "\(writer.health ?? "nil")")
        writer.close()
    }
}

/// A tmpfs of a fixed size mounted on a temporary directory, for disk-full tests.
struct SmallFilesystem {
    let directory = TemporaryDirectory()
    var path: String { directory.subpath("mnt") }

    init(sizeKiB: Int) throws {
        try FileManager.default.createDirectory(atPath: directory.subpath("mnt"), withIntermediateDirectories: true)
        try Self.run(["/bin/mount", "-t", "tmpfs", "-o", "size=\(sizeKiB)k", "tmpfs", directory.subpath("mnt")])
    }

    /// Takes every free byte.
    func fill() throws {
        FileManager.default.createFile(atPath: path + "/filler", contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path + "/filler"))
        let chunk = Data(repeating: 0x55, count: 4096)
        for _ in 0..<100_000 {
            do { try handle.write(contentsOf: chunk) } catch { break }
        }
        try? handle.close()
    }

    func unfill() { try? FileManager.default.removeItem(atPath: path + "/filler") }

    func unmount() { try? Self.run(["/bin/umount", "-l", path]) }

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed"])
        }
    }
}

/// A filesystem that turns read-only under the log's feet, as ext4 does on an error with
/// `errors=remount-ro`, and comes back after a repair: an ext4 image on a loop device, its error triggered
/// through sysfs, then unmounted, checked with e2fsck and mounted again at the same place.
@Suite(.serialized) struct ReadOnlyFilesystemTests {
    let logger = Logger(label: "test", sink: .discard)

    func event(_ index: Int) -> LogRecord {
        .event(kind: "test.event", at: Timestamp(millisecondsSinceEpoch: 1_763_800_000_000 + Int64(index)),
               payload: ["n": .integer(Int64(index))])
    }

    @Test(.enabled(if: LoopExt4.isAvailable, "needs root, loop devices, mkfs.ext4, e2fsck and ext4's sysfs error trigger"))
    func aFilesystemThatGoesReadOnlyIsWaitedOutAndEverythingIsWrittenAfterTheRepair() throws {
        let disk = try LoopExt4()
        defer { disk.detach() }
        let store = FailureLogStore(stateDirectory: disk.mountPoint + "/state")
        try store.prepareDirectory()
        // The reopen matters: after the repair the old file descriptors still point at the read-only mount.
        let writer = try LogWriter(connection: try store.openWriter(), logger: logger,
                                   reopen: { try store.openWriter() })
        writer.start()
        for index in 0..<50 { writer.record(event(index)) }
        #expect(writer.flush())

        try disk.triggerError()
        for index in 50..<500 { writer.record(event(index)) }
        #expect(eventually(timeout: .seconds(10)) { writer.health != nil }, "the writer reports the read-only log")
        #expect(!writer.flush(timeout: .milliseconds(300)), "nothing can be committed while read-only")

        try disk.repairAndRemount()
        #expect(writer.flush(timeout: .seconds(30)), "health: \(writer.health ?? "nil")")
        #expect(writer.health == nil)
        writer.close()

        let reader = try LogReader(store: store)
        let numbers = try reader.connection.rows(
            "SELECT json_extract(payload, '$.n') FROM events WHERE kind = 'test.event' ORDER BY seq") { $0.int(0) ?? -1 }
        #expect(numbers.count == 500 && numbers == (0..<500).map(Int64.init), "every record once, in order")
        #expect(try reader.verifyChain().firstBroken == nil)
        #expect(try reader.integrityCheck() == "ok")
    }
}

/// An ext4 filesystem in an image file on a loop device, mounted with `errors=remount-ro`.
final class LoopExt4 {
    let directory = TemporaryDirectory()
    /// Loop devices this filesystem was attached to, newest last.
    private(set) var devices: [String] = []
    var image: String { directory.subpath("disk.img") }
    var mountPoint: String { directory.subpath("mnt") }

    /// Whether this machine can do it at all: tried once, for real.
    static let isAvailable: Bool = {
        guard geteuid() == 0, FileManager.default.fileExists(atPath: "/sys/fs/ext4") else { return false }
        guard let disk = try? LoopExt4() else { return false }
        let trigger = (try? disk.sysfsDirectory()).map { FileManager.default.fileExists(atPath: $0 + "/trigger_fs_error") }
        disk.detach()
        return trigger == true
    }()

    init() throws {
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try Self.run("/usr/bin/truncate", ["-s", "64M", image])
        try Self.run("/sbin/mkfs.ext4", ["-q", "-F", image])
        try mount()
    }

    /// Attaches the image to a new loop device each time: `mount -o loop` would reuse the device the old,
    /// lazily unmounted (and still read-only) filesystem lives on while the log's old descriptors hold it.
    func mount() throws {
        let device = try Self.run("/sbin/losetup", ["-f", "--show", image]).trimmingCharacters(in: .whitespacesAndNewlines)
        devices.append(device)
        try Self.run("/bin/mount", ["-o", "errors=remount-ro", device, mountPoint])
    }

    /// `/sys/fs/ext4/loopN` for the device the image is mounted from.
    func sysfsDirectory() throws -> String {
        let device = try Self.run("/bin/findmnt", ["-n", "-o", "SOURCE", mountPoint])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return "/sys/fs/ext4/" + (device as NSString).lastPathComponent
    }

    /// ext4_error(): with errors=remount-ro the kernel makes the filesystem read-only at once, open files or not.
    func triggerError() throws {
        try Data("1".utf8).write(to: URL(fileURLWithPath: try sysfsDirectory() + "/trigger_fs_error"))
    }

    /// What an administrator does: unmount, fsck, mount again.
    func repairAndRemount() throws {
        try Self.run("/bin/umount", ["-l", mountPoint])
        _ = try? Self.run("/sbin/e2fsck", ["-f", "-y", image])  // exits 1 when it fixed something
        try mount()
    }

    func detach() {
        _ = try? Self.run("/bin/umount", ["-l", mountPoint])
        for device in devices { _ = try? Self.run("/sbin/losetup", ["-d", device]) }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown,
                             userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments.joined(separator: " ")) failed"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
