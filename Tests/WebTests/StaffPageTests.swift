import Foundation
import Monitoring
import Testing
@testable import Web

/// The staff page's HTML, rendered from a record full of markup: everything escaped, every control
/// labelled, headings in order, every form carrying the CSRF token, errors linked to their fields.
@Suite("Staff page")
struct StaffPageTests {
    static let hostile = "\"><script>alert(1)</script>"
    /// 2026-03-05T12:00:00Z.
    static let now = Timestamp(millisecondsSinceEpoch: 1_772_712_000_000)

    static func record(timeZone: String = "Europe/London") -> StaffRecord {
        let entry = StaffEntry(id: "e12", staffID: "la-1", kind: .cost, at: Timestamp(millisecondsSinceEpoch: 1_772_000_000_000),
                               systems: ["cjsm"], fields: ["amount": "4.20", "note": hostile], incidentIDs: [4, 9],
                               recordedAt: Timestamp(millisecondsSinceEpoch: 1_772_000_100_000))
        return StaffRecord(
            id: "la-1", name: "Sam <b>Patel</b>", team: "crime & listing", site: "lei", timeZone: timeZone,
            systems: ["cjsm", "common-platform"],
            siteSystems: [SiteSystem(id: "cjsm", name: "CJSM <secure> email"), SiteSystem(id: "common-platform", name: "Common Platform"),
                          SiteSystem(id: "dcs", name: "Digital Case System")],
            shares: [ReportShare(grantee: "manager", grantedAt: Timestamp(millisecondsSinceEpoch: 1_772_000_000_000), until: nil),
                     ReportShare(grantee: hostile, grantedAt: Timestamp(millisecondsSinceEpoch: 1_772_000_000_000),
                                 until: Timestamp(millisecondsSinceEpoch: 1_775_000_000_000))],
            recentEntries: [RecentEntry(entry: entry, summary: "£4.20; \(hostile)")])
    }

    static func render(_ record: StaffRecord = record(), state: StaffPage.FormState? = nil, flash: String? = nil) -> String {
        StaffPage.render(record, csrf: "csrf-token-1", state: state, flash: flash, now: now)
    }

