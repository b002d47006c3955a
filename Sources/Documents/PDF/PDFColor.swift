/// A fill or stroke colour: a grey level or an RGB triple, each component 0 (none) ... 1 (full).
public enum PDFColor: Sendable, Hashable {
    case grey(Double)
    case rgb(Double, Double, Double)

    public static let black = PDFColor.grey(0)
    public static let white = PDFColor.grey(1)
    /// Light grey used behind table headings and empty chart tracks: dark text on it keeps high contrast.
    public static let lightGrey = PDFColor.grey(0.9)

    /// The content-stream operator setting this colour for fills (`stroke == false`) or strokes.
    func operatorText(stroke: Bool) -> String {
        switch self {
        case .grey(let level):
            "\(PDFNumber.format(level)) \(stroke ? "G" : "g")"
        case .rgb(let red, let green, let blue):
            "\(PDFNumber.format(red)) \(PDFNumber.format(green)) \(PDFNumber.format(blue)) \(stroke ? "RG" : "rg")"
        }
    }
}

/// Numbers as PDF wants them: plain decimals, no exponent, at most three fractional digits.
enum PDFNumber {
    static func format(_ value: Double) -> String {
        let scaled = (value * 1000).rounded()
        guard scaled.isFinite else { return "0" }
        let thousandths = Int(scaled)
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = abs(thousandths)
        let whole = magnitude / 1000
        var fraction = magnitude % 1000
        if fraction == 0 { return "\(sign)\(whole)" }
        var digits = 3
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let padded = String(repeating: "0", count: digits - String(fraction).count) + String(fraction)
        return "\(sign)\(whole).\(padded)"
    }
}
