/// Free text in staff entries must never hold case data (names, case numbers, dates of birth): the log is
/// not the place for criminal-offence data. This catches the obvious shapes; the warning does the rest.
public enum CaseDataScreen {
    public static let warning = "Do not enter case details (defendants' or clients' names, case or URN numbers, "
        + "dates of birth, offences) in free text: describe the work, not the case."

    /// Why `text` looks like case data, or nil. Checks: a police URN (`01AB1234525`), a National Insurance
    /// number (`QQ123456C`), a PNC ID (`2019/0123456A`), a date of birth written as such.
    public static func reason(_ text: String) -> String? {
        let lowered = text.lowercased()
        if lowered.contains("dob") || lowered.contains("date of birth") || lowered.contains("d.o.b") {
            return "it mentions a date of birth"
        }
        for word in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "/" }) {
            let characters = Array(word.uppercased())
            if matches(characters, "99AA9999999") { return "'\(word)' looks like a police case URN" }
            if matches(characters, "AA999999A") { return "'\(word)' looks like a National Insurance number" }
            if matches(characters, "9999/9999999A") { return "'\(word)' looks like a PNC ID" }
        }
        return nil
    }

    /// `pattern`: 9 a digit, A a letter, anything else itself.
    private static func matches(_ characters: [Character], _ pattern: String) -> Bool {
        let shape = Array(pattern)
        guard characters.count == shape.count else { return false }
        return zip(characters, shape).allSatisfy { character, expected in
            switch expected {
            case "9": character.isASCII && character.isNumber
            case "A": character.isASCII && character.isLetter
            default: character == expected
            }
        }
    }
}
