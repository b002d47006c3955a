/// Maps Unicode text to WinAnsiEncoding, the single-byte encoding the base-14 fonts are used with.
///
/// ASCII and Latin-1 (U+00A0...U+00FF) map to themselves; the typographic characters of 0x80...0x9F
/// (£ is Latin-1, but – — ’ “ ” • € … live here) come from the table below. Anything else becomes `?`,
/// so a document never silently drops characters: the reader sees that something could not be shown.
public enum WinAnsi {
    /// The byte written for characters WinAnsi cannot represent.
    public static let replacement: UInt8 = 0x3F

    private static let upperControlRange: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// The WinAnsi byte for one scalar; tabs and line breaks become spaces (layout handles lines itself).
    public static func byte(for scalar: Unicode.Scalar) -> UInt8 {
        let value = scalar.value
        switch value {
        case 0x09, 0x0A, 0x0D: return 0x20
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(value)
        default: return upperControlRange[value] ?? replacement
        }
    }

    /// Encodes `text` one byte per Unicode scalar.
    public static func encode(_ text: String) -> [UInt8] {
        text.unicodeScalars.map(byte(for:))
    }
}
