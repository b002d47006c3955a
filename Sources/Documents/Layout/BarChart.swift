/// A horizontal bar chart: one labelled bar per row with its value printed beside it (so the chart never
/// relies on colour or bar length alone), and a value axis with round-numbered ticks under the bars.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        /// What is printed next to the bar, e.g. "2 h 10 min".
        public var valueText: String

        public init(label: String, value: Double, valueText: String? = nil) {
            self.label = label
            self.value = value
            self.valueText = valueText ?? PDFNumber.format(value)
        }
    }

    public var bars: [Bar]
    /// Names the axis unit under the ticks, e.g. "minutes".
    public var axisLabel: String?
    public var barColor: PDFColor
    /// The axis end; nil means a round number at or above the largest value.
    public var maximum: Double?

    public init(bars: [Bar], axisLabel: String? = nil, barColor: PDFColor = .grey(0.35), maximum: Double? = nil) {
        self.bars = bars
        self.axisLabel = axisLabel
        self.barColor = barColor
        self.maximum = maximum
    }

    /// Tick values from 0 to a round axis end at or above `largest`, about four intervals.
    static func ticks(upTo largest: Double) -> [Double] {
        guard largest > 0, largest.isFinite else { return [0, 1] }
        let rough = largest / 4
        var magnitude = 1.0
        while magnitude * 10 <= rough { magnitude *= 10 }
        while magnitude > rough { magnitude /= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? magnitude * 10
        let count = Int((largest / step).rounded(.up))
        return (0...max(count, 1)).map { Double($0) * step }
    }
}

extension PageLayout {
    /// Draws `chart` from the cursor; rows continue on the next page (with their own axis) when needed.
    public mutating func barChart(_ chart: BarChart) {
        let size = bodySize
        let tickSize = max(size - 2, 10)
        let rowHeight = size * 1.8
        let axisHeight = tickSize * 2.6 + (chart.axisLabel == nil ? 0 : tickSize * 1.4)
        let largest = chart.maximum ?? chart.bars.map(\.value).max() ?? 0
        let ticks = BarChart.ticks(upTo: largest)
        let axisEnd = max(ticks.last ?? 1, chart.maximum ?? 0)

        let labelWidth = min(
            (chart.bars.map { PDFFont.helvetica.width(of: $0.label, size: size) }.max() ?? 0) + 8, contentWidth * 0.35)
        let valueWidth = (chart.bars.map { PDFFont.helvetica.width(of: $0.valueText, size: size) }.max() ?? 0) + 8
        let barLeft = margins.left + labelWidth
        let barWidth = max(contentWidth - labelWidth - valueWidth, 20)

        ensureSpace(rowHeight * Double(min(chart.bars.count, 3)) + axisHeight)
        var segmentTop = cursor
        for bar in chart.bars {
            if rowHeight + axisHeight > remainingHeight && !atTopOfPage {
                drawAxis(ticks: ticks, axisEnd: axisEnd, left: barLeft, width: barWidth, top: segmentTop,
                         size: tickSize, label: chart.axisLabel)
                newPage()
                segmentTop = cursor
            }
            let label = TextWrapper.lines(bar.label, font: .helvetica, size: size, width: labelWidth - 8).first ?? ""
            let baseline = cursor + (rowHeight + size * 0.7) / 2
            currentPage.text(label, x: margins.left, y: baseline, size: size)
            let length = axisEnd > 0 ? barWidth * min(max(bar.value, 0), axisEnd) / axisEnd : 0
            if length > 0 {
                currentPage.rectangle(x: barLeft, y: cursor + rowHeight * 0.2, width: length, height: rowHeight * 0.6,
                                      fill: chart.barColor, stroke: nil)
            }
            currentPage.text(bar.valueText, x: barLeft + length + 4, y: baseline, size: size)
            setCursor(cursor + rowHeight)
        }
        drawAxis(ticks: ticks, axisEnd: axisEnd, left: barLeft, width: barWidth, top: segmentTop, size: tickSize,
                 label: chart.axisLabel)
        space(size * 0.75)
    }

    private mutating func drawAxis(
        ticks: [Double], axisEnd: Double, left: Double, width: Double, top: Double, size: Double, label: String?
    ) {
        let axisY = cursor
        currentPage.line(fromX: left, y: top, toX: left, y: axisY, width: 0.75)
        currentPage.line(fromX: left, y: axisY, toX: left + width, y: axisY, width: 0.75)
        for tick in ticks where tick <= axisEnd {
            let x = left + width * tick / axisEnd
            currentPage.line(fromX: x, y: axisY, toX: x, y: axisY + 4, width: 0.75)
            currentPage.text(PDFNumber.format(tick), centredAt: x, y: axisY + 4 + size, size: size)
        }
        var bottom = axisY + 4 + size * 1.6
        if let label {
            currentPage.text(label, centredAt: left + width / 2, y: bottom + size * 0.9, size: size)
            bottom += size * 1.4
        }
        setCursor(bottom)
    }
}
