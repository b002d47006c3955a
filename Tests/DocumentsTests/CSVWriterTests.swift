import Testing
import Documents

@Suite struct CSVWriterTests {
    @Test func fieldsWithCommasQuotesOrLineBreaksAreQuotedAndRecordsEndInCRLF() {
        var csv = CSVWriter(header: ["system", "note"])
        csv.row(["Libra", "down, then \"slow\""])
        csv.row(["XHIBIT", "line one\nline two"])
        #expect(csv.text == "system,note\r\nLibra,\"down, then \"\"slow\"\"\"\r\nXHIBIT,\"line one\nline two\"\r\n")
    }

    @Test func cellsThatASpreadsheetWouldRunAsFormulasGetALeadingQuote() {
        #expect(CSVWriter.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVWriter.field("+1+1") == "'+1+1")
        #expect(CSVWriter.field("-2+3") == "'-2+3")
        #expect(CSVWriter.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVWriter.field("\tcmd") == "'\tcmd")
        #expect(CSVWriter.field("a=b") == "a=b")
    }

    @Test func plainNumbersStayNumeric() {
        #expect(CSVWriter.field("-12") == "-12")
        #expect(CSVWriter.field("-0.5") == "-0.5")
        #expect(CSVWriter.field("-.5") == "'-.5")
        #expect(CSVWriter.field("") == "")
    }
}
