/// The two base-14 fonts documents use. Every PDF viewer has them, so nothing is embedded.
public enum PDFFont: Sendable, Hashable, CaseIterable {
    case helvetica
    case helveticaBold

    /// The PostScript name written as /BaseFont.
    var postScriptName: String {
        switch self {
        case .helvetica: "Helvetica"
        case .helveticaBold: "Helvetica-Bold"
        }
    }

    /// The resource name content streams select the font by.
    var resourceName: String {
        switch self {
        case .helvetica: "F1"
        case .helveticaBold: "F2"
        }
    }

    private var widths: [UInt16] {
        switch self {
        case .helvetica: HelveticaMetrics.regular
        case .helveticaBold: HelveticaMetrics.bold
        }
    }

    /// Advance width of one WinAnsi byte in 1/1000 em.
    func advance(of byte: UInt8) -> Int {
        byte < 32 ? 0 : Int(widths[Int(byte) - 32])
    }

    /// Width of `text` in points when set at `size` points, measured on what will actually be drawn
    /// (characters outside WinAnsi count as the `?` that replaces them).
    public func width(of text: String, size: Double) -> Double {
        let units = WinAnsi.encode(text).reduce(0) { $0 + advance(of: $1) }
        return Double(units) * size / 1000
    }
}
