/// A table to flow onto pages: a heading row (repeated on every page the table continues on) and rows of
/// wrapped cell text. Blank rows with a minimum height make a table to fill in by hand.
public struct PDFTable: Sendable {
    public enum Alignment: Sendable { case left, right, centre }

    public struct Column: Sendable {
        public var title: String
        /// Share of the table width relative to the other columns' weights.
        public var weight: Double
        public var alignment: Alignment
        /// Labelled tick boxes drawn in this column's empty cells (e.g. ["Yes", "No"]), for forms.
        public var tickBoxes: [String]

        public init(_ title: String, weight: Double = 1, alignment: Alignment = .left, tickBoxes: [String] = []) {
            self.title = title
            self.weight = weight
            self.alignment = alignment
            self.tickBoxes = tickBoxes
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
        let widths = Self.columnWidths(table, size: size, available: contentWidth)
        let header = table.columns.map(\.title)
        let headerHeight = rowHeight(header, widths: widths, font: .helveticaBold, size: size, minimum: 0)

        let firstRowHeight = table.rows.first.map {
            rowHeight($0, widths: widths, font: .helvetica, size: size, minimum: table.minimumRowHeight,
                      columns: table.columns)
        } ?? 0
        ensureSpace(headerHeight + firstRowHeight)
        drawRow(header, widths: widths, columns: table.columns, font: .helveticaBold, size: size,
                height: headerHeight, fill: table.headerFill)
        for row in table.rows {
            let height = rowHeight(row, widths: widths, font: .helvetica, size: size, minimum: table.minimumRowHeight,
                                   columns: table.columns)
            if height > remainingHeight && !atTopOfPage {
                newPage()
                drawRow(header, widths: widths, columns: table.columns, font: .helveticaBold, size: size,
                        height: headerHeight, fill: table.headerFill)
            }
            drawRow(row, widths: widths, columns: table.columns, font: .helvetica, size: size, height: height,
                    fill: nil)
        }
        space(size * 0.75)
    }

    /// Widths from the columns' weights, then widened where a column's longest word (or its tick boxes)
    /// would not fit, taking the room from columns that have some to spare, so words are not split
    /// ("Numb-er") when the table as a whole is wide enough.
    static func columnWidths(_ table: PDFTable, size: Double, available: Double) -> [Double] {
        let totalWeight = table.columns.reduce(0) { $0 + max($1.weight, 0.0001) }
        var widths = table.columns.map { available * max($0.weight, 0.0001) / totalWeight }
        let minimums = table.columns.indices.map { index in
            let column = table.columns[index]
            var widest = column.title.split(separator: " ").map {
                PDFFont.helveticaBold.width(of: String($0), size: size)
            }.max() ?? 0
            for row in table.rows where index < row.count {
                for word in row[index].split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                    widest = max(widest, PDFFont.helvetica.width(of: String(word), size: size))
                }
            }
            for label in column.tickBoxes {
                widest = max(widest, size * 0.9 + 3 + PDFFont.helvetica.width(of: label, size: size))
            }
            return widest + 2 * cellPadding + 1
        }
        let deficit = zip(widths, minimums).reduce(0) { $0 + max(0, $1.1 - $1.0) }
        let slack = zip(widths, minimums).reduce(0) { $0 + max(0, $1.0 - $1.1) }
        guard deficit > 0, slack >= deficit else { return widths }
        for index in widths.indices {
            if widths[index] < minimums[index] {
                widths[index] = minimums[index]
            } else {
                widths[index] -= (widths[index] - minimums[index]) * deficit / slack
            }
        }
        return widths
    }

    private func rowHeight(
        _ cells: [String], widths: [Double], font: PDFFont, size: Double, minimum: Double,
        columns: [PDFTable.Column] = []
    ) -> Double {
        var lines = 1
        for (index, width) in widths.enumerated() {
            let text = index < cells.count ? cells[index] : ""
            let inner = width - 2 * Self.cellPadding
            if text.isEmpty, index < columns.count, !columns[index].tickBoxes.isEmpty {
                // Same packing as drawTickBoxes: count the lines the boxes need.
                var used = 0.0
                var boxLines = 1
                for label in columns[index].tickBoxes {
                    let needed = size * 0.9 + 3 + PDFFont.helvetica.width(of: label, size: size)
                    if used > 0 && used + needed > inner { boxLines += 1; used = 0 }
                    used += needed + 8
                }
                lines = max(lines, boxLines)
            }
            lines = max(lines, TextWrapper.lines(text, font: font, size: size, width: inner).count)
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
            currentPage.rectangle(x: x, y: top, width: width, height: height, fill: fill, stroke: .black,
                                  lineWidth: 0.5)
            let text = index < cells.count ? cells[index] : ""
            if text.isEmpty && fill == nil && !columns[index].tickBoxes.isEmpty {
                drawTickBoxes(columns[index].tickBoxes, x: x + Self.cellPadding, top: top + Self.cellPadding,
                              width: width - 2 * Self.cellPadding, size: size)
            }
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

    /// Boxes with their labels, side by side while they fit and then on further lines.
    private mutating func drawTickBoxes(_ labels: [String], x left: Double, top: Double, width: Double, size: Double) {
        let box = size * 0.9
        var x = left
        var y = top
        for label in labels {
            let needed = box + 3 + PDFFont.helvetica.width(of: label, size: size)
            if x > left && x + needed > left + width {
                x = left
                y += size * 1.25
            }
            currentPage.tickBox(x: x, y: y + size * 0.1, size: box)
            currentPage.text(label, x: x + box + 3, y: y + size * 0.9, size: size)
            x += needed + 8
        }
    }
}
