import Foundation

/// Prints a line for people and scripts on standard output, flushed at once so a supervisor
/// reading a pipe sees it immediately.
func announce(_ line: String) {
    // Writing with FileHandle keeps the line unbuffered without touching C's global `stdout`.
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A failure reported to the user as one line on standard error, with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
