package dev.eventfold.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    @Option(names = "--progress", description = "Draw progress on stderr. Without it, progress is drawn only when stderr is"
            + " detectably a terminal (Linux; elsewhere only with this option).")
    boolean progress;
}
