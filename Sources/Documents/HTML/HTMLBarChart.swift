/// A horizontal bar chart as inline SVG for HTML reports: no script, no external asset, every bar labelled
/// with its value in text (no colour-only meaning), and an accessible name. Values are drawn to scale; the
/// labels carry the exact figures. A bar may carry a second, lighter part stacked after the first (lost
/// then degraded hours); its meaning is in the value text too. The SVG scales down to narrow screens.
public enum HTMLBarChart {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        /// Drawn lighter, after `value`; 0 for a plain bar.
        public var stacked: Double
        public var valueText: String

        public init(label: String, value: Double, stacked: Double = 0, valueText: String) {
            self.label = label
            self.value = value
            self.stacked = stacked
            self.valueText = valueText
        }
    }

    public static func svg(_ bars: [Bar], title: String, empty: String) -> String {
        guard !bars.isEmpty else { return "<p>\(HTML.escape(empty))</p>" }
        let largest = max(bars.map { $0.value + $0.stacked }.max() ?? 1, 0.000_001)
        let rowHeight = 28
        let height = bars.count * rowHeight + 10
        var svg = "<svg role=\"img\" aria-label=\"\(HTML.escapeAttribute(title))\" width=\"640\" height=\"\(height)\" "
            + "viewBox=\"0 0 640 \(height)\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(HTML.escape(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 4
            let width = Int((max(0, bar.value) / largest * 320).rounded())
            let stacked = Int((max(0, bar.stacked) / largest * 320).rounded())
            svg += "<text x=\"0\" y=\"\(y + 16)\" font-size=\"13\">\(HTML.escape(bar.label))</text>"
            svg += "<rect x=\"180\" y=\"\(y)\" width=\"\(width)\" height=\"20\" fill=\"#333\"/>"
            if stacked > 0 {
                svg += "<rect x=\"\(180 + width)\" y=\"\(y)\" width=\"\(stacked)\" height=\"20\" fill=\"#aaa\"/>"
            }
            svg += "<text x=\"\(188 + width + stacked)\" y=\"\(y + 16)\" font-size=\"13\">"
                + "\(HTML.escape(bar.valueText))</text>"
        }
        return svg + "</svg>"
    }
}
