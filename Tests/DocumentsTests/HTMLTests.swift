import Documents
import Foundation
import Testing

@Suite struct HTMLTests {
    @Test func textEscapingCoversMarkupCharacters() {
        #expect(HTML.escape("<b>Tom & \"Jerry\"</b>") == "&lt;b&gt;Tom &amp; \"Jerry\"&lt;/b&gt;")
    }

    @Test func attributeEscapingAlsoCoversBothQuotes() {
        #expect(HTML.escapeAttribute("a\"b'c<&>") == "a&quot;b&#39;c&lt;&amp;&gt;")
    }

    @Test func theWriterEscapesTextAndAttributesAndKeepsAttributeOrder() {
        var html = HTMLWriter()
        html.element("label", ["for": "x\"y", "class": "a"], text: "<Name>")
        html.void("input", ["type": "text", "id": "x\"y", "aria-describedby": ""])
        html.element("p") { $0.text("£ & –") }
        #expect(html.html == "<label for=\"x&quot;y\" class=\"a\">&lt;Name&gt;</label>\n"
            + "<input type=\"text\" id=\"x&quot;y\"><p>£ &amp; –</p>\n")
    }

    @Test func aDocumentHasLanguageCharsetAndEscapedTitle() {
        let page = HTML.document(title: "A & B", body: "<p>x</p>")
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en-GB\">"))
        #expect(page.contains("<meta charset=\"utf-8\">"))
        #expect(page.contains("<title>A &amp; B</title>"))
    }

    /// WCAG 2.x contrast ratio of a #rrggbb colour against white.
    private func contrastAgainstWhite(_ hex: Substring) -> Double {
        func channel(_ offset: Int) -> Double {
            let start = hex.index(hex.startIndex, offsetBy: offset)
            let value = Double(Int(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        let luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
        return 1.05 / (luminance + 0.05)
    }

    @Test func everyTextColourHasAtLeastAAContrastOnWhite() throws {
        var found = 0
        var rest = Substring(HTML.stylesheet)
        while let range = rest.range(of: " color: #") {
            let hex = rest[range.upperBound...].prefix(6)
            #expect(contrastAgainstWhite(hex) >= 4.5, "#\(hex)")
            found += 1
            rest = rest[range.upperBound...]
        }
        #expect(found >= 3)
        #expect(contrastAgainstWhite("0b0c0c") > 18)
        #expect(contrastAgainstWhite("767676") >= 4.5 && contrastAgainstWhite("777777") < 4.5)
    }

    @Test func theStylesheetNeverSetsTextBelowTwelvePointAndPrintsOnA4() throws {
        let css = HTML.stylesheet
        #expect(css.contains("size: A4"))
        #expect(css.contains(":focus"))
        var sizes: [Double] = []
        var rest = Substring(css)
        while let range = rest.range(of: "font-size:") {
            let value = rest[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber || $0 == "." }
            let unit = rest[range.upperBound...].drop { $0 == " " }.dropFirst(value.count).prefix(2)
            #expect(unit == "pt", "font sizes are given in points")
            sizes.append(try #require(Double(value)))
            rest = rest[range.upperBound...]
        }
        #expect(sizes.count >= 5)
        #expect(sizes.allSatisfy { $0 >= 12 }, "\(sizes)")
        #expect(!css.contains("text-align: justify") && !css.contains("text-align: center"))
    }
}
