/// What goes in the document's Info dictionary. The creation time is passed in, never read from the
/// clock, so the same input always gives byte-identical output.
public struct PDFInfo: Sendable {
    public var title: String
    public var subject: String?
    /// Seconds since the Unix epoch, written as a UTC PDF date.
    public var createdAtEpochSeconds: Int64

    public init(title: String, subject: String? = nil, createdAtEpochSeconds: Int64) {
        self.title = title
        self.subject = subject
        self.createdAtEpochSeconds = createdAtEpochSeconds
    }

    /// `D:YYYYMMDDHHmmSSZ` (PDF 32000-1 §7.9.4).
    var pdfDate: String {
        let days = createdAtEpochSeconds >= 0
            ? createdAtEpochSeconds / 86_400 : (createdAtEpochSeconds - 86_399) / 86_400
        let secondsOfDay = createdAtEpochSeconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(year)
        return "D:" + String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + two(month) + two(day)
            + two(secondsOfDay / 3600) + two(secondsOfDay % 3600 / 60) + two(secondsOfDay % 60) + "Z"
    }

    /// Proleptic Gregorian date of a day count (Howard Hinnant's days-to-civil algorithm).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A PDF 1.4 file written by hand: the two base-14 Helvetica fonts, one uncompressed content stream per
/// page, an Info dictionary and a cross-reference table with exact byte offsets.
public struct PDFDocument: Sendable {
    public var info: PDFInfo
    public var pages: [PDFPage]

    public init(info: PDFInfo, pages: [PDFPage] = []) {
        self.info = info
        self.pages = pages
    }

    /// The complete file. A document with no pages gets one blank page: a PDF must have at least one.
    public func bytes() -> [UInt8] {
        let pages = self.pages.isEmpty ? [PDFPage()] : self.pages
        var writer = ObjectWriter()
        // Fixed numbering: 1 catalog, 2 page tree, 3-4 fonts, 5 info, then a page and its content per page.
        let firstPage = 6
        let pageReferences = pages.indices.map { "\(firstPage + 2 * $0) 0 R" }.joined(separator: " ")
        writer.object("<< /Type /Catalog /Pages 2 0 R >>")
        writer.object("<< /Type /Pages /Kids [\(pageReferences)] /Count \(pages.count) >>")
        for font in PDFFont.allCases {
            writer.object(
                "<< /Type /Font /Subtype /Type1 /BaseFont /\(font.postScriptName) /Encoding /WinAnsiEncoding >>")
        }
        var infoEntries = "/Title \(Self.textString(info.title)) /Producer (courtwatch) /CreationDate (\(info.pdfDate))"
        if let subject = info.subject { infoEntries += " /Subject \(Self.textString(subject))" }
        writer.object("<< \(infoEntries) >>")
        for (index, page) in pages.enumerated() {
            let fonts = PDFFont.allCases.enumerated().map { "/\($1.resourceName) \(3 + $0) 0 R" }
            writer.object(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(PDFNumber.format(page.width)) "
                    + "\(PDFNumber.format(page.height))] /Resources << /Font << \(fonts.joined(separator: " ")) >> >> "
                    + "/Contents \(firstPage + 2 * index + 1) 0 R >>")
            writer.stream(page.contentStream)
        }
        return writer.finish(rootObject: 1, infoObject: 5)
    }

    /// A PDF text string: a literal for ASCII, otherwise UTF-16BE with a byte-order mark, in hex.
    static func textString(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return PDFPage.literal(Array(text.utf8))
        }
        let hex = (["FEFF"] + text.utf16.map { unit in
            let digits = String(unit, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }).joined()
        return "<\(hex)>"
    }
}

/// Appends numbered objects and remembers where each starts, for the cross-reference table.
private struct ObjectWriter {
    /// The header, then a comment of four high bytes that marks the file as binary for transfer tools.
    private(set) var output: [UInt8] = Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
    private var offsets: [Int] = []

    mutating func object(_ body: String) {
        begin()
        append(body + "\nendobj\n")
    }

    mutating func stream(_ content: [UInt8]) {
        begin()
        append("<< /Length \(content.count) >>\nstream\n")
        output += content
        append("endstream\nendobj\n")
    }

    mutating func finish(rootObject: Int, infoObject: Int) -> [UInt8] {
        let crossReferenceOffset = output.count
        append("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n")
        for offset in offsets {
            let digits = String(offset)
            append(String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n")
        }
        append("trailer\n<< /Size \(offsets.count + 1) /Root \(rootObject) 0 R /Info \(infoObject) 0 R >>\n")
        append("startxref\n\(crossReferenceOffset)\n%%EOF\n")
        return output
    }

    private mutating func begin() {
        offsets.append(output.count)
        append("\(offsets.count) 0 obj\n")
    }

    private mutating func append(_ text: String) { output += Array(text.utf8) }
}
