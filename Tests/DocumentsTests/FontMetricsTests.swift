import Testing
@testable import Documents

@Suite struct FontMetricsTests {
    // Known values from Adobe's Helvetica.afm / Helvetica-Bold.afm: H 722, e 556, l 222 (bold 278), o 556
    // (bold 611), space 278, sterling 556, endash 556, emdash 1000, quotesingle 191 (bold 238).
    @Test func helveticaWidthsMatchTheAdobeMetrics() {
        #expect(PDFFont.helvetica.width(of: "Hello", size: 1000) == 722 + 556 + 222 + 222 + 556)
        #expect(PDFFont.helveticaBold.width(of: "Hello", size: 1000) == 722 + 556 + 278 + 278 + 611)
        #expect(PDFFont.helvetica.width(of: "£–—", size: 1000) == 556 + 556 + 1000)
        #expect(PDFFont.helvetica.width(of: "'", size: 1000) == 191)
        #expect(PDFFont.helveticaBold.width(of: "'", size: 1000) == 238)
        // (2278 + space 278 + w 722 o 556 r 333 l 222 d 556) / 1000 * 12 pt.
        #expect(abs(PDFFont.helvetica.width(of: "Hello world", size: 12) - 59.34) < 0.0001)
    }

    @Test func everyPrintableWinAnsiCodeHasAWidth() {
        let undefined: Set<Int> = [127, 129, 141, 143, 144, 157]
        for code in 32...255 where !undefined.contains(code) {
            #expect(HelveticaMetrics.regular[code - 32] > 0, "code \(code)")
            #expect(HelveticaMetrics.bold[code - 32] > 0, "code \(code)")
        }
        #expect(HelveticaMetrics.regular.count == 224 && HelveticaMetrics.bold.count == 224)
    }

    @Test func unicodeMapsToWinAnsiAndTheRestBecomesAQuestionMark() {
        #expect(WinAnsi.encode("£é–—’“”•€") == [0xA3, 0xE9, 0x96, 0x97, 0x92, 0x93, 0x94, 0x95, 0x80])
        #expect(WinAnsi.encode("→ж") == [0x3F, 0x3F])
        #expect(WinAnsi.encode("a\tb\n") == [0x61, 0x20, 0x62, 0x20])
        #expect(PDFFont.helvetica.width(of: "→", size: 1000) == PDFFont.helvetica.width(of: "?", size: 1000))
    }

    @Test func wrappedLinesFitTheWidthAndKeepEveryWord() {
        let text = "The Common Platform was unavailable from 09:10 to 11:20 and staff used paper forms instead."
        let lines = TextWrapper.lines(text, font: .helvetica, size: 12, width: 150)
        #expect(lines.count > 2)
        for line in lines { #expect(PDFFont.helvetica.width(of: line, size: 12) <= 150) }
        #expect(lines.joined(separator: " ") == text)
    }

    @Test func aWordLongerThanTheLineIsSplitNotOverflowed() {
        let lines = TextWrapper.lines(String(repeating: "W", count: 40), font: .helveticaBold, size: 12, width: 100)
        #expect(lines.count > 1)
        for line in lines { #expect(PDFFont.helveticaBold.width(of: line, size: 12) <= 100) }
        #expect(lines.joined() == String(repeating: "W", count: 40))
        #expect(TextWrapper.lines("a\n\nb", font: .helvetica, size: 12, width: 100) == ["a", "", "b"])
    }
}
