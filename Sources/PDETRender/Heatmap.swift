// A matrix as a heatmap: attention maps (T, T), weight matrices (C, 4C), activations (T, C).
//
// Mapping. The plot area is what is left of the rect after the optional row labels (left, plus one marker
// column) and column labels (top, plus one marker row when a column is highlighted).
// - Colour (not ascii, not mono): each terminal cell is the upper half block "▀" whose foreground is the upper
//   pixel and background the lower pixel, so one terminal row shows two pixel rows.
// - Glyphs (ascii or mono): one pixel per terminal character from the density ramp " .:-=+*#%@" (or the signed
//   ramp "%=-, '+*#" for `.diverging`), coloured as well when colours are available.
// Matrix → pixels, per axis: with n matrix entries and m available pixels, if n ≤ m every entry gets
// floor(m / n) pixels (an integer zoom, so all cells are the same size); if n > m, pixel j averages (or takes
// the max of) entries [j·n/m, (j+1)·n/m). Vertical zooms in half-block mode are even (a matrix row fills whole
// terminal rows, so row labels line up). With `squareCells` (default), when both axes zoom they share one
// zoom z (half blocks: z columns × z pixel rows; glyphs: 2z columns × z rows, a character being ~2:1 tall). A block holding any NaN/±Inf is drawn as a red bold "!" so that a
// blow-up can never be averaged away. Values are normalised over [lo, hi] (given, else the finite min/max of
// the whole matrix; `.diverging` uses ±max|v|) and clamped.

/// How a block of matrix entries becomes one pixel when the matrix is larger than the area.
public enum BlockReduce: Equatable, Hashable, Sendable {
    case mean           // average (smooth; hides isolated spikes)
    case max            // largest value (keeps peaks, e.g. attention maxima)
    case maxMagnitude   // the entry with the largest |v|, sign kept (for signed matrices)
}

public struct Heatmap: Equatable, Sendable {
    public var rows: Int
    public var cols: Int
    public var values: [Float]            // (rows, cols) row-major
    public var lo: Float?
    public var hi: Float?
    public var scale: ColorScale
    public var reduce: BlockReduce
    public var rowLabels: [String]        // one per matrix row (missing ones are blank); shown left
    public var colLabels: [String]        // one per matrix column; shown on top, vertical when too wide
    public var highlightRow: Int?         // marked "▶"/">" in the gutter, its label reversed
    public var highlightCol: Int?         // marked "▼"/"v" above the plot, its label reversed
    public var maxColumnLabelRows: Int    // rows given to vertical column labels at most
    public var squareCells: Bool          // when zooming, keep matrix cells about square (else fill the area)

    public init(rows: Int, cols: Int, values: [Float], lo: Float? = nil, hi: Float? = nil,
                scale: ColorScale = .sequential, reduce: BlockReduce = .mean,
                rowLabels: [String] = [], colLabels: [String] = [],
                highlightRow: Int? = nil, highlightCol: Int? = nil, maxColumnLabelRows: Int = 3,
                squareCells: Bool = true) {
        self.rows = rows
        self.cols = cols
        self.values = values
        self.lo = lo
        self.hi = hi
        self.scale = scale
        self.reduce = reduce
        self.rowLabels = rowLabels
        self.colLabels = colLabels
        self.highlightRow = highlightRow
        self.highlightCol = highlightCol
        self.maxColumnLabelRows = maxColumnLabelRows
        self.squareCells = squareCells
    }

    /// The range colours are normalised over (after applying `lo`/`hi` and the auto rule).
    public var normalizer: Normalizer { Normalizer(values: values, lo: lo, hi: hi, scale: scale) }

