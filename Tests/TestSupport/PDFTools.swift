import Foundation

/// Runs the poppler and qpdf command-line tools on PDF bytes, so tests check documents with independent
/// readers rather than with our own parser. Needs the Debian packages qpdf and poppler-utils.
public enum PDFTools {
    public struct Result: Sendable {
        public let code: Int32
        public let output: String
    }

    /// `qpdf --check`: exit 0 and no "WARNING" lines means the file is structurally sound.
    public static func check(_ bytes: [UInt8]) throws -> Result {
        try withFile(bytes) { path, _ in try run("/usr/bin/qpdf", ["--check", path]) }
    }

    /// The page count as qpdf reads it.
    public static func pageCount(_ bytes: [UInt8]) throws -> Int? {
        try withFile(bytes) { path, _ in
            Int(try run("/usr/bin/qpdf", ["--show-npages", path]).output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// `pdftotext` of one page (1-based) or of the whole document.
    public static func text(_ bytes: [UInt8], page: Int? = nil) throws -> String {
        try withFile(bytes) { path, directory in
            var arguments: [String] = []
            if let page { arguments += ["-f", String(page), "-l", String(page)] }
            let out = directory.subpath("text.txt")
            _ = try run("/usr/bin/pdftotext", arguments + ["-enc", "UTF-8", path, out])
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
    }

    /// Renders page 1 with `pdftoppm -r 50 -png` (the PNG must come out) and again as a greyscale PGM,
    /// whose pixels are read back; returns the share of pixels that are not white (0 = blank page).
    public static func inkCoverage(_ bytes: [UInt8]) throws -> Double {
        try withFile(bytes) { path, directory in
            let png = try run("/usr/bin/pdftoppm", ["-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", path,
                                                    directory.subpath("page")])
            guard png.code == 0, let pngData = FileManager.default.contents(atPath: directory.subpath("page.png")),
                  pngData.starts(with: [0x89, 0x50, 0x4E, 0x47])
            else { return 0 }
            _ = try run("/usr/bin/pdftoppm", ["-r", "50", "-gray", "-f", "1", "-l", "1", "-singlefile", path,
                                              directory.subpath("grey")])
            guard let pgm = FileManager.default.contents(atPath: directory.subpath("grey.pgm")) else { return 0 }
            return coverage(ofPGM: [UInt8](pgm))
        }
    }

    /// Share of non-white pixels in a binary (P5, 8-bit) PGM.
    static func coverage(ofPGM bytes: [UInt8]) -> Double {
        // Header: "P5" width height maxval, separated by whitespace, then one byte per pixel.
        var fields: [String] = []
        var index = 0
        var current = ""
        while fields.count < 4 && index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                if !current.isEmpty { fields.append(current); current = "" }
            } else {
                current.append(Character(UnicodeScalar(byte)))
            }
            index += 1
        }
        guard fields.count == 4, fields[0] == "P5" else { return 0 }
        let pixels = bytes[index...]
        guard !pixels.isEmpty else { return 0 }
        return Double(pixels.filter { $0 < 200 }.count) / Double(pixels.count)
    }

    private static func withFile<T>(_ bytes: [UInt8], _ body: (String, TemporaryDirectory) throws -> T) throws -> T {
        let directory = TemporaryDirectory("courtwatch-pdf")
        let path = directory.subpath("document.pdf")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return try body(path, directory)
    }

    /// Runs a tool to completion (bounded: 30 s) and returns its exit code and combined output.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let directory = TemporaryDirectory("courtwatch-tool")
        let outputPath = directory.subpath("output")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = FileHandle(forWritingAtPath: outputPath)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let finished = eventually(timeout: .seconds(30)) { !process.isRunning }
        if !finished {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? handle?.close()
        let output = String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
        return Result(code: finished ? process.terminationStatus : -1, output: output)
    }
}
