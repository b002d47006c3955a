/// What a page decoration (header or footer) is drawn with, once every page exists.
public struct PageContext: Sendable {
    /// 1-based.
    public let number: Int
    public let count: Int
    public let margins: PageLayout.Margins

    /// "Page 2 of 5".
    public var pageOfPages: String { "Page \(number) of \(count)" }
}

/// Flows headings, paragraphs, tables and charts down A4 pages with a cursor, starting a new page when the
/// next block does not fit. Headers and footers are drawn in a second pass by `finish()`, when the page
/// count is known ("Page x of y").
///
///     var layout = PageLayout(info: PDFInfo(title: "Outage report", createdAtEpochSeconds: now))
///     layout.footer = { page, context in page.text(context.pageOfPages, x: 56, y: 820, size: 10) }
///     layout.heading("Outage report")
///     layout.paragraph("Systems were down for 2 h 10 min.")
///     let bytes = layout.finish().bytes()
public struct PageLayout {
    /// Space kept clear around the flowing content, in points. Headers and footers draw inside it.
    public struct Margins: Sendable {
        public var top: Double
        public var bottom: Double
        public var left: Double
        public var right: Double

        public init(top: Double = 72, bottom: Double = 72, left: Double = 56, right: Double = 56) {
            self.top = top
            self.bottom = bottom
            self.left = left
            self.right = right
        }
    }

    /// Draws on a finished page; called for every page by `finish()`.
    public typealias Decoration = (inout PDFPage, PageContext) -> Void

    public let margins: Margins
    public var info: PDFInfo
    public var header: Decoration?
    public var footer: Decoration?
    /// Body text size; 12 pt is the smallest GOV.UK recommends for print.
    public var bodySize: Double = 12

    public private(set) var pages: [PDFPage] = [PDFPage()]
    /// Distance from the top of the current page to where the next block starts.
    public private(set) var cursor: Double

    public init(info: PDFInfo, margins: Margins = Margins()) {
        self.info = info
        self.margins = margins
        cursor = margins.top
    }

    public var pageWidth: Double { PDFPage.a4Width }
    public var pageHeight: Double { PDFPage.a4Height }
    /// Width between the side margins.
    public var contentWidth: Double { pageWidth - margins.left - margins.right }
    /// Space left on the current page above the bottom margin.
    public var remainingHeight: Double { pageHeight - margins.bottom - cursor }
    /// Whether nothing has been placed on the current page yet.
    public var atTopOfPage: Bool { cursor <= margins.top }

    /// Starts a new page and puts the cursor at its top.
    public mutating func newPage() {
        pages.append(PDFPage())
        cursor = margins.top
    }

    /// Starts a new page unless `height` still fits on this one (or the page is empty, so an oversized
    /// block cannot loop).
    public mutating func ensureSpace(_ height: Double) {
        if height > remainingHeight && !atTopOfPage { newPage() }
    }

    /// Moves the cursor down; never past the page bottom.
    public mutating func space(_ points: Double) {
        cursor = min(cursor + points, pageHeight - margins.bottom)
    }

    /// Reserves `height` points (on a new page if needed) and lets `draw` fill them; it gets the current
    /// page and the block's top-left corner. For custom blocks such as a row of date boxes.
    public mutating func block(height: Double, _ draw: (inout PDFPage, _ left: Double, _ top: Double) -> Void) {
        ensureSpace(height)
        draw(&pages[pages.count - 1], margins.left, cursor)
        cursor += height
    }

    /// A bold heading; levels 1-3 are 20, 16 and 13.5 pt. Kept with at least two lines of what follows.
    public mutating func heading(_ text: String, level: Int = 1) {
        let size: Double = switch level {
        case ...1: 20
        case 2: 16
        default: 13.5
        }
        let lines = TextWrapper.lines(text, font: .helveticaBold, size: size, width: contentWidth)
        let lineHeight = size * 1.25
        if !atTopOfPage { space(size * 0.5) }
        ensureSpace(Double(lines.count) * lineHeight + bodySize * 3)
        for line in lines {
            currentPage.text(line, x: margins.left, y: cursor + size, font: .helveticaBold, size: size)
            cursor += lineHeight
        }
        space(size * 0.25)
    }

    /// A word-wrapped paragraph that continues on the next page when it runs out of room.
    public mutating func paragraph(
        _ text: String, font: PDFFont = .helvetica, size: Double? = nil, color: PDFColor = .black,
        indent: Double = 0
    ) {
        let size = size ?? bodySize
        let lineHeight = size * 1.3
        for line in TextWrapper.lines(text, font: font, size: size, width: contentWidth - indent) {
            ensureSpace(lineHeight)
            currentPage.text(line, x: margins.left + indent, y: cursor + size, font: font, size: size, color: color)
            cursor += lineHeight
        }
        space(size * 0.5)
    }

    /// A line of labelled tick boxes, wrapped onto more lines when they do not fit. `ticked` marks
    /// the options to show as ticked (for specimens).
    public mutating func tickBoxes(_ options: [String], ticked: Set<String> = [], size: Double? = nil) {
        let size = size ?? bodySize
        let box = size
        let rowHeight = size * 1.9
        var x = margins.left
        ensureSpace(rowHeight)
        for option in options {
            let width = box + 6 + PDFFont.helvetica.width(of: option, size: size) + 18
            if x > margins.left && x + width > margins.left + contentWidth {
                cursor += rowHeight
                ensureSpace(rowHeight)
                x = margins.left
            }
            currentPage.tickBox(x: x, y: cursor + (rowHeight - box) / 2, size: box, ticked: ticked.contains(option))
            currentPage.text(option, x: x + box + 6, y: cursor + (rowHeight + size * 0.7) / 2, size: size)
            x += width
        }
        cursor += rowHeight
        space(size * 0.5)
    }

    /// A thin horizontal rule across the content width.
    public mutating func rule(color: PDFColor = .black, width: Double = 0.5) {
        ensureSpace(8)
        currentPage.line(
            fromX: margins.left, y: cursor + 4, toX: margins.left + contentWidth, y: cursor + 4, width: width,
            color: color)
        cursor += 8
    }

    /// Runs the second pass (headers, footers with the final page count) and returns the document.
    public func finish() -> PDFDocument {
        var decorated = pages
        for index in decorated.indices {
            let context = PageContext(number: index + 1, count: decorated.count, margins: margins)
            header?(&decorated[index], context)
            footer?(&decorated[index], context)
        }
        return PDFDocument(info: info, pages: decorated)
    }

    /// The page being filled. Extensions (tables, charts) draw through it.
    var currentPage: PDFPage {
        get { pages[pages.count - 1] }
        _modify { yield &pages[pages.count - 1] }
    }

    /// Moves the cursor to an absolute position on the current page (extensions only).
    mutating func setCursor(_ value: Double) { cursor = value }
}
