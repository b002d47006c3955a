public import Foundation

/// Runs the built `courtwatch` executable as a real process. Its output goes to files, so it can be read
/// at any moment without pipe-draining races.
public final class CourtwatchProcess: @unchecked Sendable {
    // @unchecked: used from the test's own thread only.
    public static var binaryPath: String {
        let candidates = [packageRoot + "/.build/debug/courtwatch", packageRoot + "/.build/release/courtwatch"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    public let process = Process()
    private let outputDirectory = TemporaryDirectory("courtwatch-output")

    public init(_ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = arguments
        if let environment { process.environment = environment }
        FileManager.default.createFile(atPath: outputDirectory.subpath("stdout"), contents: nil)
        FileManager.default.createFile(atPath: outputDirectory.subpath("stderr"), contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outputDirectory.subpath("stdout"))
        process.standardError = FileHandle(forWritingAtPath: outputDirectory.subpath("stderr"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    public var pid: Int32 { process.processIdentifier }
    public var standardOutput: String { read("stdout") }
    public var standardError: String { read("stderr") }

    private func read(_ name: String) -> String {
        let data = FileManager.default.contents(atPath: outputDirectory.subpath(name)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for exit up to `timeout`; kills the process (and returns nil) if it is still running then.
    @discardableResult
    public func wait(timeout: Duration = .seconds(30)) -> Int32? {
        let exited = eventually(timeout: timeout) { !process.isRunning }
        if !exited {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs to completion and returns (exit code, stdout, stderr).
    public static func run(_ arguments: [String], timeout: Duration = .seconds(30)) throws
        -> (code: Int32?, stdout: String, stderr: String)
    {
        let process = try CourtwatchProcess(arguments)
        let code = process.wait(timeout: timeout)
        return (code, process.standardOutput, process.standardError)
    }
}
