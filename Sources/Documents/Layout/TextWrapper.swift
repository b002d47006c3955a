/// Breaks text into lines that fit a width, measured with the real font metrics.
public enum TextWrapper {
    /// The lines of `text` set in `font` at `size` no wider than `width`. Line breaks in the text are kept;
    /// a word longer than the width is split between characters rather than overflowing.
    public static func lines(_ text: String, font: PDFFont, size: Double, width: Double) -> [String] {
        var result: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let candidate = current.isEmpty ? String(word) : current + " " + word
                if font.width(of: candidate, size: size) <= width {
                    current = candidate
                    continue
                }
                if !current.isEmpty { result.append(current) }
                current = ""
                for piece in splitLongWord(String(word), font: font, size: size, width: width) {
                    if !current.isEmpty { result.append(current) }
                    current = piece
                }
            }
            result.append(current)
        }
        return result
    }

    /// Pieces of `word` that each fit `width` (at least one character each, so this always ends).
    private static func splitLongWord(_ word: String, font: PDFFont, size: Double, width: Double) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in word {
            let candidate = current + String(character)
            if !current.isEmpty && font.width(of: candidate, size: size) > width {
                pieces.append(current)
                current = String(character)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
