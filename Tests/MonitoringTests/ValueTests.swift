@testable import Monitoring
import Testing

@Suite struct TimestampTests {
    @Test func formatsISO8601InUTCWithMilliseconds() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_548_070_323_250).iso8601 == "2019-01-21T11:32:03.250Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }

    @Test func civilDatesRoundTripAndKnowTheirWeekday() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(year: 2019, month: 1, day: 21).weekday == 1)  // a Monday
        #expect(CivilDate(year: 2024, month: 2, day: 29).weekday == 4)
        #expect(CivilDate(year: 2026, month: 11, day: 22).weekday == 7)
    }
}

@Suite struct WeeklyScheduleTests {
    @Test func readsDayRangesListsAndSeveralRules() throws {
        let schedule = try WeeklySchedule(parsing: "Mon,Wed 09:00-13:00; Tue-Thu 14:00-17:30")
        #expect(schedule.contains(weekday: 1, minute: 9 * 60))
        #expect(!schedule.contains(weekday: 1, minute: 13 * 60))
        #expect(schedule.contains(weekday: 3, minute: 15 * 60))
        #expect(!schedule.contains(weekday: 5, minute: 15 * 60))
        #expect(schedule.contains(weekday: 4, minute: 17 * 60 + 29))
    }

    @Test func overnightShiftsBelongToTheDayTheyStart() throws {
        let schedule = try WeeklySchedule(parsing: "Fri-Sun 22:00-06:00")
        #expect(schedule.contains(weekday: 5, minute: 23 * 60))
        #expect(schedule.contains(weekday: 1, minute: 5 * 60))  // Sunday night into Monday
        #expect(!schedule.contains(weekday: 5, minute: 5 * 60))  // Thursday night was not worked
    }

    @Test func rejectsBadTextWithAReason() {
        #expect(throws: WeeklySchedule.ParseError(message: "'Mun' is not a day or day range (use Mon, Tue, ... Sun, or Mon-Fri)")) {
            try WeeklySchedule(parsing: "Mun 09:00-17:00")
        }
        #expect(throws: WeeklySchedule.ParseError(message: "'9-5' is not a time range such as 09:00-17:00")) {
            try WeeklySchedule(parsing: "Mon 9-5")
        }
        #expect(throws: WeeklySchedule.ParseError.self) { try WeeklySchedule(parsing: "Mon") }
        #expect(throws: WeeklySchedule.ParseError.self) { try WeeklySchedule(parsing: "Mon 25:00-26:00") }
    }
}

@Suite struct EndpointTests {
    @Test func parsesHostsPortsAndPaths() throws {
        let url = try Endpoint(parsing: "https://Signin.Example.invalid/login?x=1", allowedSchemes: ["http", "https"])
        #expect(url.host == "signin.example.invalid")
        #expect(url.port == 443)
        #expect(url.path == "/login?x=1")
        #expect(url.description == "https://signin.example.invalid/login?x=1")
        let v6 = try Endpoint(parsing: "tcp://[::1]:8080", allowedSchemes: ["tcp"])
        #expect(v6.host == "::1")
        #expect(v6.description == "tcp://[::1]:8080")
    }

    @Test func rejectsWhatCannotBeProbedWithAReason() {
        #expect(throws: Endpoint.ParseError(message: "'tcp://gateway' needs a port (tcp://host:port)")) {
            try Endpoint(parsing: "tcp://gateway", allowedSchemes: ["tcp"])
        }
        #expect(throws: Endpoint.ParseError(message: "URL scheme 'ftp' is not one of http, https")) {
            try Endpoint(parsing: "ftp://x", allowedSchemes: ["http", "https"])
        }
        #expect(throws: Endpoint.ParseError(message: "'70000' is not a port number (1-65535)")) {
            try Endpoint(parsing: "http://x:70000/", allowedSchemes: ["http"])
        }
        #expect(throws: Endpoint.ParseError.self) { try Endpoint(parsing: "http://user:pw@x/", allowedSchemes: ["http"]) }
        #expect(throws: Endpoint.ParseError.self) { try Endpoint(parsing: "http:///path", allowedSchemes: ["http"]) }
        #expect(throws: Endpoint.ParseError.self) { try Endpoint(parsing: "not a url", allowedSchemes: ["http"]) }
    }
}
