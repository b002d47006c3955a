import Continuity
import Documents
import Foundation
import TestSupport
import Testing

@Suite struct FormsRenderingTests {
    static let context = FormContext(
        siteName: "Leicester Crown Court", courtroom: "Court 3", incident: "INC-2026-0042",
        contacts: [
            FormContact(role: "Common Platform helpdesk", name: "HMCTS Service Desk", phone: "0300 123 4567",
                        email: "servicedesk@example.invalid", hours: "24/7"),
            FormContact(role: "EM supplier", phone: "0800 137 291", hours: "Mon–Sun 07:00–22:00"),
        ],
        createdAtEpochSeconds: 1_795_321_800)

    static let formNames = FormCatalogue.all.map(\.name)

    private func squeezed(_ text: String) -> String { text.filter { !$0.isWhitespace } }

    @Test func theCatalogueHasEveryFormTheIssueListsWithUniqueIDsAndNames() {
        let expected = ["court-register", "bail-remand", "warrant-custody-handover", "em-notification",
                        "advocate-attendance", "daily-list", "partner-notifications", "juror-attendance",
                        "probation-contact", "reception-sign-in", "it-failure-log", "site-contacts"]
        #expect(Set(Self.formNames) == Set(expected))
        #expect(Set(FormCatalogue.all.map(\.id)).count == FormCatalogue.all.count)
        #expect(FormCatalogue.form(named: "CW-F04")?.name == "em-notification")
        #expect(FormCatalogue.form(named: "EM-Notification")?.id == "CW-F04")
        #expect(FormCatalogue.form(named: "nope") == nil)
    }

    @Test func theEMFormHasItsTransmissionLogAndTheReceptionSheetItsDutyManagerBox() throws {
        let em = try PDFTools.text(FormPDFRenderer.render(try #require(FormCatalogue.form(named: "em-notification")),
                                                          context: Self.context).bytes())
        // Narrow column headings wrap and pdftotext interleaves them, so look for the words.
        for expected in ["Sent by", "Recipient", "Supplier", "Chase-by", "Secure email"] {
            #expect(squeezed(em).contains(squeezed(expected)), "EM form lacks \(expected)")
        }
        let emHTML = FormHTMLRenderer.render(try #require(FormCatalogue.form(named: "em-notification")),
                                             context: Self.context)
        #expect(emHTML.contains("<th scope=\"col\">Supplier acknowledgement reference</th>"))
        #expect(emHTML.contains("<th scope=\"col\">Chase-by time</th>"))
        let reception = FormHTMLRenderer.render(try #require(FormCatalogue.form(named: "reception-sign-in")),
                                                context: Self.context)
        #expect(reception.contains("No client information available — alert duty manager"))
    }

    @Test(arguments: formNames)
    func everyFormRendersToAPDFThatPassesQpdfWithHeaderAndFooterOnEveryPage(name: String) throws {
        let form = try #require(FormCatalogue.form(named: name))
        let bytes = FormPDFRenderer.render(form, context: Self.context).bytes()
        let check = try PDFTools.check(bytes)
        #expect(check.code == 0, "\(name): \(check.output)")
        #expect(!check.output.uppercased().contains("WARNING"), "\(name): \(check.output)")
        let pages = try #require(try PDFTools.pageCount(bytes))
        #expect(pages >= 1)
        for page in 1...pages {
            let text = try PDFTools.text(bytes, page: page)
            for item in ["Leicester Crown Court", "Courtroom: Court 3", "Date: __/__/____",
                         "Incident reference: INC-2026-0042", "Form \(form.id) version \(form.version)",
                         "Page \(page) of \(pages)", "Entered into", "at __:__ on __/__/____"] {
                #expect(text.contains(item), "\(name) page \(page) lacks \(item)")
            }
        }
        #expect(try PDFTools.text(bytes, page: 1).contains(form.title.prefix(30)))
        #expect(try PDFTools.inkCoverage(bytes) > 0.005)
    }