    /// Every match of `pattern`'s first capture group.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func everythingFromTheRecordIsEscaped() throws {
        let page = Self.render()
        #expect(!page.contains("<script>"), "unescaped script")
        #expect(!page.contains("<b>"))
        #expect(page.contains("<h1>Sam &lt;b&gt;Patel&lt;/b&gt;: my page</h1>"))
        #expect(page.contains("team crime &amp; listing"))
        #expect(page.contains("CJSM &lt;secure&gt; email"))
        // In an attribute (the revoke form's hidden grantee) the quote is escaped too, so it cannot end the value.
        #expect(page.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""), "\(page)")
        #expect(page.contains("Revoke: \"&gt;&lt;script&gt;"))
    }

    @Test func headingsGoInOrderAndEveryControlHasALabel() throws {
        let page = Self.render()
        let headings = try Self.captures("<(h[1-6])[ >]", in: page)
        #expect(headings.first == "h1")
        #expect(headings.filter { $0 == "h1" }.count == 1)
        #expect(!headings.contains("h3") && !headings.contains("h4"), "no level is skipped: \(headings)")
        let titles = try Self.captures("<h2 id=\"[a-z-]+\">([^<]+)</h2>", in: page)
        #expect(titles == ["Report a problem", "Log time lost or extra work", "My recent entries", "My report",
                           "Who can see my report"])
        let ids = try Self.captures(" id=\"([^\"]+)\"", in: page)
        #expect(Set(ids).count == ids.count, "ids are unique: \(ids)")
        let labelled = Set(try Self.captures("<label for=\"([^\"]+)\"", in: page))
        let controls = try Self.captures("<(?:input|select|textarea) ([^>]*)>", in: page)
        var checked = 0
        for control in controls where !control.contains("type=\"hidden\"") {
            let id = try #require(try Self.captures("id=\"([^\"]+)\"", in: control).first, "no id: \(control)")
            #expect(labelled.contains(id), "\(id) has no <label for>")
            checked += 1
        }
        #expect(checked > 20, "the page has its forms: \(checked) controls")
        // Hints and errors are announced with their control.
        #expect(page.contains("id=\"entry-minutes\"") && page.contains("aria-describedby=\"entry-minutes-hint\""))
    }

    @Test func everyPostFormCarriesTheCSRFTokenAndGoesToItsRoute() throws {
        let page = Self.render()
        let forms = try Self.captures("(<form method=\"post\".*?</form>)", in: page)
        let actions = try forms.map { try #require(try Self.captures("action=\"([^\"]+)\"", in: $0).first) }
        #expect(actions == [StaffPage.problemPath, StaffPage.problemPath, StaffPage.problemPath, StaffPage.entryPath,
                            StaffPage.revokePath, StaffPage.revokePath, StaffPage.sharePath], "\(actions)")
        for form in forms {
            #expect(form.contains("<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-1\">"), "\(form)")
        }
        #expect(forms[1].contains("name=\"system\" value=\"common-platform\""))
        #expect(forms[1].contains("<button type=\"submit\">Report a problem with Common Platform</button>"))
        #expect(forms[4].contains("name=\"with\" value=\"manager\""))
        #expect(forms[4].contains("Revoke: My line manager"))
        // A bearer-token request has no session and so no token: no empty csrf field either.
        let bearer = StaffPage.render(Self.record(), csrf: nil, now: Self.now)
        #expect(!bearer.contains("name=\"csrf\""))
    }

    @Test func theEntryFormOffersEveryKindAndItsDetailsWithTheCaseDataWarning() throws {
        let page = Self.render()
        let kindSelect = try #require(try Self.captures("(<select id=\"entry-kind\".*?</select>)", in: page).first)
        for kind in StaffEntry.Kind.allCases { #expect(kindSelect.contains("value=\"\(kind.rawValue)\""), "\(kind)") }
        for name in ["minutes", "could_not", "until", "claim", "amount", "what", "agreed_in_writing", "status", "target",
                     "informed", "meeting_requested", "how", "note", "reference", "at"] {
            #expect(page.contains("name=\"\(name)\""), "\(name) is on the form")
        }
        for option in ["toil", "flexi", "at-risk", "missed", "duty-manager", "in-person"] {
            #expect(page.contains("<option value=\"\(option)\">"), "\(option)")
        }
        #expect(page.contains("Never enter case details or names of defendants."))
        for system in ["cjsm", "common-platform", "dcs"] {
            #expect(page.contains("type=\"checkbox\" id=\"entry-systems-") && page.contains("name=\"systems\" value=\"\(system)\""))
        }
        #expect(page.contains("<legend>Details for: Time lost</legend>"))
        // "Not given" posts nothing (an option without a value would post its label), and the kind starts unset.
        #expect(page.contains("<option value=\"\">Not given</option>"))
        #expect(kindSelect.contains("<option value=\"\">Choose what happened</option>"))
        #expect(!kindSelect.contains("selected"))
    }

    @Test func reportLinksCoverThisYearInThePersonsZone() throws {
        let page = Self.render()
        for format in ["pdf", "html", "csv", "json"] {
            #expect(page.contains("href=\"/reports/user/la-1?from=2026-01-01&amp;to=2026-03-05&amp;format=\(format)\""),
                    "\(format)")
        }
        #expect(page.contains("<form method=\"get\" action=\"/reports/user/la-1\">"))
        // 23:30 UTC on 31 December is already New Year's Day in Auckland.
        let auckland = StaffPage.render(Self.record(timeZone: "Pacific/Auckland"), csrf: "c", state: nil, flash: nil,
                                        now: Timestamp(millisecondsSinceEpoch: 1_798_759_800_000))
        #expect(auckland.contains("from=2027-01-01&amp;to=2027-01-01&amp;format=pdf"), "\(auckland)")
        var odd = Self.record()
        odd.id = "a/b?c"
        #expect(Self.render(odd).contains("action=\"/reports/user/a%2Fb%3Fc\""))
    }

    @Test func sharesAndEntriesAreListedWithWordsNotColours() throws {
        let page = Self.render()
        #expect(page.contains("<td>My line manager</td>"))
        #expect(page.contains("until you revoke it"))
        #expect(page.contains("<a href=\"/incidents/4\">Incident 4</a>") && page.contains("Incident 9"))
        #expect(page.contains("<td>A cost I paid</td>"))
        var empty = Self.record()
        empty.shares = []
        empty.recentEntries = []
        let quiet = Self.render(empty)
        #expect(quiet.contains("Your report is not shared with anyone."))
        #expect(quiet.contains("You have not logged anything in the last year."))
        #expect(!quiet.contains(StaffPage.revokePath))
    }

    @Test func aRefusedFormComesBackWithTheErrorLinkedToItsFieldAndWhatWasTyped() throws {
        let state = StaffPage.FormState(form: .entry, values: ["kind": ["time-lost"], "minutes": ["0"], "note": [Self.hostile],
                                                               "systems": ["dcs"]],
                                        field: "minutes", message: "minutes 0 is not a whole number from 1 to 1440")
        let page = Self.render(state: state)
        #expect(page.contains("role=\"alert\""))
        #expect(page.contains("<a href=\"#entry-minutes\">minutes 0 is not a whole number from 1 to 1440</a>"), "\(page)")
        let input = try #require(try Self.captures("(<input type=\"number\" id=\"entry-minutes\"[^>]*>)", in: page).first)
        #expect(input.contains("value=\"0\""))
        #expect(input.contains("aria-invalid=\"true\""))
        #expect(input.contains("aria-describedby=\"entry-minutes-hint entry-minutes-error\""), "\(input)")
        #expect(page.contains("<p id=\"entry-minutes-error\" class=\"error-message\"><span class=\"visually-hidden\">Error: </span>"))
        #expect(page.contains("<option value=\"time-lost\" selected=\"selected\">"))
        #expect(page.contains("name=\"systems\" value=\"dcs\" checked=\"checked\""))
        #expect(page.contains(">\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>"))
        // Only the field named is marked.
        #expect(try Self.captures("(aria-invalid=\"true\")", in: page).count == 1)

        let share = StaffPage.FormState(form: .share, values: ["with": ["person"], "person": [""]], field: "person",
                                        message: "type the name of the person to share with")
        let shared = Self.render(state: share)
        #expect(shared.contains("<a href=\"#share-person\">type the name of the person to share with</a>"))
        #expect(shared.contains("<option value=\"person\" selected=\"selected\">"))
        let problem = StaffPage.FormState(form: .problem, values: ["system": ["dcs"], "text": ["slow"]], field: "text",
                                          message: "text refused: it mentions a date of birth")
        let reported = Self.render(state: problem)
        #expect(reported.contains("<a href=\"#problem-2-text\">text refused: it mentions a date of birth</a>"))
        #expect(reported.contains("id=\"problem-2-text\" name=\"text\" maxlength=\"1000\" value=\"slow\""), "\(reported)")
        #expect(Self.render(flash: "Shared <with> your manager").contains(
            "<div class=\"flash\" role=\"status\"><p>Shared &lt;with&gt; your manager</p>"))
    }
}