    public func render(into grid: inout Grid, rect: Rect, options: RenderOptions = .standard) {
        let clip = rect.intersection(grid.bounds)
        guard !clip.isEmpty else { return }
        guard rows >= 0, cols >= 0, rows.multipliedReportingOverflow(by: cols).partialValue == values.count,
              !rows.multipliedReportingOverflow(by: cols).overflow else {
            let message = "heatmap: \(rows)x\(cols) needs \(rows &* cols) values, got \(values.count)"
            grid.putParagraph(message, in: clip, style: Style(fg: Palette.alarm, bold: true).downgraded(to: options.colorMode))
            return
        }
        guard rows > 0, cols > 0 else { return }
        let glyphMode = options.usesGlyphs
        let mode = options.colorMode

        // Gutter (row labels + marker column) and header (column labels + marker row).
        // Labels as they will be drawn (under --ascii a glyph may take more than one character).
        let rowLabels = rowLabels.map { displayText($0, options) }, colLabels = colLabels.map { displayText($0, options) }
        let labelWidth = rowLabels.isEmpty ? 0 : min(rowLabels.map(\.count).max() ?? 0, clip.width / 3)
        let gutter = (labelWidth > 0 || highlightRow != nil) ? labelWidth + 1 : 0
        let plotAvailW = clip.width - gutter
        guard plotAvailW > 0 else { return }
        let maxColLabel = colLabels.map(\.count).max() ?? 0
        let markerRow = highlightCol != nil ? 1 : 0
        let freeZoomX = cols <= plotAvailW ? plotAvailW / cols : 0   // 0: more columns than room, downsample

        // Zoom per axis (0 = downsample). Column labels go horizontal when they fit one zoomed column, which
        // depends on the zoom, which depends on the rows the labels take: try horizontal first, then vertical.
        var zoomX = 0, zoomY = 0, labelRows = 0, horizontalLabels = false, termRows = 0, availPixels = 0
        for allowHorizontal in [true, false] {
            horizontalLabels = allowHorizontal && maxColLabel > 0 && freeZoomX > 0 && maxColLabel <= freeZoomX
            labelRows = maxColLabel == 0 ? 0 : (horizontalLabels ? 1 : min(maxColLabel, max(0, maxColumnLabelRows)))
            termRows = clip.height - min(clip.height, labelRows + markerRow)
            availPixels = glyphMode ? termRows : 2 * termRows
            zoomX = freeZoomX
            zoomY = rows <= availPixels ? availPixels / rows : 0
            if !glyphMode && zoomY >= 2 { zoomY -= zoomY % 2 }   // whole terminal rows per matrix row
            if squareCells && zoomX > 0 && zoomY > 0 {
                if glyphMode {                                  // a character is about twice as tall as wide
                    zoomY = max(1, min(zoomY, zoomX / 2))
                    zoomX = min(zoomX, 2 * zoomY)
                } else {                                        // a half-block pixel is about square
                    var z = min(zoomX, zoomY)
                    if z >= 2 { z -= z % 2 }
                    zoomX = z
                    zoomY = z
                }
            }
            if !horizontalLabels || maxColLabel <= zoomX { break }
        }
        let header = min(clip.height, labelRows + markerRow)
        guard termRows > 0 else { return }
        let plotW = zoomX > 0 ? cols * zoomX : plotAvailW
        let plotPH = zoomY > 0 ? rows * zoomY : availPixels
        let colBlock = max(1, zoomX)                          // terminal columns per matrix column when zoomed
        let plotX = clip.x + gutter, plotY = clip.y + header

        // Pixels: (plotPH, plotW), NaN where the block holds a non-finite value.
        let norm = normalizer
        var pixels = [Double](repeating: 0, count: plotPH * plotW)
        for p in 0..<plotPH {
            let rr = blockRange(p, count: rows, pixels: plotPH)
            for j in 0..<plotW {
                let cr = blockRange(j, count: cols, pixels: plotW)
                pixels[p * plotW + j] = norm(reduceBlock(rr, cr))
            }
        }
        let alarm = Style(fg: Palette.alarm, bold: true)
        func color(_ t: Double) -> Color { Ramp.color(t, scale: scale, mode: mode, theme: options.theme) }

        let shownTermRows = glyphMode ? plotPH : (plotPH + 1) / 2
        for y in 0..<shownTermRows {
            for j in 0..<plotW {
                let cell: Cell
                if glyphMode {
                    let t = pixels[y * plotW + j]
                    cell = t.isNaN ? Cell("!", alarm.downgraded(to: mode))
                                   : Cell(Ramp.glyph(t, scale: scale), Style(fg: color(t)))
                } else {
                    let upper = pixels[2 * y * plotW + j]
                    let lower: Double? = 2 * y + 1 < plotPH ? pixels[(2 * y + 1) * plotW + j] : nil
                    if upper.isNaN || (lower?.isNaN ?? false) {
                        let other = upper.isNaN ? lower : upper
                        let bg = (other.map { $0.isNaN ? Color.default : color($0) }) ?? .default
                        cell = Cell("!", Style(fg: Palette.alarm, bg: bg, bold: true).downgraded(to: mode))
                    } else {
                        cell = Cell("▀", Style(fg: color(upper), bg: lower.map(color) ?? .default))
                    }
                }
                grid.set(plotX + j, plotY + y, cell, clip: clip)
            }
        }

        // Row labels and the highlighted-row marker.
        let pixelsPerTermRow = glyphMode ? 1 : 2
        if labelWidth > 0 {
            var labelled = Set<Int>()
            var lastRow = -1
            for p in 0..<plotPH {
                let r = blockRange(p, count: rows, pixels: plotPH).lowerBound
                let y = p / pixelsPerTermRow
                guard r != lastRow, !labelled.contains(y), r < rowLabels.count else { continue }
                lastRow = r
                labelled.insert(y)
                let style = r == highlightRow ? Style(reverse: true) : Style.plain
                grid.put(String(rowLabels[r].prefix(labelWidth)), x: clip.x, y: plotY + y, style: style,
                         clip: Rect(x: clip.x, y: clip.y, width: labelWidth, height: clip.height).intersection(clip))
            }
        }
        if let hr = highlightRow, hr >= 0, hr < rows {
            let markerStyle = Style(fg: Palette.accent, bold: true).downgraded(to: mode)
            for p in 0..<plotPH where blockRange(p, count: rows, pixels: plotPH).contains(hr) {
                grid.set(plotX - 1, plotY + p / pixelsPerTermRow,
                         Cell(options.ascii ? ">" : "▶", markerStyle), clip: clip)
            }
        }

        // Column labels (horizontal when they fit their block, else vertical) and the highlighted-column marker.
        if labelRows > 0 {
            for j in 0..<plotW {
                let c = blockRange(j, count: cols, pixels: plotW).lowerBound
                if j > 0 && blockRange(j - 1, count: cols, pixels: plotW).lowerBound == c { continue }
                guard c < colLabels.count else { continue }
                let style = c == highlightCol ? Style(reverse: true) : Style.plain
                if horizontalLabels {
                    grid.put(colLabels[c], x: plotX + j, y: clip.y, style: style,
                             clip: Rect(x: plotX + j, y: clip.y, width: colBlock, height: 1).intersection(clip))
                } else {
                    for (k, ch) in colLabels[c].prefix(labelRows).enumerated() {
                        grid.set(plotX + j, clip.y + k, Cell(printable(ch), style), clip: clip)
                    }
                }
            }
        }
        if markerRow > 0, let hc = highlightCol, hc >= 0, hc < cols, header > labelRows {
            let markerStyle = Style(fg: Palette.accent, bold: true).downgraded(to: mode)
            for j in 0..<plotW where blockRange(j, count: cols, pixels: plotW).contains(hc) {
                grid.set(plotX + j, clip.y + labelRows, Cell(options.ascii ? "v" : "▼", markerStyle), clip: clip)
            }
        }
    }

