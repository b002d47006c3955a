import Testing
import Documents

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
        html.void("input", ["type": "text", "id": "x\"y"])
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
