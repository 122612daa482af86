// The confirmatory grid: the study docs/results/confirmatory-plan.md pre-registers (five hypotheses
// chosen from the standard grid, tested on fresh seeds and held-out sets no calibration saw). Every
// setting is fixed by the plan, and the plan's hash is part of the grid's identity, so a results CSV
// that names the plan but was computed with other seeds or settings, or under another plan, is refused
// by `reproduce merge` and `reproduce --from` instead of being analysed as confirmatory.
import PDETCore

/// The pre-registered plan this version runs: its file and the FNV-1a 64 of its bytes. A test checks
/// the hash against the committed file, so an edited plan cannot keep the old identity.
public enum ConfirmatoryPlan {
    public static let path = "docs/results/confirmatory-plan.md"
    public static let hash = "13fdab0d0aedb50e"
    /// The plan's seeds: 101 ..< 121, disjoint from the standard grid's and every calibration's.
    public static let firstSeed = 101
    public static let seeds = 20
    /// digits holds out rows r % 5 == 0; the standard grid and its calibration scored r % 5 == 4.
    public static let digitsHeldOutFold = 0
    public static let tasks: [TaskKind] = [.listops, .digits]
    /// The six variants H1-H5 compare.
    public static let variants: [Variant] = [.baseline, .pde(.afterEmbedding, multiScale: false),
                                             .pde(.afterEmbedding, multiScale: true), .pde(.beforeAttention, multiScale: false),
                                             .pde(.afterAttention, multiScale: false), .pde(.betweenLayers, multiScale: false)]
}

extension ReproGrid {
    /// The confirmatory grid: listops and digits at the standard grid's calibrated settings, the six
    /// variants of H1-H5, seeds 101-120, digits' held-out fold 0, under the plan's hash (240 cells).
    public static func confirmatory() -> ReproGrid {
        var perTask: [TaskKind: TaskSettings] = [:]
        for t in ConfirmatoryPlan.tasks { perTask[t] = standardSettings(t) }
        let first = standardSettings(ConfirmatoryPlan.tasks[0])
        var g = ReproGrid(tasks: ConfirmatoryPlan.tasks, variants: ConfirmatoryPlan.variants.sorted { $0.order < $1.order },
                          seeds: ConfirmatoryPlan.seeds, steps: first.steps, evalSize: 512, model: first.model, perTask: perTask)
        g.firstSeed = ConfirmatoryPlan.firstSeed
        g.digitsHeldOutFold = ConfirmatoryPlan.digitsHeldOutFold
        g.plan = ConfirmatoryPlan.hash
        return g
    }

    /// A grid line that names plan `hash` must be exactly this version's confirmatory grid.
    static func checkPlan(_ hash: String, grid: ReproGrid) throws(ReproError) {
        guard hash == ConfirmatoryPlan.hash else {
            throw ReproError("the grid names plan \(hash), but this version's confirmatory plan (\(ConfirmatoryPlan.path)) hashes to \(ConfirmatoryPlan.hash): the file was computed under another plan")
        }
        let planned = confirmatory()
        guard grid.id == planned.id else {
            var what: [String] = []
            if grid.firstSeed != planned.firstSeed || grid.seeds != planned.seeds {
                what.append("seeds \(grid.firstSeed)-\(grid.firstSeed + grid.seeds - 1), the plan's \(planned.firstSeed)-\(planned.firstSeed + planned.seeds - 1)")
            }
            if grid.tasks != planned.tasks { what.append("tasks differ") }
            if grid.variants != planned.variants { what.append("variants differ") }
            if grid.digitsHeldOutFold != planned.digitsHeldOutFold { what.append("digits held-out fold \(grid.digitsHeldOutFold), the plan's \(planned.digitsHeldOutFold)") }
            if what.isEmpty { what.append("settings differ") }
            throw ReproError("the grid names the confirmatory plan but is not its grid (\(what.joined(separator: "; "))); grid \(grid.id), the plan's \(planned.id)")
        }
    }
}
