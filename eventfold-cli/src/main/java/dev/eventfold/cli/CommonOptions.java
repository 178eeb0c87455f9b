package dev.eventfold.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    @Option(names = "--progress", description = "Draw progress on stderr even when it is not a terminal.")
    boolean progress;
}
