// Reading script and lesson files from disk (the parsers themselves are pure).

import Foundation

/// The UTF-8 text of a file; a ScriptError naming the file when it cannot be read or decoded.
func readTextFile(_ path: String) throws(ScriptError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ScriptError(fileName: path, line: 0, message: "cannot read file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw ScriptError(fileName: path, line: 0, message: "not UTF-8 text")
    }
    return text
}

/// Every `*.lesson` file in `directory`, parsed, sorted by file name (so `NN-` prefixes set the order).
/// Throws the first file's error ("PATH:LINE: message"), or when the folder is missing or has no lessons.
public func loadLessons(directory: String) throws(ScriptError) -> [Lesson] {
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
        throw ScriptError(fileName: directory, line: 0, message: "cannot list lesson folder")
    }
    let lessonFiles = names.filter { $0.hasSuffix(".lesson") }.sorted()
    if lessonFiles.isEmpty { throw ScriptError(fileName: directory, line: 0, message: "no .lesson files") }
    let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    var lessons: [Lesson] = []
    for name in lessonFiles {
        let path = base + "/" + name
        lessons.append(try parseLesson(try readTextFile(path), fileName: path))
    }
    return lessons
}
