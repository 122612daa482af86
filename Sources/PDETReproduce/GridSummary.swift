// Reading a grid back from its summary line (the "# grid" line of a results CSV), so that
// `reproduce --from FILE --cell N` re-runs a cell with exactly the settings that produced FILE.
// The summary is the grid's identity: a summary that parses to a grid with a different id (a
// hand-edited file, a setting this version does not know) is refused rather than guessed at.
import PDETCore
import PDETTasks

extension ReproGrid {
    /// The grid whose `summary` is `text` (both forms: one model for every task, or one per task).
    public init(summary text: String) throws(ReproError) {
        func fail(_ why: String) -> ReproError { ReproError("cannot read the grid line: \(why)") }
        var tasks: [TaskKind]?, seeds: Int?, steps: Int?, evalSize: Int?, model: ModelConfig?
        var variants: [Variant]?, scales: [Int]?
        var firstSeed = 1, fold = DigitsTask.defaultHeldOutFold, plan: String?
        var perTask: [TaskKind: TaskSettings] = [:]
        for part in text.components(separatedBy: "; ") {
            var words = part.split(separator: " ").map(String.init)
            guard let key = words.first else { throw fail("an empty part") }
            words.removeFirst()
            switch key {
            case "tasks":
                guard words.count == 1 else { throw fail("bad tasks \"\(part)\"") }
                tasks = try parseTasks(words[0])
            case "seeds":
                // "seeds N" or "seeds N from F" (a grid on fresh seeds F ..< F + N).
                if words.count == 3, words[1] == "from" {
                    firstSeed = try Self.int([words[2]], part)
                    words.removeLast(2)
                }
                seeds = try Self.int(words, part)
            case "digits-heldout-fold": fold = try Self.int(words, part)
            case "plan":
                guard words.count == 1 else { throw fail("bad plan \"\(part)\"") }
                plan = words[0]
            case "steps": steps = try Self.int(words, part)
            case "eval": evalSize = try Self.int(words, part)
            case "model":
                // The one-model form ends in "multi-scales a,b,c".
                if words.count >= 2, words[words.count - 2] == "multi-scales" {
                    scales = try Self.scales(words[words.count - 1])
                    words.removeLast(2)
                }
                model = try Self.model(words, part)
            case "multi-scales":
                guard words.count == 1 else { throw fail("bad multi-scales \"\(part)\"") }
                scales = try Self.scales(words[0])
            case "variants":
                guard words.count == 1 else { throw fail("bad variants \"\(part)\"") }
                variants = try parseVariants(words[0])
            default:
                guard let task = TaskKind(rawValue: key), words.count >= 3, words[0] == "steps", words[2] == "model" else {
                    throw fail("unknown part \"\(part)\"")
                }
                guard let n = Int(words[1]) else { throw fail("bad steps in \"\(part)\"") }
                perTask[task] = TaskSettings(steps: n, model: try Self.model(Array(words.dropFirst(3)), part))
            }
        }
        guard let tasks else { throw fail("no tasks") }
        guard let seeds else { throw fail("no seeds") }
        guard let evalSize else { throw fail("no eval") }
        guard let variants else { throw fail("no variants") }
        guard let scales else { throw fail("no multi-scales") }
        if perTask.isEmpty {
            guard let steps, let model else { throw fail("no steps or model") }
            self.init(tasks: tasks, variants: variants, seeds: seeds, steps: steps, evalSize: evalSize, model: model,
                      multiScales: scales)
        } else {
            guard steps == nil, model == nil else { throw fail("both a shared model and per-task models") }
            for t in tasks where perTask[t] == nil { throw fail("no settings for task \(t.rawValue)") }
            guard let first = perTask[tasks[0]] else { throw fail("no tasks") }
            self.init(tasks: tasks, variants: variants, seeds: seeds, steps: first.steps, evalSize: evalSize,
                      model: first.model, perTask: perTask, multiScales: scales)
        }
        self.firstSeed = firstSeed
        self.digitsHeldOutFold = fold
        self.plan = plan
        guard summary == text else { throw fail("it does not read back the same (written by another version?)") }
        if let plan { try Self.checkPlan(plan, grid: self) }
    }

    private static func int(_ words: [String], _ part: String) throws(ReproError) -> Int {
        guard words.count == 1, let n = Int(words[0]) else { throw ReproError("cannot read the grid line: bad number in \"\(part)\"") }
        return n
    }

    private static func scales(_ text: String) throws(ReproError) -> [Int] {
        var out: [Int] = []
        for s in text.split(separator: ",") {
            guard let n = Int(s) else { throw ReproError("cannot read the grid line: bad multi-scales \"\(text)\"") }
            out.append(n)
        }
        return out
    }

    /// "L2 C16 NH2 F32 T64 B16 lr 0.005 warmup 0 clip 1.0 wd 0.01 norm pre pos sinusoidal causal false
    /// pde-alpha 0.1 pde-steps 1 [init-gain X] [pde-clamp off]" (the text of `modelText`).
    private static func model(_ words: [String], _ part: String) throws(ReproError) -> ModelConfig {
        func fail(_ why: String) -> ReproError { ReproError("cannot read the grid line: \(why) in \"\(part)\"") }
        guard words.count >= 6 else { throw fail("a short model") }
        var m = ModelConfig()
        let shape: [(String, WritableKeyPath<ModelConfig, Int>)] = [("L", \.layers), ("C", \.dModel), ("NH", \.heads),
                                                                   ("F", \.dFF), ("T", \.seqLen), ("B", \.batch)]
        for (i, (prefix, path)) in shape.enumerated() {
            let w = words[i]
            guard w.hasPrefix(prefix), let n = Int(w.dropFirst(prefix.count)) else { throw fail("expected \(prefix)<n>, got \"\(w)\"") }
            m[keyPath: path] = n
        }
        var rest = Array(words.dropFirst(6))
        guard rest.count % 2 == 0 else { throw fail("a setting without a value") }
        while !rest.isEmpty {
            let key = rest.removeFirst(), value = rest.removeFirst()
            func float() throws(ReproError) -> Float {
                guard let x = Float(value) else { throw fail("bad \(key) \"\(value)\"") }
                return x
            }
            func int() throws(ReproError) -> Int {
                guard let x = Int(value) else { throw fail("bad \(key) \"\(value)\"") }
                return x
            }
            switch key {
            case "lr": m.lr = try float()
            case "warmup": m.warmup = try int()
            case "clip": m.clip = try float()
            case "wd": m.weightDecay = try float()
            case "norm":
                guard let n = NormMode(rawValue: value) else { throw fail("bad norm \"\(value)\"") }
                m.norm = n
            case "pos":
                guard let p = PositionalEncoding(rawValue: value) else { throw fail("bad pos \"\(value)\"") }
                m.pos = p
            case "causal":
                guard let b = Bool(value) else { throw fail("bad causal \"\(value)\"") }
                m.causal = b
            case "pde-alpha": m.pdeAlpha = try float()
            case "pde-steps": m.pdeSteps = try int()
            case "init-gain": m.initGain = try float()
            case "pde-clamp":
                guard value == "off" || value == "on" else { throw fail("bad pde-clamp \"\(value)\"") }
                m.pdeClamp = value == "on"
            default: throw fail("unknown setting \"\(key)\"")
            }
        }
        return m
    }
}
