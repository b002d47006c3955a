/// A table to flow onto pages: a heading row (repeated on every page the table continues on) and rows of
/// wrapped cell text. Blank rows with a minimum height make a table to fill in by hand.
public struct PDFTable: Sendable {
    public enum Alignment: Sendable { case left, right, centre }

    public struct Column: Sendable {
        public var title: String
        /// Share of the table width relative to the other columns' weights.
        public var weight: Double
        public var alignment: Alignment

        public init(_ title: String, weight: Double = 1, alignment: Alignment = .left) {
            self.title = title
            self.weight = weight
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// Text size of cells; nil means the layout's body size.
    public var fontSize: Double?
    /// Rows are at least this tall (points): room to write in by hand.
    public var minimumRowHeight: Double
    public var headerFill: PDFColor

    public init(
        columns: [Column], rows: [[String]], fontSize: Double? = nil, minimumRowHeight: Double = 0,
        headerFill: PDFColor = .lightGrey
    ) {
        self.columns = columns
        self.rows = rows
        self.fontSize = fontSize
        self.minimumRowHeight = minimumRowHeight
        self.headerFill = headerFill
    }

    /// `count` empty rows, for forms.
    public static func blankRows(_ count: Int, columns: Int) -> [[String]] {
        Array(repeating: Array(repeating: "", count: columns), count: max(0, count))
    }
}

extension PageLayout {
    private static let cellPadding = 4.0

    /// Flows `table` from the cursor, breaking between rows and repeating the heading row on each new page.
    public mutating func table(_ table: PDFTable) {
        guard !table.columns.isEmpty else { return }
        let size = table.fontSize ?? bodySize
        let totalWeight = table.columns.reduce(0) { $0 + max($1.weight, 0.0001) }
        let widths = table.columns.map { contentWidth * max($0.weight, 0.0001) / totalWeight }
        let header = table.columns.map(\.title)
        let headerHeight = rowHeight(header, widths: widths, font: .helveticaBold, size: size, minimum: 0)

        let firstRowHeight = table.rows.first.map {
            rowHeight($0, widths: widths, font: .helvetica, size: size, minimum: table.minimumRowHeight)
        } ?? 0
        ensureSpace(headerHeight + firstRowHeight)
        drawRow(header, widths: widths, columns: table.columns, font: .helveticaBold, size: size,
                height: headerHeight, fill: table.headerFill)
        for row in table.rows {
            let height = rowHeight(row, widths: widths, font: .helvetica, size: size, minimum: table.minimumRowHeight)
            if height > remainingHeight && !atTopOfPage {
                newPage()
                drawRow(header, widths: widths, columns: table.columns, font: .helveticaBold, size: size,
                        height: headerHeight, fill: table.headerFill)
            }
            drawRow(row, widths: widths, columns: table.columns, font: .helvetica, size: size, height: height, fill: nil)
        }
        space(size * 0.75)
    }

    private func rowHeight(_ cells: [String], widths: [Double], font: PDFFont, size: Double, minimum: Double)
        -> Double
    {
        var lines = 1
        for (index, width) in widths.enumerated() {
            let text = index < cells.count ? cells[index] : ""
            lines = max(lines, TextWrapper.lines(text, font: font, size: size, width: width - 2 * Self.cellPadding).count)
        }
        return max(minimum, Double(lines) * size * 1.25 + 2 * Self.cellPadding)
    }

    private mutating func drawRow(
        _ cells: [String], widths: [Double], columns: [PDFTable.Column], font: PDFFont, size: Double, height: Double,
        fill: PDFColor?
    ) {
        var x = margins.left
        let top = cursor
        for (index, width) in widths.enumerated() {
            currentPage.rectangle(x: x, y: top, width: width, height: height, fill: fill, stroke: .black, lineWidth: 0.5)
            let text = index < cells.count ? cells[index] : ""
            let lines = TextWrapper.lines(text, font: font, size: size, width: width - 2 * Self.cellPadding)
            var baseline = top + Self.cellPadding + size * 0.95
            for line in lines {
                switch columns[index].alignment {
                case .left:
                    currentPage.text(line, x: x + Self.cellPadding, y: baseline, font: font, size: size)
                case .right:
                    currentPage.text(line, rightAlignedAt: x + width - Self.cellPadding, y: baseline, font: font,
                                     size: size)
                case .centre:
                    currentPage.text(line, centredAt: x + width / 2, y: baseline, font: font, size: size)
                }
                baseline += size * 1.25
            }
            x += width
        }
        setCursor(top + height)
    }
}
