/// One page's drawing, in points with the origin at the TOP-left corner and y growing downwards (the way
/// forms and reports are laid out); the writer flips to PDF's bottom-left origin. Text positions are the
/// left end of the baseline.
public struct PDFPage: Sendable {
    /// ISO A4 in points (210 x 297 mm).
    public static let a4Width = 595.28
    public static let a4Height = 841.89

    public let width: Double
    public let height: Double
    /// Content-stream operators, one drawing instruction a line.
    private(set) var operations: [String] = []

    public init(width: Double = PDFPage.a4Width, height: Double = PDFPage.a4Height) {
        self.width = width
        self.height = height
    }

    /// Draws `text` on one line starting at (`x`, baseline `y`).
    public mutating func text(
        _ text: String, x: Double, y: Double, font: PDFFont = .helvetica, size: Double = 12,
        color: PDFColor = .black
    ) {
        guard !text.isEmpty else { return }
        operations.append(
            "BT \(color.operatorText(stroke: false)) /\(font.resourceName) \(n(size)) Tf "
                + "\(n(x)) \(n(height - y)) Td \(Self.literal(WinAnsi.encode(text))) Tj ET")
    }

    /// Draws `text` so that it ends at `rightX`.
    public mutating func text(
        _ text: String, rightAlignedAt rightX: Double, y: Double, font: PDFFont = .helvetica, size: Double = 12,
        color: PDFColor = .black
    ) {
        self.text(text, x: rightX - font.width(of: text, size: size), y: y, font: font, size: size, color: color)
    }

    /// Draws `text` centred on `centreX`.
    public mutating func text(
        _ text: String, centredAt centreX: Double, y: Double, font: PDFFont = .helvetica, size: Double = 12,
        color: PDFColor = .black
    ) {
        let half = font.width(of: text, size: size) / 2
        self.text(text, x: centreX - half, y: y, font: font, size: size, color: color)
    }

    /// A straight line.
    public mutating func line(
        fromX x1: Double, y y1: Double, toX x2: Double, y y2: Double, width: Double = 0.75,
        color: PDFColor = .black
    ) {
        operations.append(
            "q \(color.operatorText(stroke: true)) \(n(width)) w \(n(x1)) \(n(height - y1)) m "
                + "\(n(x2)) \(n(height - y2)) l S Q")
    }

    /// A rectangle whose top-left corner is (`x`, `y`), filled and/or stroked.
    public mutating func rectangle(
        x: Double, y: Double, width: Double, height rectangleHeight: Double, fill: PDFColor? = nil,
        stroke: PDFColor? = .black, lineWidth: Double = 0.75
    ) {
        guard fill != nil || stroke != nil else { return }
        var parts = ["q"]
        if let fill { parts.append(fill.operatorText(stroke: false)) }
        if let stroke { parts.append("\(stroke.operatorText(stroke: true)) \(n(lineWidth)) w") }
        parts.append("\(n(x)) \(n(height - y - rectangleHeight)) \(n(width)) \(n(rectangleHeight)) re")
        switch (fill, stroke) {
        case (.some, .some): parts.append("B")
        case (.some, nil): parts.append("f")
        default: parts.append("S")
        }
        parts.append("Q")
        operations.append(parts.joined(separator: " "))
    }

    /// An empty square box to tick by hand, top-left at (`x`, `y`); `ticked` draws a tick mark in it
    /// (for specimens and filled-in copies).
    public mutating func tickBox(x: Double, y: Double, size: Double = 12, ticked: Bool = false) {
        rectangle(x: x, y: y, width: size, height: size, stroke: .black, lineWidth: 1)
        guard ticked else { return }
        let inset = size * 0.2
        operations.append(
            "q 0 G \(n(size * 0.12)) w \(n(x + inset)) \(n(height - y - size * 0.55)) m "
                + "\(n(x + size * 0.42)) \(n(height - y - size + inset)) l "
                + "\(n(x + size - inset)) \(n(height - y - inset)) l S Q")
    }

    /// The page's content stream.
    var contentStream: [UInt8] {
        Array(operations.joined(separator: "\n").utf8) + [0x0A]
    }

    private func n(_ value: Double) -> String { PDFNumber.format(value) }

    /// A PDF literal string of already-encoded bytes; non-ASCII bytes are written as octal escapes so the
    /// content stream stays 7-bit and readable.
    static func literal(_ bytes: [UInt8]) -> String {
        var out = "("
        for byte in bytes {
            switch byte {
            case 0x28, 0x29, 0x5C: out += "\\" + String(UnicodeScalar(byte))
            case 0x20...0x7E: out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let octal = String(byte, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return out + ")"
    }
}