    @Test(arguments: formNames)
    func everyFormRendersToAccessibleHTML(name: String) throws {
        let form = try #require(FormCatalogue.form(named: name))
        let html = FormHTMLRenderer.render(form, context: Self.context)
        #expect(html.contains("<html lang=\"en-GB\">"))
        #expect(html.contains("<h1>\(HTML.escape(form.title))</h1>"))
        #expect(FormsAccessibility.unlabelledControls(html).isEmpty, "\(FormsAccessibility.unlabelledControls(html))")
        #expect(FormsAccessibility.headingProblems(html).isEmpty, "\(FormsAccessibility.headingProblems(html))")
        let sizes = FormsAccessibility.fontSizes(html)
        #expect(!sizes.isEmpty)
        for size in sizes {
            #expect(size.hasSuffix("pt") && (Double(size.dropLast(2)) ?? 0) >= 12, "\(name): font-size \(size)")
        }
        #expect(FormsAccessibility.colourWords(html).isEmpty, "\(name): \(FormsAccessibility.colourWords(html))")
        for item in ["Leicester Crown Court", "Form \(form.id) version \(form.version)", "Courtroom: Court 3",
                     "Incident reference: INC-2026-0042", "Entered into", "size: A4", "counter(pages)"] {
            #expect(html.contains(item), "\(name) lacks \(item)")
        }
        // Questions with several boxes are grouped with a legend.
        let grouped = form.sections.flatMap(\.fields).filter {
            switch $0 {
            case .choice, .date, .time: true
            default: false
            }
        }
        #expect(html.components(separatedBy: "<legend>").count - 1 == grouped.count)
    }

    @Test func theChecksCatchTheProblemsTheyLookFor() {
        let bad = """
            <style>body { font-size: 10pt; }</style><h2>x</h2><h4>y</h4><input id="a" type="text">
            <p>Tick the red box</p>
            """
        #expect(FormsAccessibility.unlabelledControls(bad) == ["no label for #a"])
        #expect(FormsAccessibility.headingProblems(bad).contains("h2 followed by h4"))
        #expect(FormsAccessibility.fontSizes(bad) == ["10pt"])
        #expect(FormsAccessibility.colourWords(bad) == ["red"])
    }

    @Test func theContactsSheetListsTheConfiguredContacts() throws {
        let form = try #require(FormCatalogue.form(named: "site-contacts"))
        let text = try PDFTools.text(FormPDFRenderer.render(form, context: Self.context).bytes())
        for value in ["Common Platform helpdesk", "HMCTS Service Desk", "0300 123 4567", "servicedesk@example.invalid",
                      "EM supplier", "0800 137 291", "Mon–Sun 07:00–22:00"] {
            // Table cells wrap, so compare without line breaks and spaces.
            #expect(squeezed(text).contains(squeezed(value)), "PDF lacks \(value)")
        }
        let html = FormHTMLRenderer.render(form, context: Self.context)
        #expect(html.contains("<th scope=\"row\">Common Platform helpdesk</th>"))
        #expect(html.contains("<td>0300 123 4567</td>"))
        #expect(!html.contains("No contacts are set"))
        var empty = Self.context
        empty.contacts = []
        #expect(FormHTMLRenderer.render(form, context: empty).contains("No contacts are set"))
    }

    @Test func blankStockLeavesCourtroomAndIncidentToWriteIn() throws {
        let blank = FormContext(siteName: "Leicester Crown Court", createdAtEpochSeconds: 0)
        let form = try #require(FormCatalogue.form(named: "advocate-attendance"))
        let text = try PDFTools.text(FormPDFRenderer.render(form, context: blank).bytes())
        #expect(text.contains("Courtroom: ____________"))
        #expect(text.contains("Incident reference: ____________________"))
        #expect(!text.contains("INC-"))
        // The statement names the incident when there is one.
        let filled = try PDFTools.text(FormPDFRenderer.render(form, context: Self.context).bytes())
        #expect(filled.contains("(incident reference INC-2026-0042)"))
    }

    @Test func renderingIsDeterministic() throws {
        let form = try #require(FormCatalogue.form(named: "court-register"))
        #expect(FormPDFRenderer.render(form, context: Self.context).bytes()
            == FormPDFRenderer.render(form, context: Self.context).bytes())
    }

    @Test func cssStringsCannotBreakOutOfTheStylesheet() {
        let site = FormContext(siteName: "Court \"A\" </style><script>", createdAtEpochSeconds: 0)
        let html = FormHTMLRenderer.render(FormCatalogue.all[0], context: site)
        #expect(!html.contains("</style><script>"))
    }
}
