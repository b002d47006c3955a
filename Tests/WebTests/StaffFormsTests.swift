import FailureLog
import Testing
@testable import Web

/// The staff page's form fields become the JSON API's bodies (one set of checks for both), and refusals
/// find their way back to the field they are about.
@Suite("Staff forms")
struct StaffFormsTests {
    @Test func formFieldsBecomeTheAPIsBodyWithBlanksLeftOut() throws {
        let entry = StaffForms.entryBody(["csrf": ["t"], "kind": ["time-lost"], "minutes": ["30"], "at": [""],
                                          "could_not": ["  "], "systems": ["dcs", "cjsm"], "note": ["line 1\nline 2"]])
        #expect(entry == ["kind": "time-lost", "minutes": "30", "systems": .array(["dcs", "cjsm"]),
                          "note": "line 1\nline 2"])
        #expect(StaffForms.entryBody(["kind": ["cost"], "systems": []]) == ["kind": "cost"])
        // A name the route does not take stays in, so the strict check refuses it by name.
        #expect(StaffForms.problemBody(["system": ["dcs"], "by": ["x"], "text": [""]]) == ["system": "dcs", "by": "x"])
        #expect(StaffForms.revokeBody(["with": ["union-rep"], "csrf": ["t"]]) == ["with": "union-rep"])
    }

    @Test func sharingWithSomeoneElseTakesTheirNameAndNeedsIt() throws {
        #expect(try StaffForms.shareBody(["with": ["manager"], "person": ["ignored"], "until": [""]]).get()
                == ["with": "manager"])
        #expect(try StaffForms.shareBody(["with": ["person"], "person": ["A. Rep"], "until": ["2030-01-31"]]).get()
                == ["with": "A. Rep", "until": "2030-01-31"])
        guard case .failure(let missing) = StaffForms.shareBody(["with": ["person"], "person": [" "]]) else {
            Issue.record("a blank name was accepted")
            return
        }
        #expect(missing.status == 422)
        #expect(StaffForms.field(of: missing.detail, among: StaffForms.shareFields) == "person")
    }

    @Test func refusalsNameTheirField() {
        for (detail, field) in [
            ("'kind' is required", "kind"),
            ("minutes 0 is not a whole number from 1 to 1440", "minutes"),
            ("kind cost needs amount", "amount"),
            ("minutes does not apply to kind cost", "minutes"),
            ("could-not refused: '01AB1234525' looks like a police case URN", "could_not"),
            ("until must be after at", "until"),
            ("'systems' must be a list of system IDs", "systems"),
        ] {
            #expect(StaffForms.field(of: detail, among: StaffForms.entryFields) == field, "\(detail)")
        }
        #expect(StaffForms.field(of: "until 2020-01-01 is in the past", among: StaffForms.shareFields) == "until")
        #expect(StaffForms.field(of: "this token's subject is not in the staff directory", among: StaffForms.entryFields) == nil)
        #expect(StaffForms.field(of: "'person' is not a field of this request", among: StaffForms.entryFields) == nil)
    }

    @Test func aFormBodyGoesThroughTheSameChecksAsJSON() {
        // The same strict check refuses what the form sends that the API would refuse.
        do throws(ServiceFailure) {
            _ = try StaffActions.recordEntry(StaffForms.entryBody(["minutes": ["30"]]), service: FakeStaff(), staffID: "s1")
            Issue.record("an entry without a kind was accepted")
        } catch {
            #expect(error.status == 422)
            #expect(error.detail == "'kind' is required")
        }
        do throws(ServiceFailure) {
            let text = try StaffActions.recordEntry(StaffForms.entryBody(["kind": ["cost"], "amount": ["4.20"]]),
                                                    service: FakeStaff(), staffID: "s1")
            #expect(text.contains(#""options":"amount=4.20""#))
        } catch {
            Issue.record("refused: \(error)")
        }
    }
}
