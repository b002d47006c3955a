import Foundation
import Testing
import TestSupport
@testable import Documents

/// 2026-11-22 04:30:00 UTC.
let fixedCreation: Int64 = 1_795_321_800

@Suite struct PDFDocumentTests {
    private func sampleDocument() -> [UInt8] {
        var layout = PageLayout(info: PDFInfo(title: "Outage report – Leicester £", createdAtEpochSeconds: fixedCreation))
        layout.heading("Outage report")
        layout.paragraph("Staff lost 2 h 10 min – the fee was £35.50, café closed — it’s “odd” • done.")
        layout.tickBoxes(["Yes", "No"], ticked: ["Yes"])
        layout.rule()
        return layout.finish().bytes()
    }

    @Test func aDocumentPassesQpdfCheckWithoutWarnings() throws {
        let check = try PDFTools.check(sampleDocument())
        #expect(check.code == 0, "qpdf said: \(check.output)")
        #expect(!check.output.uppercased().contains("WARNING"), "qpdf said: \(check.output)")
        #expect(check.output.contains("No syntax or stream encoding errors"))
    }

    @Test func textComesBackOutOfPdftotextIncludingPoundAndDashes() throws {
        let text = try PDFTools.text(sampleDocument())
        #expect(text.contains("Outage report"))
        #expect(text.contains("£35.50"))
        #expect(text.contains("2 h 10 min – the fee"))
        #expect(text.contains("café closed — it’s “odd” • done."))
    }

    @Test func theFirstPageRendersToANonBlankImage() throws {
        let coverage = try PDFTools.inkCoverage(sampleDocument())
        #expect(coverage > 0.001, "coverage \(coverage)")
        #expect(coverage < 0.5, "coverage \(coverage)")
        let blank = try PDFTools.inkCoverage(PDFDocument(info: PDFInfo(title: "x", createdAtEpochSeconds: 0)).bytes())
        #expect(blank == 0)
    }

    @Test func everyCrossReferenceOffsetPointsAtItsObject() throws {
        let bytes = sampleDocument()
        let text = String(decoding: bytes, as: UTF8.self)
        let file = Array(bytes)
        let startxref = try #require(text.range(of: "startxref\n", options: .backwards))
        let offsetText = text[startxref.upperBound...].prefix { $0.isNumber }
        let xrefOffset = try #require(Int(offsetText))
        #expect(Array(file[xrefOffset..<xrefOffset + 4]) == Array("xref".utf8))
        let table = String(decoding: file[xrefOffset...], as: UTF8.self).split(separator: "\n")
        let count = try #require(Int(table[1].split(separator: " ")[1]))
        #expect(count == 5 + 2 + 1)
        for number in 1..<count {
            let entry = table[2 + number]
            #expect(entry.count == 19, "entries are 20 bytes with their newline")
            let offset = try #require(Int(entry.prefix(10)))
            let expected = Array("\(number) 0 obj".utf8)
            #expect(Array(file[offset..<offset + expected.count]) == expected, "object \(number)")
        }
    }

    @Test func infoHasTitleProducerAndTheCreationDatePassedIn() throws {
        let text = String(decoding: sampleDocument(), as: UTF8.self)
        #expect(text.contains("/Producer (courtwatch)"))
        #expect(text.contains("/CreationDate (D:20261122043000Z)"))
        // Non-ASCII titles are UTF-16BE with a byte-order mark: "O" = 004F.
        #expect(text.contains("/Title <FEFF004F"))
        #expect(PDFInfo(title: "", createdAtEpochSeconds: 946_684_799).pdfDate == "D:19991231235959Z")
        #expect(PDFInfo(title: "", createdAtEpochSeconds: -1).pdfDate == "D:19691231235959Z")
    }

    @Test func theSameInputGivesByteIdenticalOutput() {
        #expect(sampleDocument() == sampleDocument())
    }

    @Test func aThreePageTableNumbersItsPagesOneToThree() throws {
        var layout = PageLayout(info: PDFInfo(title: "Table", createdAtEpochSeconds: fixedCreation))
        layout.footer = { page, context in
            page.text(context.pageOfPages, rightAlignedAt: page.width - context.margins.right,
                      y: page.height - 36, size: 12)
        }
        layout.heading("Long table")
        let rows = (1...85).map { ["Row \($0)", "System \($0 % 7)", "\($0 * 3) min"] }
        layout.table(PDFTable(columns: [.init("Row"), .init("System", weight: 2), .init("Down", alignment: .right)],
                              rows: rows))
        let bytes = layout.finish().bytes()
        #expect(try PDFTools.check(bytes).code == 0)
        #expect(try PDFTools.pageCount(bytes) == 3)
        for page in 1...3 {
            let text = try PDFTools.text(bytes, page: page)
            #expect(text.contains("Page \(page) of 3"), "page \(page): \(text.suffix(200))")
            // The heading row is repeated on every page the table continues on.
            #expect(text.contains("System"), "page \(page)")
        }
        let all = try PDFTools.text(bytes)
        for row in [1, 42, 85] { #expect(all.contains("Row \(row)\n") || all.contains("Row \(row) ")) }
        #expect(!all.contains("Page 4"))
    }

    @Test func aBarChartShowsLabelsValuesAndAxisTicks() throws {
        var layout = PageLayout(info: PDFInfo(title: "Chart", createdAtEpochSeconds: fixedCreation))
        layout.barChart(BarChart(
            bars: [.init(label: "Common Platform", value: 130, valueText: "2 h 10 min"),
                   .init(label: "Libra", value: 45, valueText: "45 min")],
            axisLabel: "minutes"))
        let bytes = layout.finish().bytes()
        #expect(try PDFTools.check(bytes).code == 0)
        let text = try PDFTools.text(bytes)
        for expected in ["Common Platform", "Libra", "2 h 10 min", "45 min", "minutes", "150"] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(try PDFTools.inkCoverage(bytes) > 0.001)
    }

    @Test func chartTicksAreRoundNumbersCoveringTheLargestValue() {
        #expect(BarChart.ticks(upTo: 130) == [0, 50, 100, 150])
        #expect(BarChart.ticks(upTo: 7) == [0, 2, 4, 6, 8])
        #expect(BarChart.ticks(upTo: 1000) == [0, 250, 500, 750, 1000])
        #expect(BarChart.ticks(upTo: 0) == [0, 1])
    }

    @Test func numbersAreWrittenWithoutExponentsAndTrailingZeros() {
        #expect(PDFNumber.format(595.28) == "595.28")
        #expect(PDFNumber.format(12) == "12")
        #expect(PDFNumber.format(-0.5) == "-0.5")
        #expect(PDFNumber.format(0.0001) == "0")
        #expect(PDFNumber.format(1e-9) == "0")
    }

    @Test func stringsEscapeParenthesesBackslashesAndHighBytes() {
        #expect(PDFPage.literal(WinAnsi.encode("a(b)\\£")) == "(a\\(b\\)\\\\\\243)")
    }
}