    /// Reduced value of the block rows × cols, in Double; NaN if any entry is not finite.
    private func reduceBlock(_ rr: Range<Int>, _ cr: Range<Int>) -> Double {
        var sum = 0.0, best = -Double.infinity, bestMag = -1.0, bestSigned = 0.0
        for r in rr {
            for c in cr {
                let v = values[r * cols + c]
                guard v.isFinite else { return .nan }
                let d = Double(v)
                sum += d
                best = Swift.max(best, d)
                if abs(d) > bestMag {
                    bestMag = abs(d)
                    bestSigned = d
                }
            }
        }
        switch reduce {
        case .mean: return sum / Double(rr.count * cr.count)
        case .max: return best
        case .maxMagnitude: return bestSigned
        }
    }
}

/// Matrix entries covered by pixel `j` of `pixels` along an axis of `count` entries (never empty).
func blockRange(_ j: Int, count: Int, pixels: Int) -> Range<Int> {
    let start = j * count / pixels
    let end = Swift.max(start + 1, (j + 1) * count / pixels)
    return start..<Swift.min(end, count)
}

/// A one-row legend for a heatmap: "lo" label, the ramp (colour cells or glyphs), "hi" label, then `note`
/// (what the range is: "fixed 0–1", "autoscaled, max 0.0632", "log10 rms"). The ramp gives way to the note
/// down to 4 columns; a note that still does not fit ends in "…". Returns the columns drawn.
@discardableResult
public func drawColorBar(into grid: inout Grid, rect: Rect, normalizer: Normalizer, scale: ColorScale = .sequential,
                         options: RenderOptions = .standard, note: String = "") -> Int {
    let clip = rect.intersection(grid.bounds)
    guard !clip.isEmpty else { return 0 }
    let loText = formatCompact(normalizer.lo), hiText = formatCompact(normalizer.hi)
    let note = displayText(note, options)
    let ends = loText.count + hiText.count + 2
    let noteWidth = note.isEmpty ? 0 : min(note.count + 1, max(0, clip.width - ends - 4))
    let barWidth = min(clip.width - ends - noteWidth, 32)
    guard barWidth >= 2 else {
        let compact = loText + ".." + hiText + (note.isEmpty ? "" : " " + note)
        grid.put(truncate(compact, width: clip.width, ellipsis: true, ascii: options.ascii), x: clip.x, y: clip.y, clip: clip)
        return min(compact.count, clip.width)
    }
    grid.put(loText, x: clip.x, y: clip.y, clip: clip)
    let x0 = clip.x + loText.count + 1
    for i in 0..<barWidth {
        let t = Double(i) / Double(barWidth - 1)
        let cell = options.usesGlyphs
            ? Cell(Ramp.glyph(t, scale: scale), Style(fg: Ramp.color(t, scale: scale, mode: options.colorMode, theme: options.theme)))
            : Cell("█", Style(fg: Ramp.color(t, scale: scale, mode: options.colorMode, theme: options.theme)))
        grid.set(x0 + i, clip.y, cell, clip: clip)
    }
    grid.put(hiText, x: x0 + barWidth + 1, y: clip.y, clip: clip)
    var used = loText.count + barWidth + hiText.count + 2
    if noteWidth > 1 {
        grid.put(truncate(note, width: noteWidth - 1, ellipsis: true, ascii: options.ascii), x: clip.x + used + 1, y: clip.y,
                 style: Style(dim: true), clip: clip)
        used += noteWidth
    }
    return used
}
